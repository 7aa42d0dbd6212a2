package io.carelake.core.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;

/**
 * A run begun with {@link RunLedger#begin}: its RUNNING row and lease. A daemon thread renews the
 * lease every third of its length; {@link #end} replaces the row with the run's end and stops
 * the heartbeat. A job that publishes calls {@link #requireLease()} just before it does, so that
 * a run whose lease was lost (marked ABANDONED by a later run while it hung) never publishes over
 * that later run.
 */
public final class ActiveRun implements AutoCloseable {

  private final RunLedger ledger;
  private final Run run;
  private final ScheduledExecutorService heartbeat;
  private LedgerRows.Lease lease;
  private volatile String lost;
  private RunRecord ended;

  ActiveRun(RunLedger ledger, Run run, LedgerRows.Lease lease) {
    this.ledger = ledger;
    this.run = run;
    this.lease = lease;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "carelake-ledger-heartbeat-" + run.job());
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, ledger.lease().toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  public Run run() {
    return run;
  }

  /** When the lease expires unless renewed. */
  public synchronized Instant leaseExpiresAt() {
    return lease.expiresAt();
  }

  /** Renews the lease now: one commit replacing the RUNNING row's heartbeat and expiry. */
  public synchronized void renew() {
    if (ended != null || lost != null) {
      return;
    }
    Instant now = ledger.clock().instant();
    LedgerRows.Lease next = new LedgerRows.Lease(now, now.plus(ledger.lease()), ledger.self());
    Record found = ledger.replace(run.id(), current -> LedgerRows.status(current)
        == RunStatus.RUNNING ? LedgerRows.toRecord(current.struct().asSchema(), run.running(), next)
        : null);
    if (found == null || LedgerRows.status(found) != RunStatus.RUNNING) {
      lost = found == null ? "its row is no longer in the ledger"
          : "a later run recorded it " + LedgerRows.status(found) + ": " + found.getField("message");
    } else {
      lease = next;
    }
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (RuntimeException e) {
      // a catalog hiccup: the next beat tries again; requireLease() fails once the lease expired
    }
  }

  /**
   * Throws {@link RunConflictException} when this run no longer holds its lease: a later run
   * found it dead (its row is ABANDONED), or the lease expired without a successful heartbeat.
   */
  public synchronized void requireLease() {
    Instant now = ledger.clock().instant();
    if (lost == null && now.isAfter(lease.expiresAt())) {
      renew();
    }
    if (lost == null && now.isAfter(lease.expiresAt())) {
      lost = "its lease expired at " + lease.expiresAt() + " without a successful heartbeat";
    }
    if (lost != null) {
      throw new RunConflictException("Run " + run.id() + " lost its lease (" + lost + "); another"
          + " run may be writing the same interval, so this one stops before publishing. Rerun"
          + " the job for " + (run.interval() == null ? "it" : run.interval()) + ".");
    }
  }

  /**
   * Ends the run: its row becomes {@code record} (one commit), the heartbeat stops. Returns the
   * record written. Ending twice is an error.
   */
  public RunRecord end(RunRecord record) {
    if (!record.runId().equals(run.id())) {
      throw new IllegalArgumentException("record of run " + record.runId() + " cannot end run "
          + run.id());
    }
    if (record.status() == RunStatus.RUNNING) {
      throw new IllegalArgumentException("a run ends SUCCEEDED, BLOCKED or FAILED, not RUNNING");
    }
    stopHeartbeat();
    synchronized (this) {
      if (ended != null) {
        throw new IllegalStateException("run " + run.id() + " has already ended " + ended.status());
      }
      LedgerRows.Lease last = new LedgerRows.Lease(lease.heartbeatAt(), null, lease.owner());
      Record found = ledger.replace(run.id(),
          current -> LedgerRows.toRecord(current.struct().asSchema(), record, last));
      if (found == null) {
        // the row was removed (a table rewritten by hand): the end is still recorded
        ledger.record(record);
      }
      ended = record;
      return record;
    }
  }

  /** Stops the heartbeat without ending the run (the row stays RUNNING until its lease expires). */
  @Override
  public void close() {
    stopHeartbeat();
  }

  private void stopHeartbeat() {
    heartbeat.shutdown();
    try {
      heartbeat.awaitTermination(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
