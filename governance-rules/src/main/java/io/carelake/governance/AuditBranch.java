package io.carelake.governance;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import java.util.Locale;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;

/**
 * Write-audit-publish for one run: every table govern publishes is first written to an Iceberg
 * branch {@code audit_<run id>} forked from main's current snapshot; the run audits what it reads
 * back from the branch, and only then fast-forwards main to it ({@code system.fast_forward}) and
 * drops the branch. A run that does not publish leaves main untouched and keeps the branch for
 * inspection (its name is in the run's message and ledger parameters).
 */
final class AuditBranch {

  private final SparkSession spark;
  private final JobContext ctx;
  private final String name;

  AuditBranch(SparkSession spark, JobContext ctx) {
    this.spark = spark;
    this.ctx = ctx;
    this.name = nameFor(ctx.run().id());
  }

  /** {@code audit_govern_1b2c...}: the run id with every character outside [a-z0-9_] as '_'. */
  static String nameFor(String runId) {
    return "audit_" + runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
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
    t.manageSnapshots().createBranch(name, t.currentSnapshot().snapshotId()).commit();
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

  /** Fast-forwards main to the branch, then drops the branch. */
  void publish(TableName table) {
    spark.sql("CALL " + ctx.catalogName() + ".system.fast_forward('" + table + "', 'main', '"
        + name + "')").collect();
    drop(table);
  }

  void drop(TableName table) {
    Table t = load(table);
    if (t.refs().containsKey(name)) {
      t.manageSnapshots().removeBranch(name).commit();
    }
  }

  private Table load(TableName table) {
    Table t = ctx.icebergCatalog().loadTable(CatalogFactory.identifier(table));
    t.refresh();
    return t;
  }
}
