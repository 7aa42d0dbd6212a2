package io.carelake.deid;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;

/**
 * Write-audit-publish across every table one deidentify run releases (safe.visits, safe.vitals
 * and their date-shifted copies): each gets a branch {@code audit_<run id>} forked from main; the
 * run writes all of them, audits what the branches hold, and only then fast-forwards every
 * table's main (one audit, then publish). A kill before the publish leaves main untouched; a
 * rejected release's branches are dropped and their snapshots expired at once, so time travel
 * cannot read them; after a publish, the snapshots that held the replaced release are expired
 * too (safe.* keeps its current snapshot and the heads of live branches only).
 *
 * <p>Iceberg commits one table at a time: the publish is four fast-forwards, checked first (every
 * main must still be an ancestor of its branch: another run of another interval may have
 * published meanwhile, and then this run fails without publishing, to be rerun), with the intent
 * recorded before them so that a kill between two is completed by the next run
 * ({@link PublishJournal}).
 */
final class SafeRelease {

  static final String PREFIX = "audit_";

  private final SparkSession spark;
  private final JobContext ctx;
  private final String branch;
  private final Map<TableName, Long> forkedFrom = new LinkedHashMap<>();

  SafeRelease(SparkSession spark, JobContext ctx) {
    this.spark = spark;
    this.ctx = ctx;
    this.branch = PREFIX + ctx.run().id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  String branch() {
    return branch;
  }

  /** Creates the table if missing and forks the run's branch from its main. */
  void fork(TableName name, Schema schema) {
    Table t = CatalogFactory.createIfMissing(ctx.icebergCatalog(), name, schema,
        SafeSchemas.spec(schema));
    t.refresh();
    if (t.currentSnapshot() == null) {
      t.newAppend().commit(); // an empty main to fork from and fast-forward
      t.refresh();
    }
    long head = t.currentSnapshot().snapshotId();
    t.manageSnapshots().createBranch(branch, head)
        .setMaxRefAgeMs(branch, java.time.Duration.ofDays(1).toMillis()).commit();
    forkedFrom.put(name, head);
  }

  /** The name Spark writes and reads the branch under. */
  String onBranch(TableName name) {
    return name.branchIn(ctx.catalogName(), branch);
  }

  Long head(TableName name) {
    SnapshotRef ref = load(name).refs().get(branch);
    return ref == null ? null : ref.snapshotId();
  }

  /**
   * Fast-forwards every table's main to its branch, after checking that all of them can be
   * (main unmoved since the fork); returns the published snapshot ids. Then drops the branches
   * and expires the snapshots that held the replaced release.
   */
  Map<TableName, Long> publish() {
    List<String> moved = new ArrayList<>();
    for (Map.Entry<TableName, Long> e : forkedFrom.entrySet()) {
      Table t = load(e.getKey());
      if (t.currentSnapshot().snapshotId() != e.getValue()) {
        moved.add(e.getKey() + " (main at " + t.currentSnapshot().snapshotId() + ", forked from "
            + e.getValue() + ")");
      }
    }
    if (!moved.isEmpty()) {
      reject();
      throw new IllegalStateException("Another run published to " + moved + " while this run"
          + " audited its release; nothing of this run was published and its branches were"
          + " dropped. Rerun deidentify for " + ctx.interval() + ".");
    }
    ctx.requireLease();
    // the intent first (one commit), then the fast-forwards: a kill between two of them is
    // completed by the next run (PublishJournal.recover)
    return PublishJournal.publish(ctx.icebergCatalog(), ctx.run().id(), branch, forkedFrom,
        afterFastForward);
  }

  /** Runs after each table's fast-forward; a test makes it throw to stand for a kill there. */
  java.util.function.Consumer<TableName> afterFastForward = t -> { };

  /** Drops the run's branches and expires every snapshot no live ref needs (the rejected release). */
  void reject() {
    for (TableName name : forkedFrom.keySet()) {
      dropAndExpire(name);
    }
  }

  /**
   * Drops this run's branch, then expires every snapshot older than main's head that no
   * remaining ref points at. The branch of a run killed before it could drop it carries a
   * maximum age of a day, after which such an expiry removes it as well.
   */
  private void dropAndExpire(TableName name) {
    dropAndExpire(load(name), branch);
  }

  static void dropAndExpire(Table t, String branch) {
    if (t.refs().containsKey(branch)) {
      t.manageSnapshots().removeBranch(branch).commit();
      t.refresh();
    }
    Snapshot main = t.currentSnapshot();
    if (main == null) {
      return;
    }
    t.expireSnapshots().expireOlderThan(main.timestampMillis() + 1).retainLast(1).commit();
  }

  /** The current snapshot's ancestors of a table (for tests and messages). */
  static List<Long> ancestors(Table t) {
    List<Long> ids = new ArrayList<>();
    for (Snapshot s : SnapshotUtil.currentAncestors(t)) {
      ids.add(s.snapshotId());
    }
    return ids;
  }

  private Table load(TableName name) {
    Table t = ctx.icebergCatalog().loadTable(CatalogFactory.identifier(name));
    t.refresh();
    return t;
  }
}
