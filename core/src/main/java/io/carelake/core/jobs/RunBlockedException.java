package io.carelake.core.jobs;

/**
 * Thrown by a job's run when a blocking rule failed and the job left published data untouched:
 * {@link JobRuntime} records the run as BLOCKED and exits with {@link JobExit#BLOCKED}. The Spark
 * jobs throw its subclass {@code io.carelake.spark.BlockedException}.
 */
public class RunBlockedException extends RuntimeException {
  public RunBlockedException(String message) {
    super(message);
  }
}
