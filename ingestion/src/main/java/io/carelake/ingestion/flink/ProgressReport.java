package io.carelake.ingestion.flink;

import java.util.Arrays;

/**
 * What one lateness subtask knows of the Kafka partitions of one raw table's topic just before a
 * checkpoint barrier: emitted before the barrier ({@link LatenessOperator}), so it belongs to that
 * checkpoint, and read by the table's {@link RawTableCommitter}, which turns the reports of all
 * subtasks into the completeness watermark it commits with that checkpoint's rows
 * ({@link CompletenessWatermark}). A Flink POJO (public fields, no-argument constructor); the
 * per-partition fields are parallel arrays.
 */
public final class ProgressReport {

  /** The checkpoint whose barrier followed the rows reported. */
  public long checkpointId;
  public int subtask;
  /** Rows read since this subtask's previous report (duplicates included). */
  public long rows;
  /** Late events among them ({@link LatenessFunction}). */
  public long lateEvents;
  /** {@code topic-partition} of every partition this subtask has read from since the job started. */
  public String[] partitions;
  /**
   * Per partition: the newest event time read, capped at its ingest time (an event dated in the
   * future claims no more than the moment it was read), minus the bounded out-of-orderness.
   */
  public long[] watermarkMs;
  /** Per partition: when a message of it was last read (epoch ms, its {@code ingest_time}). */
  public long[] lastReadMs;
  /** Per partition: still reading the backlog it had when the job started. */
  public boolean[] catchingUp;

  public ProgressReport() {}

  ProgressReport(long checkpointId, int subtask, long rows, long lateEvents, String[] partitions,
      long[] watermarkMs, long[] lastReadMs, boolean[] catchingUp) {
    this.checkpointId = checkpointId;
    this.subtask = subtask;
    this.rows = rows;
    this.lateEvents = lateEvents;
    this.partitions = partitions;
    this.watermarkMs = watermarkMs;
    this.lastReadMs = lastReadMs;
    this.catchingUp = catchingUp;
  }

  @Override
  public String toString() {
    return "ProgressReport{checkpoint " + checkpointId + ", subtask " + subtask + ", rows " + rows
        + ", late " + lateEvents + ", partitions " + Arrays.toString(partitions) + ", watermarks "
        + Arrays.toString(watermarkMs) + ", last read " + Arrays.toString(lastReadMs) + ", catching up "
        + Arrays.toString(catchingUp) + "}";
  }
}
