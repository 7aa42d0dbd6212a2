package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunConflictException;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.ledger.RunMessages;
import io.carelake.core.ledger.RunRecord;
import io.carelake.core.ledger.RunStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The one way a Spark job starts: parse typed options, resolve the config, record the run as
 * RUNNING in {@code governance.runs} and take its lease (a second run of the same job and
 * interval is refused, exit 1), open the session, run, replace the RUNNING row with the run's
 * end, print a one-line summary, return an exit code.
 *
 * <p>Exit codes: 0 succeeded, 1 failed (error), 2 usage error, 3 blocked by a governance or
 * privacy rule. Errors print what was wrong without a stack trace unless {@code --verbose}; the
 * message stored in the ledger and printed keeps carelake's own text and masks what a library's
 * message quotes ({@link RunMessages}).
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
    Duration lease;
    try {
      config = CarelakeConfig.resolve(job.jobOptions().home(), job.jobOptions().config(),
          System.getenv());
      run = Run.start(job.name(), job.interval());
      lease = RunLedger.lease(config);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("carelake " + job.name() + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    // the RUNNING row and the lease come first, before the (slow) engine start: a second run of
    // the same job and interval is refused at once, and a killed run leaves a row behind
    RunLedger ledger;
    ActiveRun active;
    try {
      ledger = new RunLedger(CatalogFactory.open(config), lease);
      active = ledger.begin(run);
    } catch (RunConflictException e) {
      err.println("carelake " + job.name() + ": " + e.getMessage());
      return EXIT_FAILED;
    } catch (RuntimeException e) {
      err.println("carelake " + job.name() + ": cannot record the run in the ledger: "
          + describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return EXIT_FAILED;
    }
    // a session that exists already (a test's, an embedding application's) is used, not stopped
    boolean ownSession = SparkSession.getActiveSession().isEmpty()
        && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = null;
    RunRecord record;
    try {
      spark = SparkSessions.create(config, "carelake-" + job.name());
      if (!verbose && ownSession) {
        spark.sparkContext().setLogLevel("WARN");
      }
      JobContext context = new JobContext(spark, config, run, err, active);
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
      record = active.end(record);
    } catch (RuntimeException e) {
      err.println("carelake " + job.name() + ": could not record the run in the ledger: "
          + describe(e));
      if (record.status() == RunStatus.SUCCEEDED) {
        record = run.failed("ledger write failed: " + describe(e));
      }
    } finally {
      if (spark != null && ownSession) {
        spark.stop();
      }
    }
    err.println(summary(record));
    return record.status().exitCode();
  }

  /** What a failed run says: carelake's own messages as written, libraries' masked. */
  static String describe(Throwable e) {
    return RunMessages.describe(e);
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
