package io.carelake.deid;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.ledger.RunStatus;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Makes the publish of a release recoverable. The JDBC catalog has no multi-table transaction, so
 * publishing is one fast-forward per released table; a kill between two of them would leave
 * safe.visits released and safe.vitals not (or the date-shifted copies behind). So before the
 * first fast-forward the <b>intent</b> — the run, its branch, and per table the snapshot main was
 * forked from and the audited snapshot it moves to — is committed as one table property of
 * safe.visits ({@value #PROPERTY}; one atomic commit). The publish then fast-forwards every
 * table, drops the branches, expires the replaced snapshots and removes the property.
 *
 * <p>{@link #recover} (every deidentify run, before it forks) finds an intent left by a killed
 * run (not RUNNING in the ledger: each run's start has marked dead runs ABANDONED, so a RUNNING
 * one is alive and finishing its own publish) and <b>rolls it forward</b>: the audit of every table had passed before the intent was
 * written, so each table whose main is still at its fork point is moved to its audited snapshot,
 * then the branches are dropped and the property removed. A table whose main is at neither
 * snapshot was changed by hand: recovery stops and says so, the intent kept.
 *
 * <p>Readers of safe.* between two fast-forwards (or between a kill and the next deidentify run)
 * can still see one table published and another not; see the module README.
 */
final class PublishJournal {

  /** Table property of safe.visits holding an unfinished publish. */
  static final String PROPERTY = "carelake.publish-intent";
  static final TableName JOURNAL = Tables.SAFE_VISITS;

  /** What one publish moves: per table, fork point → audited snapshot. */
  record Intent(String runId, String branch, Map<TableName, long[]> moves) {

    String encode() {
      StringBuilder sb = new StringBuilder(runId).append(';').append(branch);
      moves.forEach((t, m) -> sb.append(';').append(t).append('=').append(m[0]).append('>')
          .append(m[1]));
      return sb.toString();
    }

    static Intent decode(String value) {
      String[] parts = value.split(";");
      if (parts.length < 3) {
        throw new IllegalStateException("Unreadable " + PROPERTY + " on " + JOURNAL + ": '"
            + value + "'");
      }
      Map<TableName, long[]> moves = new LinkedHashMap<>();
      for (int i = 2; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        String[] ids = kv[1].split(">", 2);
        moves.put(TableName.parse(kv[0]), new long[] {Long.parseLong(ids[0]),
            Long.parseLong(ids[1])});
      }
      return new Intent(parts[0], parts[1], moves);
    }
  }

  private PublishJournal() {}

  /**
   * Records the intent, fast-forwards every table's main to the branch head, drops the branches
   * (expiring the replaced snapshots), then removes the intent. {@code afterFastForward} runs
   * after each table's fast-forward (a test makes it throw to stand for a kill there).
   */
  static Map<TableName, Long> publish(Catalog catalog, String runId, String branch,
      Map<TableName, Long> forkedFrom, Consumer<TableName> afterFastForward) {
    Map<TableName, long[]> moves = new LinkedHashMap<>();
    for (Map.Entry<TableName, Long> e : forkedFrom.entrySet()) {
      SnapshotRef ref = load(catalog, e.getKey()).refs().get(branch);
      if (ref == null) {
        throw new IllegalStateException("Branch " + branch + " of " + e.getKey() + " is gone"
            + " before the publish; nothing was published. Rerun deidentify.");
      }
      moves.put(e.getKey(), new long[] {e.getValue(), ref.snapshotId()});
    }
    Intent intent = new Intent(runId, branch, moves);
    Table journal = load(catalog, JOURNAL);
    journal.updateProperties().set(PROPERTY, intent.encode()).commit();
    Map<TableName, Long> published = new LinkedHashMap<>();
    for (TableName name : moves.keySet()) {
      Table t = load(catalog, name);
      t.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, branch).commit();
      t.refresh();
      published.put(name, t.currentSnapshot().snapshotId());
      afterFastForward.accept(name);
    }
    finish(catalog, intent);
    return published;
  }

  /**
   * Completes a publish a killed run left half done; returns what it did (one line per table
   * moved), empty when there was nothing to do.
   */
  static List<String> recover(Catalog catalog, Consumer<String> log) {
    if (!catalog.tableExists(CatalogFactory.identifier(JOURNAL))) {
      return List.of();
    }
    String value = load(catalog, JOURNAL).properties().get(PROPERTY);
    if (value == null) {
      return List.of();
    }
    Intent intent = Intent.decode(value);
    if (stillRunning(catalog, intent.runId())) {
      // publishing right now: every run's start has already marked dead runs ABANDONED, so a
      // RUNNING row is a live run, which finishes its own publish
      return List.of();
    }
    List<String> done = new ArrayList<>();
    for (Map.Entry<TableName, long[]> e : intent.moves().entrySet()) {
      Table t = load(catalog, e.getKey());
      long from = e.getValue()[0];
      long to = e.getValue()[1];
      Long main = t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId();
      if (main != null && main == to) {
        continue;
      }
      if (main == null || main != from || t.snapshot(to) == null) {
        throw new IllegalStateException("Run " + intent.runId() + " was killed while publishing"
            + " its release and " + e.getKey() + " cannot be completed: its main is at snapshot "
            + main + ", neither the fork point " + from + " nor the audited snapshot " + to
            + (t.snapshot(to) == null ? " (which is gone)" : "") + ". Check the table's"
            + " history, then remove the table property " + PROPERTY + " of " + JOURNAL
            + " and rerun deidentify for that run's interval.");
      }
      t.manageSnapshots().replaceBranch(SnapshotRef.MAIN_BRANCH, to).commit();
      done.add(e.getKey() + " main moved from snapshot " + from + " to the audited " + to);
    }
    log.accept("completed the publish of run " + intent.runId() + " (killed between its"
        + " fast-forwards): " + (done.isEmpty() ? "every table already published"
        : String.join("; ", done)) + "; its branch " + intent.branch() + " dropped");
    finish(catalog, intent);
    return done;
  }

  /** Drops the run's branches (expiring what the replaced release held), then the intent. */
  private static void finish(Catalog catalog, Intent intent) {
    for (TableName name : intent.moves().keySet()) {
      SafeRelease.dropAndExpire(load(catalog, name), intent.branch());
    }
    load(catalog, JOURNAL).updateProperties().remove(PROPERTY).commit();
  }

  /** Whether the ledger holds {@code runId} as RUNNING (its lease live). */
  private static boolean stillRunning(Catalog catalog, String runId) {
    if (!catalog.tableExists(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS))) {
      return false;
    }
    Table runs = load(catalog, Tables.GOVERNANCE_RUNS);
    try (CloseableIterable<Record> rows = IcebergGenerics.read(runs)
        .where(Expressions.and(Expressions.equal("run_id", runId),
            Expressions.equal("status", RunStatus.RUNNING.name()))).build()) {
      for (Record r : rows) {
        if (runId.equals(r.getField("run_id"))
            && RunStatus.RUNNING.name().equals(r.getField("status"))) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not read " + Tables.GOVERNANCE_RUNS, e);
    }
  }

  private static Table load(Catalog catalog, TableName name) {
    Table t = catalog.loadTable(CatalogFactory.identifier(name));
    t.refresh();
    return t;
  }
}
