package io.carelake.governance;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.time.Interval;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Write-audit-publish for one run: every table govern publishes is first written to an Iceberg
 * branch {@code audit_<run id>} forked from main's current snapshot; the run audits what it reads
 * back from the branch, and only then fast-forwards main to it and drops the branch, in one commit
 * per table. A run that does not publish leaves main untouched and keeps the branch for
 * inspection (its name is in the run's message and ledger parameters); later runs drop such
 * branches once their head is older than the retention ({@link #pruneOlderThan}), and each
 * branch also carries that retention as Iceberg's {@code max-ref-age-ms}, so snapshot
 * expiration removes it too.
 */
final class AuditBranch {

  /** Prefix of every audit branch name. */
  static final String PREFIX = "audit_";

  private final SparkSession spark;
  private final JobContext ctx;
  private final String name;
  private final java.time.Duration retention;
  /** The snapshot each table's branch was forked at. */
  private final java.util.Map<TableName, Long> forkedAt = new java.util.HashMap<>();

  AuditBranch(SparkSession spark, JobContext ctx, java.time.Duration retention) {
    this.spark = spark;
    this.ctx = ctx;
    this.name = nameFor(ctx.run().id());
    this.retention = retention;
  }

  /** {@code audit_govern_1b2c...}: the run id with every character outside [a-z0-9_] as '_'. */
  static String nameFor(String runId) {
    return PREFIX + runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  String name() {
    return name;
  }

  /**
   * Forks the branch from main's current snapshot. A table without any snapshot (first run) first
   * gets an empty commit on main, so that main exists and the branch can fast-forward it.
   */
  void fork(TableName table) {
    Table t = load(table);
    if (t.currentSnapshot() == null) {
      t.newAppend().commit();
      t.refresh();
    }
    if (t.refs().containsKey(name)) {
      throw new IllegalStateException(table + " already has a branch '" + name + "' (a run id is"
          + " reused?); drop it with ALTER TABLE " + ctx.table(table) + " DROP BRANCH " + name);
    }
    long base = t.currentSnapshot().snapshotId();
    t.manageSnapshots().createBranch(name, base)
        .setMaxRefAgeMs(name, Math.max(1, retention.toMillis())).commit();
    forkedAt.put(table, base);
  }

  /**
   * The rows the commits on this branch added since {@link #fork}: the sum of Iceberg's
   * {@code added-records} over the branch's snapshots back to the fork. Only the files of a
   * task attempt the write committed count, so this is what the run wrote, whatever tasks Spark
   * reran.
   */
  long rowsAdded(TableName table) {
    Table t = load(table);
    Long base = forkedAt.get(table);
    SnapshotRef ref = t.refs().get(name);
    if (base == null || ref == null) {
      throw new IllegalStateException(table + " has no branch '" + name + "' forked by this run");
    }
    long added = 0;
    org.apache.iceberg.Snapshot s = t.snapshot(ref.snapshotId());
    while (s != null && s.snapshotId() != base) {
      added += Long.parseLong(s.summary().getOrDefault(
          org.apache.iceberg.SnapshotSummary.ADDED_RECORDS_PROP, "0"));
      s = s.parentId() == null ? null : t.snapshot(s.parentId());
    }
    return added;
  }

  /**
   * Drops the audit branches of earlier runs (blocked, or stopped before publishing) whose head
   * snapshot is older than {@code retention}; returns their names. Only names with the audit
   * prefix are touched, never this run's branch.
   */
  java.util.List<String> pruneOlderThan(TableName table, java.time.Instant now) {
    Table t = load(table);
    long cutoff = now.toEpochMilli() - retention.toMillis();
    java.util.List<String> stale = new java.util.ArrayList<>();
    t.refs().forEach((ref, r) -> {
      if (r.isBranch() && ref.startsWith(PREFIX) && !ref.equals(name)
          && t.snapshot(r.snapshotId()) != null
          && t.snapshot(r.snapshotId()).timestampMillis() <= cutoff) {
        stale.add(ref);
      }
    });
    if (!stale.isEmpty()) {
      var manage = t.manageSnapshots();
      stale.forEach(manage::removeBranch);
      manage.commit();
    }
    return stale;
  }

  /** The name Spark writes and reads the branch under: {@code carelake.curated.visits.branch_audit_...}. */
  String sparkName(TableName table) {
    return table.branchIn(ctx.catalogName(), name);
  }

  /** The branch head's snapshot id, or null when the branch does not exist. */
  Long head(TableName table) {
    SnapshotRef ref = load(table).refs().get(name);
    return ref == null ? null : ref.snapshotId();
  }

  /**
   * Fast-forwards main to the branch and drops the branch, in one commit; Spark's catalog is told
   * to reload the table, so that this session reads the published main.
   */
  void publish(TableName table) {
    Table t = load(table);
    t.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, name).removeBranch(name)
        .commit();
    spark.catalog().refreshTable(ctx.table(table));
  }

  /**
   * Reads the interval back from this branch of curated and quarantine: their rows must add up to
   * the raw slice Deequ counted, the split's counts must match, and every row must carry this
   * run's id. Returns what is wrong (empty: the branch may be published).
   */
  List<String> verify(GovernSlice s, Interval interval) {
    String runId = ctx.run().id();
    long[] curated = readBack(sparkName(s.target().curated()), interval, runId);
    long[] quarantine = readBack(sparkName(s.target().quarantine()), interval, runId);
    List<String> problems = new ArrayList<>();
    if (curated[0] + quarantine[0] != s.rows || curated[0] != s.curatedRows
        || quarantine[0] != s.quarantinedRows) {
      problems.add(String.format(Locale.ROOT, "%s does not reconcile on branch %s:"
          + " raw %d rows, read back curated %d (split %d) + quarantine %d (split %d)",
          s.target().raw(), name, s.rows, curated[0], s.curatedRows, quarantine[0],
          s.quarantinedRows));
    }
    if (curated[1] + quarantine[1] > 0) {
      problems.add(String.format(Locale.ROOT, "%s: %d rows of the interval on branch %s"
          + " were not written by this run (the interval was not replaced)", s.target().raw(),
          curated[1] + quarantine[1], name));
    }
    ctx.run().count("audit." + s.target().curated() + ".rows", curated[0])
        .count("audit." + s.target().quarantine() + ".rows", quarantine[0]);
    return problems;
  }

  /** {rows in the interval, of which not written by {@code runId}} of a table or branch. */
  private long[] readBack(String table, Interval interval, String runId) {
    Row r = spark.table(table).filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval))
        .agg(functions.count(functions.lit(1)), functions.sum(functions.when(
            functions.col(GovernedTables.RUN_ID).notEqual(runId), 1L).otherwise(0L))).first();
    return new long[] {r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  private Table load(TableName table) {
    Table t = ctx.icebergCatalog().loadTable(CatalogFactory.identifier(table));
    t.refresh();
    return t;
  }
}
