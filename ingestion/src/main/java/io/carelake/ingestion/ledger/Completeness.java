package io.carelake.ingestion.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The completeness watermark of a raw table, kept in Iceberg snapshot summaries so that batch
 * jobs can tell when a day is closed: every event with {@code event_time} before the watermark
 * has been read and is in the table (events that arrive later anyway are counted as late).
 *
 * <ul>
 *   <li>{@value #WATERMARK}: ISO-8601 instant (UTC), {@value #WATERMARK_MS}: the same in epoch ms.
 *       Value: the minimum over the Kafka partitions of the table's topic of the newest event time
 *       read (capped at the time it was read) minus the bounded out-of-orderness
 *       ({@code ingest.max-out-of-orderness-ms}), with idle and catching-up partitions handled as
 *       {@code flink.CompletenessWatermark} describes; it never moves backwards.
 *   <li>{@value #LATE_EVENTS}: late events ({@code flink.LatenessFunction}) among the rows read for
 *       the checkpoint(s) of this commit.
 * </ul>
 *
 * <p>The ingest job's committer ({@code flink.RawTableCommitter}) writes them into the summary of
 * the same Iceberg commit that adds the checkpoint's rows, so a watermark never claims rows the
 * table does not hold and costs no commit of its own. Readers take the newest snapshot in the
 * current lineage carrying {@value #WATERMARK_MS} ({@link #latest}).
 */
public final class Completeness {

  public static final String WATERMARK = "carelake.watermark";
  public static final String WATERMARK_MS = "carelake.watermark-ms";
  public static final String LATE_EVENTS = "carelake.late-events";

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
}
