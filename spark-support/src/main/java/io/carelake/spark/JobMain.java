package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunRecord;
import io.carelake.core.ledger.RunStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The one way a Spark job starts: parse typed options, resolve the config, open the session, run,
 * record the run in {@code governance.runs}, print a one-line summary, return an exit code.
 *
 * <p>Exit codes: 0 succeeded, 1 failed (error), 2 usage error, 3 blocked by a governance or
 * privacy rule. Errors print what was wrong without a stack trace unless {@code --verbose}.
 */
public final class JobMain {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_BLOCKED = 3;

  private JobMain() {}

  /** Parses, runs and returns the exit code; {@code main} passes it to {@code System.exit}. */
  public static int run(SparkJob job, String[] args) {
    PrintStream err = System.err;
    CommandLine cli = new CommandLine(job);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    try {
      CommandLine.ParseResult parsed = cli.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return EXIT_OK;
      }
    } catch (CommandLine.ParameterException e) {
      err.println("carelake " + job.name() + ": " + e.getMessage());
      e.getCommandLine().usage(err);
      return EXIT_USAGE;
    }
    boolean verbose = job.jobOptions().verbose();
    CarelakeConfig config;
    Run run;
    try {
      config = CarelakeConfig.resolve(job.jobOptions().home(), job.jobOptions().config(),
          System.getenv());
      run = Run.start(job.name(), job.interval());
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("carelake " + job.name() + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    SparkSession spark = SparkSessions.create(config, "carelake-" + job.name());
    if (!verbose) {
      spark.sparkContext().setLogLevel("WARN");
    }
    JobContext context = new JobContext(spark, config, run, err);
    RunRecord record;
    try {
      context.progress("starting run %s%s", run.id(),
          run.interval() == null ? "" : " for " + run.interval());
      job.run(spark, context);
      record = run.succeeded();
    } catch (BlockedException e) {
      record = run.blocked(e.getMessage());
    } catch (Exception | LinkageError e) {
      record = run.failed(describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
    }
    try {
      context.ledger().record(record);
    } catch (RuntimeException e) {
      err.println("carelake " + job.name() + ": could not record the run in the ledger: "
          + e.getMessage());
      if (record.status() == RunStatus.SUCCEEDED) {
        record = run.failed("ledger write failed: " + e.getMessage());
      }
    } finally {
      spark.stop();
    }
    err.println(summary(record));
    return record.status().exitCode();
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = msg == null ? e.getClass().getSimpleName() : msg;
    if (root != e && root.getMessage() != null && !what.contains(root.getMessage())) {
      what += " (cause: " + root.getMessage() + ")";
    }
    return what;
  }

  static String summary(RunRecord r) {
    Duration took = Duration.between(r.startedAt(), r.endedAt());
    String line = String.format(Locale.ROOT,
        "[%s] %s in %.1f s: %,d rows in, %,d out, %,d set aside (run %s)", r.job(), r.status(),
        took.toMillis() / 1000.0, r.rowsIn(), r.rowsOut(), r.rowsSetAside(), r.runId());
    if (r.message() != null) {
      line += "\n[" + r.job() + "] " + r.message();
    }
    return line;
  }
}
