package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.time.Interval;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A carelake Spark job. Its class is a picocli {@code @Command} holding its typed options (with
 * {@link JobOptions} and usually {@link IntervalOptions} as mixins); {@code main} calls
 * {@link JobMain#run(SparkJob, String[])}, which parses, validates, opens the session (never
 * setting a master), runs, records the run in the ledger and exits with the status's code.
 */
public interface SparkJob {

  /**
   * Short job name, as the CLI and the ledger know it: {@code govern}, {@code features}, ... By
   * default the name of the job class's {@code @Command}, so that the name is written once.
   */
  default String name() {
    Command command = getClass().getAnnotation(Command.class);
    if (command == null || command.name().equals(CommandSpec.DEFAULT_COMMAND_NAME)) {
      throw new IllegalStateException(getClass().getName() + " has no @Command name: annotate the"
          + " job class with @Command(name = \"<job>\") or override name()");
    }
    return command.name();
  }

  JobOptions jobOptions();

  /** The data interval, or {@code null} for a job that is not interval-driven. */
  Interval interval();

  /**
   * Loads and checks every spec, policy and definition the job reads, before any Spark session
   * exists: a bad file is an exit 2 in seconds with nothing written. Keep what is loaded for
   * {@link #run}. Reads files and {@code config} only (no catalog, no table); checks against a
   * table's schema belong to {@link #run}. Any exception is bad input (exit 2).
   */
  default void validate(CarelakeConfig config) throws Exception {}

  /**
   * Does the work. Record inputs, outputs and counts on {@code context.run()}; set rows in, out and
   * set aside; throw {@link BlockedException} when a blocking rule fails.
   */
  void run(SparkSession spark, JobContext context) throws Exception;
}
