package io.carelake.ingestion.flink;

import java.util.HashMap;
import java.util.Map;

/**
 * The completeness watermark of one raw table, merged from the latest {@link ProgressReport} of
 * every Kafka partition of its topic: the instant before which every event has been read, so that a
 * day can be closed. It can never close a day early:
 *
 * <ul>
 *   <li>it is the <em>minimum</em> over the partitions (each: newest event time read minus the
 *       bounded out-of-orderness), so a partition that lags (a clinic whose uplink was down) holds
 *       it back;
 *   <li>a partition still reading the backlog it had when the job started claims nothing: its
 *       backlog may hold any event time (a Synthea export is ordered by patient, not by time), so
 *       the watermark does not advance until every active partition has caught up;
 *   <li>a partition from which nothing was read for the idleness timeout ({@code
 *       ingest.idle-timeout-ms}) stops holding it back: an explicit choice of liveness over waiting
 *       forever for a source that went quiet. When every partition is idle the watermark is the
 *       newest of theirs;
 *   <li>event times are capped at the time they were read ({@link LatenessFunction}), so an event
 *       accepted up to a day in the future cannot advance it beyond now.
 * </ul>
 *
 * Partitions never read from (an empty partition) are unknown here and hold nothing back. The
 * statuses are part of the committer's state, so a partition with nothing new after a restart
 * keeps holding the watermark at its last claim until it has been idle for the timeout (its
 * idleness is counted from the restart).
 */
final class CompletenessWatermark {

  /** Nothing can be claimed yet. */
  static final long NONE = Long.MIN_VALUE;

  /** What is known of one partition. */
  record Status(long watermarkMs, long lastReadMs, boolean catchingUp) {}

  private final long idleTimeoutMs;
  private final Map<String, Status> partitions = new HashMap<>();

  CompletenessWatermark(long idleTimeoutMs) {
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Takes the newest status of every partition the report names. */
  void update(ProgressReport report) {
    for (int i = 0; i < report.partitions.length; i++) {
      partitions.put(report.partitions[i],
          new Status(report.watermarkMs[i], report.lastReadMs[i], report.catchingUp[i]));
    }
  }

  /** Every partition's status, for the operator state. */
  Map<String, Status> statuses() {
    return Map.copyOf(partitions);
  }

  /** A status restored from operator state, its idleness counted from {@code restoredAtMs}. */
  void restore(String partition, long watermarkMs, boolean catchingUp, long restoredAtMs) {
    partitions.put(partition, new Status(watermarkMs, restoredAtMs, catchingUp));
  }

  /** The watermark the partitions support at {@code nowMs}, or {@link #NONE}. */
  long current(long nowMs) {
    long min = Long.MAX_VALUE;
    long newestIdle = NONE;
    boolean active = false;
    for (Status s : partitions.values()) {
      if (nowMs - s.lastReadMs() > idleTimeoutMs) {
        newestIdle = Math.max(newestIdle, s.watermarkMs());
      } else if (s.catchingUp()) {
        return NONE;
      } else {
        active = true;
        min = Math.min(min, s.watermarkMs());
      }
    }
    return active ? min : newestIdle;
  }
}
