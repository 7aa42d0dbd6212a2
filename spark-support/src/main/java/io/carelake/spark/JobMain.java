package io.carelake.spark;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * The one way a Spark job starts: {@link JobRuntime}'s lifecycle with a Spark session as the
 * engine. Parse the typed options; validate (resolve the config, then the job's
 * {@link SparkJob#validate}: every spec, policy and definition it reads, before any session
 * exists); record the run as RUNNING in {@code governance.runs} and take its lease (a second run of
 * the same job and interval is refused, exit 1); open the session; run; replace the RUNNING row
 * with the run's end; print a one-line summary; return the exit code ({@link JobExit}).
 */
public final class JobMain {

  public static final int EXIT_OK = JobExit.OK.code();
  public static final int EXIT_FAILED = JobExit.FAILED.code();
  public static final int EXIT_USAGE = JobExit.USAGE.code();
  public static final int EXIT_BLOCKED = JobExit.BLOCKED.code();
  /** The job's full log file, set by bin/carelake's launcher (see log4j2-jobs.properties). */
  public static final String LOG_FILE_PROPERTY = "carelake.log.file";

  private JobMain() {}

  /** Parses, runs and returns the exit code; {@code main} passes it to {@code System.exit}. */
  public static int run(SparkJob job, String[] args) {
    return execute(job, args).code();
  }

  /** As {@link #run(SparkJob, String[])}, telling also whether a Spark session was asked for. */
  public static JobRuntime.Outcome execute(SparkJob job, String[] args) {
    return execute(job, args, System.err);
  }

  /** As {@link #execute(SparkJob, String[])}, printing progress, errors and the summary to err. */
  public static JobRuntime.Outcome execute(SparkJob job, String[] args, PrintStream err) {
    return JobRuntime.run(job, new SparkLifecycle(job, err), args, err);
  }

  /** A Spark job's side of the lifecycle. */
  private static final class SparkLifecycle implements JobRuntime.Lifecycle<SparkSession> {
    private final SparkJob job;
    private final PrintStream err;
    private CarelakeConfig config;
    private Run run;
    /** A session that exists already (a test's, an embedding application's) is used, not stopped. */
    private boolean ownSession;

    SparkLifecycle(SparkJob job, PrintStream err) {
      this.job = job;
      this.err = err;
    }

    @Override
    public String name() {
      return job.name();
    }

    @Override
    public boolean verbose() {
      return job.jobOptions().verbose();
    }

    @Override
    public JobRuntime.Plan validate() throws Exception {
      config = CarelakeConfig.resolve(job.jobOptions().home(), job.jobOptions().config(),
          System.getenv());
      run = Run.start(job.name(), job.interval());
      Duration lease = RunLedger.lease(config);
      job.validate(config);
      return new JobRuntime.Plan(run, () -> new RunLedger(CatalogFactory.open(config), lease));
    }

    @Override
    public SparkSession startEngine() {
      ownSession = SparkSession.getActiveSession().isEmpty()
          && SparkSession.getDefaultSession().isEmpty();
      SparkSession spark = SparkSessions.create(config, "carelake-" + job.name());
      // under bin/carelake the full log goes to a file and the terminal is filtered by the
      // launcher's log4j configuration; elsewhere (spark-submit) Spark's INFO chatter is cut here
      if (!verbose() && ownSession && System.getProperty(LOG_FILE_PROPERTY) == null) {
        spark.sparkContext().setLogLevel("WARN");
      }
      return spark;
    }

    @Override
    public void stopEngine(SparkSession spark) {
      if (ownSession) {
        spark.stop();
      }
    }

    @Override
    public void run(SparkSession spark, ActiveRun active) throws Exception {
      JobContext context = new JobContext(spark, config, run, err, active);
      context.progress("starting run %s%s", run.id(),
          run.interval() == null ? "" : " for " + run.interval());
      job.run(spark, context);
    }
  }
}
