package io.carelake.ingestion.flink;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/**
 * The Flink row layout of an Iceberg table schema, derived with Iceberg's own converter so that
 * the rows ingestion builds match what the Iceberg sink expects, column for column. Fields are
 * set by name, never by a hand-counted position.
 */
public final class RowLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  private final RowType rowType;
  private final Map<String, Integer> positions = new HashMap<>();

  private RowLayout(RowType rowType) {
    this.rowType = rowType;
    List<String> names = rowType.getFieldNames();
    for (int i = 0; i < names.size(); i++) {
      positions.put(names.get(i), i);
    }
  }

  public static RowLayout of(Schema schema) {
    return new RowLayout(FlinkSchemaUtil.convert(schema));
  }

  /** The layout of the struct elements of an array column (e.g. {@code prescriptions}). */
  public RowLayout elementsOf(String arrayColumn) {
    ArrayType array = (ArrayType) rowType.getTypeAt(position(arrayColumn));
    return new RowLayout((RowType) array.getElementType());
  }

  public RowType rowType() {
    return rowType;
  }

  public TypeInformation<RowData> typeInfo() {
    return InternalTypeInfo.of(rowType);
  }

  public int position(String column) {
    Integer position = positions.get(column);
    if (position == null) {
      throw new IllegalArgumentException(
          "No column '" + column + "' in " + rowType.getFieldNames());
    }
    return position;
  }

  public Builder newRow() {
    return new Builder();
  }

  /** Fills one row by column name. */
  public final class Builder {
    private final GenericRowData row = new GenericRowData(rowType.getFieldCount());

    public Builder set(String column, Object value) {
      row.setField(position(column), value);
      return this;
    }

    public GenericRowData build() {
      return row;
    }
  }
}
