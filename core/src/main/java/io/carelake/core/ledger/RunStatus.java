package io.carelake.core.ledger;

/** How a run ended. Exit codes are what the launcher and spark-submit return for each. */
public enum RunStatus {
  /** Everything written and published. */
  SUCCEEDED(0),
  /** A blocking governance or privacy rule failed: nothing published, main untouched. */
  BLOCKED(3),
  /** An error: bad input, bad config or a bug. */
  FAILED(1);

  private final int exitCode;

  RunStatus(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
