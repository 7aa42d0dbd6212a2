package io.carelake.ingestion.flink;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.table.data.RowData;

/**
 * Keys a raw row by the UTC day of its {@code event_time}: the same day number Iceberg's
 * {@code days(event_time)} partition transform gives, so that all rows of one day partition reach
 * the same writer subtask. Computed from the timestamp's epoch milliseconds with one division,
 * where Iceberg's own hash distribution formats a partition path per row.
 */
public final class EventDayKey implements KeySelector<RowData, Integer> {

  private static final long serialVersionUID = 1L;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final int position;

  public EventDayKey(int position) {
    this.position = position;
  }

  @Override
  public Integer getKey(RowData row) {
    long millis = row.getTimestamp(position, RawRows.TIMESTAMP_PRECISION).getMillisecond();
    return (int) Math.floorDiv(millis, MILLIS_PER_DAY);
  }
}
