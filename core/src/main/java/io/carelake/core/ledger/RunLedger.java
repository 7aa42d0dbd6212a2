package io.carelake.core.ledger;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;

/**
 * The run ledger {@code governance.runs}, written with the plain Iceberg API so that Spark jobs,
 * the Flink job and plain-Java tools record runs the same way.
 *
 * <p><b>Lifecycle.</b> {@link #begin} writes the run's row as {@link RunStatus#RUNNING} before the
 * job does any work, holding a <i>lease</i>: a later run of the same job whose interval overlaps
 * (both without an interval: the same job) is refused with {@link RunConflictException} while the
 * lease is live. The running job renews the lease by a heartbeat every third of
 * {@value #LEASE_KEY} ({@link ActiveRun}); {@link ActiveRun#end} replaces the row with the
 * run's end. A run that never ends (SIGKILL, a lost machine) is found by the next {@link #begin}
 * of any job: its row becomes {@link RunStatus#ABANDONED} when its process is gone (same host:
 * pid and process start checked at once) or its lease expired (any host).
 *
 * <p><b>How it stays consistent.</b> Every change is one Iceberg commit that replaces whole data
 * files: a run's row lives alone in its file, so ending it deletes that file and adds the final
 * row's; taking the lease validates that no RUNNING row was added or removed since the snapshot
 * it read (optimistic concurrency: a concurrent begin makes one of the two re-read and decide
 * again). {@link #record} appends an ended run in one commit, for runs that were never begun
 * (a refused start, tests).
 *
 * <p>Each run costs two commits (begin, end) plus one per heartbeat; to keep the table's metadata
 * small, {@link #begin} expires ledger snapshots older than a day once more than
 * {@value #SNAPSHOTS_KEPT} have accumulated.
 */
public final class RunLedger {

  public static final String LEASE_KEY = "ledger.lease-seconds";
  public static final Duration LEASE_DEFAULT = Duration.ofMinutes(10);
  static final int SNAPSHOTS_KEPT = 200;
  private static final int ATTEMPTS = 10;
  private static final String RUNNING = RunStatus.RUNNING.name();

  private final Catalog catalog;
  private final Duration lease;
  private final LeaseOwner self;
  private final Clock clock;

  public RunLedger(Catalog catalog) {
    this(catalog, LEASE_DEFAULT);
  }

  public RunLedger(Catalog catalog, Duration lease) {
    this(catalog, lease, LeaseOwner.current(), Clock.systemUTC());
  }

  RunLedger(Catalog catalog, Duration lease, LeaseOwner self, Clock clock) {
    if (lease.toSeconds() < 3) {
      throw new IllegalArgumentException("a run's lease must last at least 3 s, got " + lease);
    }
    this.catalog = catalog;
    this.lease = lease;
    this.self = self;
    this.clock = clock;
  }

  /** {@value #LEASE_KEY} of the configuration (default 600): how long a lease lasts unrenewed. */
  public static Duration lease(CarelakeConfig config) {
    String text = config.get(LEASE_KEY, Long.toString(LEASE_DEFAULT.toSeconds())).strip();
    long seconds;
    try {
      seconds = Long.parseLong(text);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 3) {
      throw new ConfigException("Configuration key '" + LEASE_KEY + "' in " + config.file()
          + " must be a whole number of seconds >= 3 (a run renews its lease every third of it),"
          + " got '" + text + "'");
    }
    return Duration.ofSeconds(seconds);
  }

  /** The ledger table, created on first use; an older table gets the lease columns added. */
  public Table table() {
    Table table = CatalogFactory.createIfMissing(catalog, Tables.GOVERNANCE_RUNS,
        TableSchemas.GOVERNANCE_RUNS, TableSchemas.runsSpec());
    for (int attempt = 0; needsEvolution(table.schema()); attempt++) {
      try {
        UpdateSchema update = table.updateSchema();
        Types.NestedField ended = table.schema().findField("ended_at");
        if (ended != null && ended.isRequired()) {
          update.makeColumnOptional("ended_at");
        }
        for (Types.NestedField c : LedgerRows.missingColumns(table.schema())) {
          update.addColumn(c.name(), c.type(), c.doc());
        }
        update.commit();
      } catch (CommitFailedException | IllegalArgumentException raced) {
        // another process evolved it at the same time: read what it did
        if (attempt >= ATTEMPTS) {
          throw raced;
        }
      }
      table.refresh();
    }
    return table;
  }

  private static boolean needsEvolution(Schema schema) {
    Types.NestedField ended = schema.findField("ended_at");
    return ended != null && ended.isRequired() || !LedgerRows.missingColumns(schema).isEmpty();
  }

  /** Appends an ended run (one commit). Runs begun with {@link #begin} end through {@link ActiveRun#end}. */
  public void record(RunRecord run) {
    Table table = table();
    DataFile file = LedgerRows.write(table, LedgerRows.toRecord(table.schema(), run, null));
    table.newAppend().appendFile(file).set("carelake.run-id", run.runId()).commit();
  }

  /**
   * Records {@code run} as RUNNING and takes its lease; marks the RUNNING rows of dead runs
   * ABANDONED on the way. Throws {@link RunConflictException} when a live run of the same job
   * holds an overlapping interval.
   */
  public ActiveRun begin(Run run) {
    Table table = table();
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Snapshot base = table.currentSnapshot();
      Instant now = clock.instant();
      List<LedgerRows.Located> running = LedgerRows.scan(table, base,
          Expressions.equal("status", RUNNING));
      Map<String, Record> abandoned = new LinkedHashMap<>();
      for (LedgerRows.Located file : running) {
        for (Record row : file.rows()) {
          if (LedgerRows.status(row) != RunStatus.RUNNING) {
            continue;
          }
          LedgerRows.Lease held = LedgerRows.leaseOf(row);
          RunRecord other = LedgerRows.toRun(row);
          String death = deathOf(held, now);
          if (death != null) {
            abandoned.put(other.runId(), LedgerRows.toRecord(table.schema(),
                other.withEnd(RunStatus.ABANDONED, lastSign(held, other), death + "; found by run "
                    + run.id() + " at " + now + ". Rerun the job for its interval."), held));
          } else if (other.job().equals(run.job()) && overlaps(other.interval(), run.interval())) {
            throw new RunConflictException(conflictMessage(run, other, held));
          }
        }
      }
      LedgerRows.Lease mine = new LedgerRows.Lease(now, now.plus(lease), self);
      Record row = LedgerRows.toRecord(table.schema(), run.running(), mine);
      List<DataFile> written = new ArrayList<>();
      try {
        OverwriteFiles op = table.newOverwrite();
        replaceIn(table, op, running, abandoned::get, written);
        DataFile own = LedgerRows.write(table, row);
        written.add(own);
        op.addFile(own);
        commit(op, base, run.id());
        expireOldSnapshots(table, now);
        return new ActiveRun(this, run, mine);
      } catch (ValidationException | CommitFailedException raced) {
        deleteQuietly(table, written);
        if (attempt >= ATTEMPTS) {
          throw new IllegalStateException("Could not record run " + run.id() + " in "
              + Tables.GOVERNANCE_RUNS + " after " + ATTEMPTS + " attempts: other runs kept"
              + " changing it (" + raced.getMessage() + "); rerun the job", raced);
        }
        backOff(attempt);
      }
    }
  }

  /**
   * Replaces the row of {@code runId} with {@code replacement.apply(current row)} (null leaves it
   * as it is); returns the row it found, null when the run has no row. Used by {@link ActiveRun}
   * for heartbeats and the end.
   */
  Record replace(String runId, Function<Record, Record> replacement) {
    Table table = table();
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Snapshot base = table.currentSnapshot();
      List<LedgerRows.Located> files = LedgerRows.scan(table, base,
          Expressions.equal("run_id", runId));
      Record current = null;
      for (LedgerRows.Located f : files) {
        for (Record r : f.rows()) {
          if (runId.equals(LedgerRows.runId(r))) {
            current = r;
          }
        }
      }
      Record next = current == null ? null : replacement.apply(current);
      if (next == null) {
        return current;
      }
      List<DataFile> written = new ArrayList<>();
      try {
        OverwriteFiles op = table.newOverwrite();
        replaceIn(table, op, files, id -> runId.equals(id) ? next : null, written);
        commit(op, base, runId);
        return current;
      } catch (ValidationException | CommitFailedException raced) {
        deleteQuietly(table, written);
        if (attempt >= ATTEMPTS) {
          throw new IllegalStateException("Could not update run " + runId + " in "
              + Tables.GOVERNANCE_RUNS + " after " + ATTEMPTS + " attempts: " + raced.getMessage(),
              raced);
        }
        backOff(attempt);
      }
    }
  }

  Duration lease() {
    return lease;
  }

  Clock clock() {
    return clock;
  }

  LeaseOwner self() {
    return self;
  }

  Schema schema() {
    return table().schema();
  }

  /** Replaces the file of each row to replace with a file holding its replacement. */
  private static void replaceIn(Table table, OverwriteFiles op, List<LedgerRows.Located> files,
      Function<String, Record> replacementOf, List<DataFile> written) {
    for (LedgerRows.Located f : files) {
      for (Record r : f.rows()) {
        Record replaced = replacementOf.apply(LedgerRows.runId(r));
        if (replaced != null) {
          DataFile rewritten = LedgerRows.write(table, replaced);
          written.add(rewritten);
          op.deleteFile(f.file()).addFile(rewritten);
        }
      }
    }
  }

  /**
   * Commits with optimistic validation: fails (to be retried on a fresh read) when another commit
   * since {@code base} added or removed a RUNNING row, or removed a file this one replaces.
   */
  private static void commit(OverwriteFiles op, Snapshot base, String runId) {
    Expression runningRows = Expressions.equal("status", RUNNING);
    if (base != null) {
      op.validateFromSnapshot(base.snapshotId());
    }
    op.conflictDetectionFilter(runningRows).validateNoConflictingData()
        .validateNoConflictingDeletes().set("carelake.run-id", runId).commit();
  }

  /** Why a RUNNING row's run is dead, or null when it may be alive. */
  private String deathOf(LedgerRows.Lease held, Instant now) {
    if (held.expiresAt() == null) {
      return "it holds no lease (written by an older carelake)";
    }
    if (held.owner() != null && held.owner().isDeadSeenFrom(self)) {
      return "its process " + held.owner() + " is gone (killed or crashed; last heartbeat "
          + held.heartbeatAt() + ")";
    }
    if (now.isAfter(held.expiresAt())) {
      return "its lease expired at " + held.expiresAt() + " without a heartbeat (process "
          + held.owner() + " killed, hung or cut off)";
    }
    return null;
  }

  private static Instant lastSign(LedgerRows.Lease held, RunRecord run) {
    return held.heartbeatAt() != null ? held.heartbeatAt() : run.startedAt();
  }

  static boolean overlaps(Interval a, Interval b) {
    return a == null || b == null
        || a.start().isBefore(b.end()) && b.start().isBefore(a.end());
  }

  private String conflictMessage(Run run, RunRecord other, LedgerRows.Lease held) {
    String what = run.interval() == null ? run.job() : run.job() + " for " + run.interval();
    return what + " is already running: run " + other.runId()
        + (other.interval() == null ? "" : " for " + other.interval()) + ", started "
        + other.startedAt() + " by process " + held.owner() + ", last heartbeat "
        + held.heartbeatAt() + ". Two runs of one job over the same days would overwrite each"
        + " other's output, so this one did not start. Wait for it to end and rerun; if its"
        + " process is gone, its lease expires at " + held.expiresAt() + " (" + LEASE_KEY + "="
        + lease.toSeconds() + ") and the next run records it ABANDONED.";
  }

  private void expireOldSnapshots(Table table, Instant now) {
    table.refresh();
    int count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    if (count > SNAPSHOTS_KEPT) {
      try {
        table.expireSnapshots().expireOlderThan(now.minus(Duration.ofDays(1)).toEpochMilli())
            .retainLast(SNAPSHOTS_KEPT / 2).commit();
      } catch (CommitFailedException raced) {
        // another run is expiring or committing: the next begin tries again
      }
    }
  }

  private static void deleteQuietly(Table table, List<DataFile> files) {
    for (DataFile f : files) {
      try {
        table.io().deleteFile(f.location());
      } catch (RuntimeException orphan) {
        // an orphan file no snapshot references: harmless, removed by orphan-file cleanup
      }
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(20, 60L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording a run", e);
    }
  }
}
