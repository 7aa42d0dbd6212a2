package io.carelake.ingestion.flink;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.table.data.RowData;

/** Reads a raw row's {@code event_time} as the Flink event timestamp (epoch milliseconds). */
public final class EventTimeAssigner implements SerializableTimestampAssigner<RowData> {

  private static final long serialVersionUID = 1L;

  private final int position;

  public EventTimeAssigner(int position) {
    this.position = position;
  }

  @Override
  public long extractTimestamp(RowData row, long recordTimestamp) {
    return row.getTimestamp(position, RawRows.TIMESTAMP_PRECISION).getMillisecond();
  }
}
