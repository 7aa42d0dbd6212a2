package io.carelake.ingestion.ledger;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Counts what a Flink job committed to an Iceberg table, from the table's own history: the
 * {@code added-records} of every snapshot after the one current when the run started that carries
 * the job's id ({@code flink.job-id}, set by Iceberg's Flink committer). A count read back from the
 * table is independent of the job's own counters, which is what makes the ledger check real.
 */
public final class SnapshotCounts {

  /** Snapshot summary key that Iceberg's Flink committer sets to the Flink job id. */
  public static final String FLINK_JOB_ID = "flink.job-id";

  private SnapshotCounts() {}

  /** The current snapshot id, or null for a table without snapshots. */
  public static Long currentSnapshotId(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? null : current.snapshotId();
  }

  /** Snapshots committed by {@code flinkJobId} after {@code startSnapshotId}, oldest first. */
  public static List<Snapshot> committedBy(Table table, Long startSnapshotId, String flinkJobId) {
    return after(table, startSnapshotId, summary -> flinkJobId.equals(summary.get(FLINK_JOB_ID)));
  }

  /** Snapshots committed by any Flink job after {@code startSnapshotId}, oldest first. */
  public static List<Snapshot> committedByAnyJob(Table table, Long startSnapshotId) {
    return after(table, startSnapshotId, summary -> summary.containsKey(FLINK_JOB_ID));
  }

  /** Snapshots of the current lineage after {@code startSnapshotId} whose summary matches. */
  private static List<Snapshot> after(Table table, Long startSnapshotId,
      java.util.function.Predicate<java.util.Map<String, String>> summaryMatches) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    List<Snapshot> found = new ArrayList<>();
    if (current == null || (startSnapshotId != null && current.snapshotId() == startSnapshotId)) {
      return found;
    }
    for (Snapshot s : SnapshotUtil.ancestorsBetween(current.snapshotId(), startSnapshotId,
        table::snapshot)) {
      if (summaryMatches.test(s.summary())) {
        found.add(0, s);
      }
    }
    return found;
  }

  /** Rows those snapshots added. */
  public static long addedRecords(List<Snapshot> snapshots) {
    long total = 0;
    for (Snapshot s : snapshots) {
      total += Long.parseLong(s.summary().getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0"));
    }
    return total;
  }
}
