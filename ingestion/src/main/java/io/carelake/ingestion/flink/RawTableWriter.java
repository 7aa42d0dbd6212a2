package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.FlinkFileWriterFactory;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one raw event table's rows to Parquet data files, in the subtask that deduplicated them
 * (no shuffle by partition): the day partition is {@code event_time} in days, computed from the
 * timestamp itself, and at most {@code ingest.max-open-files} files are open at once
 * ({@link OpenDayFiles}), so a catch-up over any number of days runs in bounded memory. Just before
 * each checkpoint barrier it closes its files and sends them, as a temporary manifest, to the
 * table's {@link RawTableCommitter}, which commits them once the checkpoint is complete.
 *
 * <p>Schema evolution: a row whose extra fields ({@link RawRows#EXTRAS}) have no column yet gets
 * them added to the table as optional string columns (a metadata commit; a concurrent addition by
 * another subtask is retried against the refreshed table), and base columns the table lacks (a
 * newer core schema) are added when the writer opens. Files are written with the table's current
 * schema: rows without a column get null there. Columns are only ever added.
 */
public final class RawTableWriter extends AbstractStreamOperator<WrittenFiles>
    implements OneInputStreamOperator<RowData, WrittenFiles> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RawTableWriter.class);
  /** Attempts to add columns when other subtasks change the schema at the same time. */
  private static final int SCHEMA_ATTEMPTS = 10;

  private final CatalogLoader catalogLoader;
  private final String tableName;
  private final Schema base;
  private final RowLayout layout;
  private final int maxOpenFiles;

  private transient Table table;
  private transient PartitionSpec spec;
  private transient OpenDayFiles files;
  private transient String operationId;
  private transient int manifests;
  private transient Map<Integer, FileSchema> fileSchemas;
  private transient FileSchema fileSchema;
  private transient int eventTimePosition;
  private transient int extrasPosition;
  private transient long rows;
  private transient Counter closedEarly;
  private transient long closedEarlyReported;

  /**
   * @param base the table's base schema (core {@code TableSchemas}); {@code layout} is its
   *     in-flight layout ({@link RawRows}), with the extras map last
   */
  public RawTableWriter(CatalogLoader catalogLoader, TableName table, Schema base,
      RowLayout layout, int maxOpenFiles) {
    this.catalogLoader = catalogLoader;
    this.tableName = table.toString();
    this.base = base;
    this.layout = layout;
    this.maxOpenFiles = maxOpenFiles;
  }

  @Override
  public void open() throws Exception {
    super.open();
    table = catalogLoader.loadCatalog().loadTable(
        CatalogFactory.identifier(TableName.parse(tableName)));
    spec = table.spec();
    List<PartitionField> fields = spec.fields();
    if (fields.size() != 1 || !fields.get(0).transform().toString().equals("day")
        || !table.schema().findColumnName(fields.get(0).sourceId()).equals(TableSchemas.EVENT_TIME)) {
      throw new IllegalStateException("Table " + tableName + " must be partitioned by day("
          + TableSchemas.EVENT_TIME + ") alone, as ingestion creates it; it has " + spec);
    }
    eventTimePosition = layout.position(TableSchemas.EVENT_TIME);
    extrasPosition = layout.position(RawRows.EXTRAS);
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    operationId = UUID.randomUUID().toString();
    OutputFileFactory fileFactory = OutputFileFactory.builderFor(table, subtask,
            getRuntimeContext().getTaskInfo().getAttemptNumber())
        .format(FileFormat.PARQUET)
        .operationId(operationId)
        .build();
    long targetSize = PropertyUtil.propertyAsLong(table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    files = new OpenDayFiles(maxOpenFiles, fileFactory, table.io(), spec, targetSize);
    fileSchemas = new HashMap<>();
    closedEarly = getRuntimeContext().getMetricGroup().counter("filesClosedBeforeCheckpoint");
    addColumns(base);
  }

  @Override
  public void processElement(StreamRecord<RowData> element) {
    RowData row = element.getValue();
    MapData extras = row.isNullAt(extrasPosition) ? null : row.getMap(extrasPosition);
    RowData out;
    if (extras != null && extras.size() > 0) {
      Map<String, StringData> values = extraValues(extras);
      if (!fileSchema.columns().containsAll(values.keySet())) {
        addColumns(stringColumns(values.keySet()));
      }
      out = fileSchema.adapt(row, values);
    } else {
      out = fileSchema.identity() ? row : fileSchema.adapt(row, Map.of());
    }
    TimestampData t = row.getTimestamp(eventTimePosition, RawRows.TIMESTAMP_PRECISION);
    int day = DateTimeUtil.microsToDays(t.getMillisecond() * 1000 + t.getNanoOfMillisecond() / 1000);
    files.write(fileSchema.schemaId(), day, fileSchema.factory(), out);
    rows++;
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    List<DataFile> written = files.closeAll();
    closedEarly.inc(files.closedEarly() - closedEarlyReported);
    closedEarlyReported = files.closedEarly();
    if (!written.isEmpty()) {
      output.collect(new StreamRecord<>(new WrittenFiles(checkpointId,
          getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
          manifest(written, checkpointId), written.size(), rows)));
    }
    rows = 0;
  }

  @Override
  public void close() throws Exception {
    if (files != null) {
      files.abort(); // files not handed to the committer yet belong to no checkpoint
    }
    super.close();
  }

  /** A temporary manifest of {@code written} in the table's metadata directory. */
  private byte[] manifest(List<DataFile> written, long checkpointId) throws IOException {
    String name = "carelake-ingest-" + operationId + "-" + checkpointId + "-" + manifests++
        + ".avro";
    OutputFile file = table.io().newOutputFile(
        ((HasTableOperations) table).operations().metadataFileLocation(name));
    // a transport only (the committer re-adds the files): a placeholder snapshot id, as Iceberg's
    // own Flink sink does, because an encoded manifest needs one
    ManifestWriter<DataFile> writer =
        ManifestFiles.write(TableUtil.formatVersion(table), spec, file, 0L);
    try (writer) {
      written.forEach(writer::add);
    }
    return ManifestFiles.encode(writer.toManifestFile());
  }

  /** Adds the columns of {@code wanted} the table lacks, then writes with its new schema. */
  private void addColumns(Schema wanted) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Set<String> missing = new TreeSet<>();
      wanted.columns().forEach(c -> {
        if (table.schema().findField(c.name()) == null) {
          missing.add(c.name());
        }
      });
      if (missing.isEmpty()) {
        useSchema(table.schema());
        return;
      }
      try {
        table.updateSchema().unionByNameWith(wanted).commit();
        LOG.info("{}: added column(s) {} (schema evolution)", tableName, missing);
      } catch (CommitFailedException e) {
        if (attempt >= SCHEMA_ATTEMPTS) {
          throw new IllegalStateException("Could not add column(s) " + missing + " to "
              + tableName + " after " + attempt + " attempts (the schema kept changing): "
              + e.getMessage(), e);
        }
        // another writer changed the schema first: look again
        LOG.info("{}: schema changed concurrently while adding {}, attempt {} of {}", tableName,
            missing, attempt, SCHEMA_ATTEMPTS);
      }
    }
  }

  private void useSchema(Schema schema) {
    fileSchema = fileSchemas.computeIfAbsent(schema.schemaId(), id -> FileSchema.of(table, schema,
        layout));
  }

  private static Schema stringColumns(Set<String> names) {
    List<Types.NestedField> columns = new ArrayList<>();
    int id = 1;
    for (String name : new TreeSet<>(names)) {
      columns.add(Types.NestedField.optional(id++, name, Types.StringType.get(),
          "added by ingestion schema evolution: an optional event field"));
    }
    return new Schema(columns);
  }

  private static Map<String, StringData> extraValues(MapData extras) {
    Map<String, StringData> values = new HashMap<>();
    ArrayData keys = extras.keyArray();
    ArrayData vals = extras.valueArray();
    for (int i = 0; i < extras.size(); i++) {
      values.put(keys.getString(i).toString(), vals.isNullAt(i) ? null : vals.getString(i));
    }
    return values;
  }

  /**
   * How rows are written with one table schema: the Parquet writer factory, and where each column
   * comes from (the in-flight row's column of that name, else an extra field of that name).
   */
  private record FileSchema(int schemaId, FlinkFileWriterFactory factory, Set<String> columns,
      boolean identity, RowData.FieldGetter[] getters, String[] extraNames) {

    static FileSchema of(Table table, Schema schema, RowLayout layout) {
      RowType type = FlinkSchemaUtil.convert(schema);
      FlinkFileWriterFactory factory = new FlinkFileWriterFactory.Builder(table)
          .dataFileFormat(FileFormat.PARQUET)
          .dataSchema(schema)
          .dataFlinkType(type)
          .writerProperties(table.properties())
          .build();
      int n = schema.columns().size();
      RowData.FieldGetter[] getters = new RowData.FieldGetter[n];
      String[] extraNames = new String[n];
      boolean identity = true;
      Set<String> columns = new HashSet<>();
      List<String> inFlight = layout.rowType().getFieldNames();
      for (int i = 0; i < n; i++) {
        String name = schema.columns().get(i).name();
        columns.add(name);
        int position = inFlight.indexOf(name);
        if (position >= 0 && !name.equals(RawRows.EXTRAS)) {
          getters[i] = RowData.createFieldGetter(layout.rowType().getTypeAt(position), position);
          identity &= position == i;
        } else {
          extraNames[i] = name;
          identity = false;
        }
      }
      return new FileSchema(schema.schemaId(), factory, columns, identity, getters, extraNames);
    }

    /** A row in this schema's layout. */
    RowData adapt(RowData row, Map<String, StringData> extras) {
      GenericRowData out = new GenericRowData(row.getRowKind(), getters.length);
      for (int i = 0; i < getters.length; i++) {
        out.setField(i, getters[i] != null ? getters[i].getFieldOrNull(row)
            : extras.get(extraNames[i]));
      }
      return out;
    }
  }
}
