package io.carelake.governance.check;

/** The outcome of one rule over one slice. */
public enum CheckStatus {
  /** Failing share at or below the threshold. */
  PASS,
  /** A {@code quarantine} or {@code warn} rule above its threshold: reported, nothing blocked. */
  WARN,
  /** A {@code block} rule above its threshold: the run is blocked. */
  FAIL,
  /** The metric could not be computed (bad expression, missing column, broken JVM): never a pass. */
  ERROR,
  /** The slice has no rows: nothing to measure. */
  NOT_APPLICABLE
}
