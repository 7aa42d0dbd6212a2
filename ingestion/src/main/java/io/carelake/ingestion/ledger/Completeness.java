package io.carelake.ingestion.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The completeness watermark of a raw table, kept in Iceberg snapshot summaries so that batch
 * jobs can tell when a day is closed: every event with {@code event_time} before the watermark
 * has been read (up to late events, which are counted).
 *
 * <ul>
 *   <li>{@value #WATERMARK}: ISO-8601 instant (UTC), {@value #WATERMARK_MS}: the same in epoch ms.
 *       Value: the newest event time read for the table minus the bounded out-of-orderness
 *       ({@code ingest.max-out-of-orderness-ms}); it never moves backwards.
 *   <li>{@value #LATE_EVENTS}: events read since the previous watermark commit whose event time
 *       was more than the out-of-orderness behind the newest event time read before them from
 *       the same Kafka partition.
 * </ul>
 *
 * <p>Iceberg's Flink sink takes snapshot properties fixed when the job is built, so the
 * watermark cannot ride on the sink's own per-checkpoint commits. It is written as a
 * metadata-only commit (an append of no files, operation {@code append}, 0 added records) on the
 * table's current snapshot: while the job runs, after each checkpoint whose rows the table holds
 * ({@code CompletenessCommitter}, when the watermark advanced or late events were read), and
 * once more at the end of a bounded run with the run's total of late events. Readers take the newest snapshot in the
 * current lineage carrying {@value #WATERMARK_MS} ({@link #latest}).
 */
public final class Completeness {

  public static final String WATERMARK = "carelake.watermark";
  public static final String WATERMARK_MS = "carelake.watermark-ms";
  public static final String LATE_EVENTS = "carelake.late-events";
  public static final String RUN_ID = "carelake.run-id";

  private Completeness() {}

  /** A recorded watermark: the snapshot carrying it, the instant and the late count. */
  public record Watermark(long snapshotId, Instant committedAt, Instant watermark, long lateEvents) {}

  /** The newest watermark recorded in the table's current lineage, if any. */
  public static Optional<Watermark> latest(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return Optional.empty();
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      Map<String, String> summary = s.summary();
      String ms = summary == null ? null : summary.get(WATERMARK_MS);
      if (ms != null) {
        return Optional.of(new Watermark(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()),
            Instant.ofEpochMilli(Long.parseLong(ms)),
            Long.parseLong(summary.getOrDefault(LATE_EVENTS, "0"))));
      }
    }
    return Optional.empty();
  }

  /**
   * Commits the watermark for events read up to {@code maxEventTimeMs}: max(previous watermark,
   * maxEventTimeMs - outOfOrderness), with {@code lateEvents}. Returns the recorded watermark.
   */
  public static Watermark record(Table table, long maxEventTimeMs, Duration outOfOrderness,
      long lateEvents, String runId) {
    return record(table, maxEventTimeMs, outOfOrderness, lateEvents, runId, Map.of(), false)
        .orElseThrow();
  }

  /**
   * {@link #record(Table, long, Duration, long, String)} with more summary properties; when
   * {@code onlyIfChanged}, commits nothing (and returns empty) if the watermark would not advance
   * and no late event was read.
   */
  public static Optional<Watermark> record(Table table, long maxEventTimeMs,
      Duration outOfOrderness, long lateEvents, String runId, Map<String, String> properties,
      boolean onlyIfChanged) {
    long candidate = maxEventTimeMs - outOfOrderness.toMillis();
    long previous = latest(table).map(w -> w.watermark().toEpochMilli()).orElse(Long.MIN_VALUE);
    if (onlyIfChanged && candidate <= previous && lateEvents == 0) {
      return Optional.empty();
    }
    long watermark = Math.max(previous, candidate);
    var append = table.newAppend()
        .set(WATERMARK, Instant.ofEpochMilli(watermark).toString())
        .set(WATERMARK_MS, Long.toString(watermark))
        .set(LATE_EVENTS, Long.toString(lateEvents))
        .set("carelake.job", "ingest");
    if (runId != null) {
      append.set(RUN_ID, runId);
    }
    properties.forEach(append::set);
    append.commit();
    table.refresh();
    Snapshot s = table.currentSnapshot();
    return Optional.of(new Watermark(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()),
        Instant.ofEpochMilli(watermark), lateEvents));
  }
}
