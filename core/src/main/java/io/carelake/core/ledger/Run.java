package io.carelake.core.ledger;

import io.carelake.core.Version;
import io.carelake.core.time.Interval;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A run in progress: a job collects what it read, wrote and counted, then ends the run with one
 * of {@link #succeeded()}, {@link #blocked(String)} or {@link #failed(String)} and hands the record to
 * {@link RunLedger} ({@link ActiveRun#end} when the run was begun with {@link RunLedger#begin}).
 */
public final class Run {

  private final String runId;
  private final String job;
  private final Instant startedAt;
  private final Interval interval;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final Map<String, Long> inputSnapshots = new LinkedHashMap<>();
  private final Map<String, Long> outputSnapshots = new LinkedHashMap<>();
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private String specHash;
  private long rowsIn;
  private long rowsOut;
  private long rowsSetAside;

  private Run(String job, Interval interval) {
    this.runId = job + "-" + UUID.randomUUID();
    this.job = job;
    this.interval = interval;
    this.startedAt = Instant.now();
  }

  public static Run start(String job, Interval interval) {
    return new Run(job, interval);
  }

  public String id() {
    return runId;
  }

  public String job() {
    return job;
  }

  public Interval interval() {
    return interval;
  }

  public Run parameter(String key, Object value) {
    parameters.put(key, String.valueOf(value));
    return this;
  }

  public Run specHash(String hash) {
    this.specHash = hash;
    return this;
  }

  public Run input(String table, Long snapshotId) {
    if (snapshotId != null) {
      inputSnapshots.put(table, snapshotId);
    }
    return this;
  }

  public Run output(String table, Long snapshotId) {
    if (snapshotId != null) {
      outputSnapshots.put(table, snapshotId);
    }
    return this;
  }

  public Run count(String name, long value) {
    counts.put(name, value);
    return this;
  }

  public Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  /** Rows in, out and set aside (quarantined, dead-lettered, suppressed, excluded). */
  public Run rows(long in, long out, long setAside) {
    this.rowsIn = in;
    this.rowsOut = out;
    this.rowsSetAside = setAside;
    return this;
  }

  /**
   * Checks in = out + set aside, and throws if not: a job that cannot account for a row must not
   * record itself as a success.
   */
  public Run requireReconciled() {
    if (rowsIn != rowsOut + rowsSetAside) {
      throw new IllegalStateException(String.format(
          "%s run %s does not reconcile: %d rows in, %d out, %d set aside (%+d unaccounted)",
          job, runId, rowsIn, rowsOut, rowsSetAside, rowsIn - rowsOut - rowsSetAside));
    }
    return this;
  }

  /** The record as it stands while the run is going: status RUNNING, no end time. */
  public RunRecord running() {
    return new RunRecord(runId, job, Version.CARELAKE, RunStatus.RUNNING, startedAt, null,
        interval, parameters, specHash, inputSnapshots, outputSnapshots, rowsIn, rowsOut,
        rowsSetAside, counts, null);
  }

  public RunRecord succeeded() {
    return end(RunStatus.SUCCEEDED, null);
  }

  public RunRecord blocked(String why) {
    return end(RunStatus.BLOCKED, why);
  }

  public RunRecord failed(String why) {
    return end(RunStatus.FAILED, why);
  }

  private RunRecord end(RunStatus status, String message) {
    return new RunRecord(runId, job, Version.CARELAKE, status, startedAt, Instant.now(), interval,
        parameters, specHash, inputSnapshots, outputSnapshots, rowsIn, rowsOut, rowsSetAside,
        counts, message);
  }
}
