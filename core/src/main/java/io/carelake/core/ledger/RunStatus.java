package io.carelake.core.ledger;

import io.carelake.core.jobs.JobExit;

/**
 * Where a run stands. {@link #RUNNING} is written when a run starts and replaced when it ends;
 * every other status is an end. Exit codes are what the launcher and spark-submit return for each.
 */
public enum RunStatus {
  /** Started and holding its lease; not ended yet (or killed: see {@link #ABANDONED}). */
  RUNNING(null),
  /** Everything written and published. */
  SUCCEEDED(JobExit.OK),
  /** A blocking governance or privacy rule failed: nothing published, main untouched. */
  BLOCKED(JobExit.BLOCKED),
  /** An error: bad input, bad config or a bug. */
  FAILED(JobExit.FAILED),
  /**
   * Found RUNNING by a later run after its process had died (killed, lost its machine) or its
   * lease had expired without a heartbeat: it never ended, so it is recorded as failed.
   */
  ABANDONED(JobExit.FAILED);

  private final JobExit exit;

  RunStatus(JobExit exit) {
    this.exit = exit;
  }

  /** How the process of an ended run exits. */
  public JobExit exit() {
    if (this == RUNNING) {
      throw new IllegalStateException("a RUNNING run has no exit code yet");
    }
    return exit;
  }
}
