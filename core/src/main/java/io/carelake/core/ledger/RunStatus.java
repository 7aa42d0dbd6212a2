package io.carelake.core.ledger;

/**
 * Where a run stands. {@link #RUNNING} is written when a run starts and replaced when it ends;
 * every other status is an end. Exit codes are what the launcher and spark-submit return for each.
 */
public enum RunStatus {
  /** Started and holding its lease; not ended yet (or killed: see {@link #ABANDONED}). */
  RUNNING(-1),
  /** Everything written and published. */
  SUCCEEDED(0),
  /** A blocking governance or privacy rule failed: nothing published, main untouched. */
  BLOCKED(3),
  /** An error: bad input, bad config or a bug. */
  FAILED(1),
  /**
   * Found RUNNING by a later run after its process had died (killed, lost its machine) or its
   * lease had expired without a heartbeat: it never ended, so it is recorded as failed.
   */
  ABANDONED(1);

  private final int exitCode;

  RunStatus(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code of an ended run. */
  public int exitCode() {
    if (this == RUNNING) {
      throw new IllegalStateException("a RUNNING run has no exit code yet");
    }
    return exitCode;
  }
}
