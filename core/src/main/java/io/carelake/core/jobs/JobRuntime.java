package io.carelake.core.jobs;

import io.carelake.core.config.ConfigException;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * The one lifecycle of every carelake job, whatever runs it (Spark's {@code JobMain}, the Flink
 * jobs, plain-Java tools): parse the typed options, validate, record the start in the ledger,
 * start the engine, run, record the end, print the summary, return the exit code.
 *
 * <ol>
 *   <li><b>parse</b>: picocli options; {@code --help} exits 0, a bad option exits 2 with the usage;
 *   <li><b>validate</b> ({@link Lifecycle#validate}): the configuration and every spec, policy and
 *       definition the job reads are loaded and checked. No engine has started and nothing is
 *       written, so any failure here is bad input: exit 2 in seconds, with the message (file and
 *       line, for the YAML files) and no stack trace unless {@code --verbose};
 *   <li><b>ledger start</b>: the RUNNING row and the lease come before the (slow) engine start, so
 *       a second run of the same job and interval is refused at once (exit 1) and a killed run
 *       leaves a row behind;
 *   <li><b>run</b>: the engine starts ({@link Lifecycle#startEngine}) and the job runs; a
 *       {@link RunBlockedException} ends it BLOCKED (exit 3), any other error FAILED (exit 1);
 *   <li><b>ledger end</b>: the RUNNING row is replaced by the run's end (a failed write turns a
 *       success into a failure), the engine is stopped and the summary printed.
 * </ol>
 *
 * <p>Messages keep carelake's own text and mask what a library's quotes ({@link RunMessages}).
 */
public final class JobRuntime {

  private JobRuntime() {}

  /**
   * What a job brings to the runtime. {@code E} is its engine (a Spark session), or {@code Void}
   * for a job that starts its engine inside {@link #run} (the Flink jobs) or has none.
   */
  public interface Lifecycle<E> {

    /** The job's name as the CLI and the ledger know it. */
    String name();

    /** {@code --verbose}: stack traces on error. Read after parsing. */
    boolean verbose();

    /** Checks across options that picocli cannot express; throws a ParameterException (exit 2). */
    default void checkOptions(CommandLine cli) {}

    /**
     * Resolves the configuration and loads and checks every file the job is driven by, without an
     * engine and without writing; returns the run to record. Any exception is bad input (exit 2).
     */
    Plan validate() throws Exception;

    /** Starts the engine; called only once validation passed and the run is recorded. */
    E startEngine() throws Exception;

    /** Stops what {@link #startEngine} started. */
    default void stopEngine(E engine) {}

    /** The work. {@code active} is the recorded run, or null for a run the ledger does not keep. */
    void run(E engine, ActiveRun active) throws Exception;

    /** The run's last line(s); by default {@link JobRuntime#summary(RunRecord)}. */
    default String summary(RunRecord record) {
      return JobRuntime.summary(record);
    }
  }

  /**
   * What validation hands on: the run and how to open its ledger, or {@link #unrecorded()} for a
   * run the ledger does not keep (a streaming ingest, which runs until cancelled).
   */
  public record Plan(Run run, Callable<RunLedger> ledger) {
    public static Plan unrecorded() {
      return new Plan(null, null);
    }
  }

  /** How a run ended, and whether its engine was asked to start (tests check it was not). */
  public record Outcome(JobExit exit, boolean engineStarted) {
    public int code() {
      return exit.code();
    }
  }

  /** Runs {@code lifecycle} on {@code command}'s options (a picocli {@code @Command} object). */
  public static <E> Outcome run(Object command, Lifecycle<E> lifecycle, String[] args,
      PrintStream err) {
    String prefix = "carelake " + lifecycle.name() + ": ";
    CommandLine cli = new CommandLine(command);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    try {
      CommandLine.ParseResult parsed = cli.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return new Outcome(JobExit.OK, false);
      }
      lifecycle.checkOptions(cli);
    } catch (CommandLine.ParameterException e) {
      err.println(prefix + e.getMessage());
      e.getCommandLine().usage(err);
      return new Outcome(JobExit.USAGE, false);
    }
    boolean verbose = lifecycle.verbose();
    Plan plan;
    try {
      plan = lifecycle.validate();
    } catch (Exception e) {
      err.println(prefix + (e instanceof ConfigException || e instanceof IllegalArgumentException
          ? e.getMessage() : describe(e)));
      if (verbose) {
        e.printStackTrace(err);
      }
      return new Outcome(JobExit.USAGE, false);
    }
    if (plan.run() == null) {
      return new Outcome(runUnrecorded(lifecycle, prefix, verbose, err), true);
    }
    Run run = plan.run();
    ActiveRun active;
    try {
      active = plan.ledger().call().begin(run);
    } catch (RunConflictException e) {
      err.println(prefix + e.getMessage());
      return new Outcome(JobExit.FAILED, false);
    } catch (Exception e) {
      err.println(prefix + "cannot record the run in the ledger: " + describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return new Outcome(JobExit.FAILED, false);
    }
    E engine = null;
    RunRecord record;
    try {
      engine = lifecycle.startEngine();
      lifecycle.run(engine, active);
      record = run.succeeded();
    } catch (RunBlockedException e) {
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
      err.println(prefix + "could not record the run in the ledger: " + describe(e));
      if (record.status() == RunStatus.SUCCEEDED) {
        record = run.failed("ledger write failed: " + describe(e));
      }
    } finally {
      if (engine != null) {
        lifecycle.stopEngine(engine);
      }
    }
    err.println(lifecycle.summary(record));
    return new Outcome(record.status().exit(), true);
  }

  private static <E> JobExit runUnrecorded(Lifecycle<E> lifecycle, String prefix, boolean verbose,
      PrintStream err) {
    E engine = null;
    try {
      engine = lifecycle.startEngine();
      lifecycle.run(engine, null);
      return JobExit.OK;
    } catch (RunBlockedException e) {
      err.println(prefix + e.getMessage());
      return JobExit.BLOCKED;
    } catch (Exception | LinkageError e) {
      err.println(prefix + describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return JobExit.FAILED;
    } finally {
      if (engine != null) {
        lifecycle.stopEngine(engine);
      }
    }
  }

  /** What a failed run says: carelake's own messages as written, libraries' masked. */
  public static String describe(Throwable e) {
    return RunMessages.describe(e);
  }

  /** The default last line: status, time and the three row counts, then the message if any. */
  public static String summary(RunRecord r) {
    Duration took = Duration.between(r.startedAt(), r.endedAt());
    String line = String.format(Locale.ROOT,
        "[%s] %s in %.1f s: %,d rows in, %,d out, %,d set aside (run %s)", r.job(), r.status(),
        took.toMillis() / 1000.0, r.rowsIn(), r.rowsOut(), r.rowsSetAside(), r.runId());
    return withMessage(line, r);
  }

  /** {@code line}, then the run's message on a line of its own when it has one. */
  public static String withMessage(String line, RunRecord r) {
    return r.message() == null ? line : line + "\n[" + r.job() + "] " + r.message();
  }
}
