package io.carelake.ingestion.flink;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.RowData;

/** Keys a raw row by its {@code event_id}, the deduplication key. */
public final class EventIdKey implements KeySelector<RowData, String> {

  private static final long serialVersionUID = 1L;

  private final int position;

  public EventIdKey(int position) {
    this.position = position;
  }

  @Override
  public String getKey(RowData row) {
    return row.getString(position).toString();
  }
}
