package io.carelake.core.ledger;

import io.carelake.core.time.Interval;
import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code governance.runs}: what a job read, what it wrote, how many rows went in, out
 * and aside, and how it ended. Reports cite these rows; {@code rowsIn == rowsOut + rowsSetAside}
 * is checked by the job before it records itself. {@code endedAt} is null while the run is
 * {@link RunStatus#RUNNING}.
 */
public record RunRecord(
    String runId,
    String job,
    String version,
    RunStatus status,
    Instant startedAt,
    Instant endedAt,
    Interval interval,
    Map<String, String> parameters,
    String specHash,
    Map<String, Long> inputSnapshots,
    Map<String, Long> outputSnapshots,
    long rowsIn,
    long rowsOut,
    long rowsSetAside,
    Map<String, Long> counts,
    String message) {

  public RunRecord {
    parameters = Map.copyOf(parameters);
    inputSnapshots = Map.copyOf(inputSnapshots);
    outputSnapshots = Map.copyOf(outputSnapshots);
    counts = Map.copyOf(counts);
  }

  /** The same record with another status, end time and message (a run found abandoned). */
  public RunRecord withEnd(RunStatus newStatus, Instant newEndedAt, String newMessage) {
    return new RunRecord(runId, job, version, newStatus, startedAt, newEndedAt, interval,
        parameters, specHash, inputSnapshots, outputSnapshots, rowsIn, rowsOut, rowsSetAside,
        counts, newMessage);
  }

  /** True when in = out + set aside. */
  public boolean reconciles() {
    return rowsIn == rowsOut + rowsSetAside;
  }
}
