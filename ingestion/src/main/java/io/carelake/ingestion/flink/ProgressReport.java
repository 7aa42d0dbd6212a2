package io.carelake.ingestion.flink;

/**
 * What one lateness subtask read of one raw table up to a checkpoint barrier: emitted just before
 * the barrier ({@link LatenessOperator}), so it is part of that checkpoint, and merged by the
 * {@link CompletenessCommitter} into the table's completeness watermark once the checkpoint is
 * committed. A Flink POJO (public fields, no-argument constructor).
 */
public final class ProgressReport {

  /** The checkpoint whose barrier followed the rows reported. */
  public long checkpointId;
  /** Label of the raw table: {@code visits} or {@code vitals}. */
  public String table;
  public int subtask;
  /** Newest event time this subtask has read (any partition, restored state included); or
   *  {@link Long#MIN_VALUE} when none. */
  public long maxEventTimeMs;
  /** Rows read since this subtask's previous report (duplicates included). */
  public long rows;
  /** Late events among them ({@link LatenessFunction}). */
  public long lateEvents;

  public ProgressReport() {}

  ProgressReport(long checkpointId, String table, int subtask, long maxEventTimeMs, long rows,
      long lateEvents) {
    this.checkpointId = checkpointId;
    this.table = table;
    this.subtask = subtask;
    this.maxEventTimeMs = maxEventTimeMs;
    this.rows = rows;
    this.lateEvents = lateEvents;
  }

  @Override
  public String toString() {
    return "ProgressReport{checkpoint " + checkpointId + ", " + table + "#" + subtask
        + ", max event time " + maxEventTimeMs + " ms, rows " + rows + ", late " + lateEvents + "}";
  }
}
