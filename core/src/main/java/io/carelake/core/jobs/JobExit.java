package io.carelake.core.jobs;

/**
 * The exit code of every carelake job and tool, whatever its engine: spark-submit, {@code flink
 * run}, bin/carelake and the Airflow operators all read these. The job manifest
 * ({@link JobManifest}, {@code exit_codes}) lists them for the Airflow side; a test on each side
 * checks that they agree.
 */
public enum JobExit {
  /** Succeeded: everything written and published. */
  OK(0),
  /** Failed: an error while running (a lost executor, a busy catalog, a bug); may be retried. */
  FAILED(1),
  /**
   * Bad input before anything ran: a usage error, a bad configuration, or a spec, policy or
   * definition that does not load. No engine started and nothing was written; not retried.
   */
  USAGE(2),
  /** Blocked or rejected: a governance or privacy rule failed, or a promotion gate said no. */
  BLOCKED(3);

  private final int code;

  JobExit(int code) {
    this.code = code;
  }

  /** The process exit code. */
  public int code() {
    return code;
  }
}
