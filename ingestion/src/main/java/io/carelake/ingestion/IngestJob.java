package io.carelake.ingestion;

import io.carelake.core.Version;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.ledger.RunRecord;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.flink.FlinkCatalogs;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.StatelessStart;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ingest job: Kafka topics {@code visits} and {@code vitals} to Iceberg {@code raw.visits},
 * {@code raw.vitals} and {@code raw.dead_letters}, exactly once (see README.md).
 *
 * <p>Streaming by default (runs until cancelled). With {@code --bounded} it reads what is in
 * Kafka when it starts (to the end offsets measured then), stops with a savepoint and records the
 * run in {@code governance.runs}: messages consumed = rows written (from Iceberg snapshots) + dead
 * letters (from Iceberg snapshots) + duplicates (from the job's accumulators). Every start resumes
 * from the newest retained checkpoint or savepoint, else from offsets derived from the raw tables
 * ({@link StatelessStart}); see README.md, "Restarts".
 *
 * <p>Its lifecycle is {@link JobRuntime}'s (parse, validate, ledger start, run, ledger end); a
 * streaming run is not recorded in the ledger. Exit codes ({@link JobExit}): 0 succeeded, 1
 * failed, 2 usage or configuration error (before any Flink job is built).
 *
 * <p>Its parts: {@link RawTables} (the tables), {@link StartPlan} (where a start resumes),
 * {@link IngestTopology} (the Flink environment, source and pipeline), {@link BoundedRun} and
 * {@link BoundedExecution} (a bounded run and its account in the ledger).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = IngestJob.Versions.class,
    description = {
        "Ingests visit and vital events from Kafka into the raw Iceberg tables, exactly once.",
        "Bad messages go to raw.dead_letters with a stable error code; redelivered events are"
            + " counted and dropped.",
        "Streams until cancelled, or with --bounded reads what is in Kafka now, stops and records"
            + " the run in governance.runs."})
public final class IngestJob extends FlinkJob {

  public static final String JOB = "ingest";
  public static final int EXIT_OK = JobExit.OK.code();
  public static final int EXIT_FAILED = JobExit.FAILED.code();
  public static final int EXIT_USAGE = JobExit.USAGE.code();

  /** The streaming job running in this JVM, if any: the benchmark stops it through this. */
  static final AtomicReference<JobClient> STREAMING = new AtomicReference<>();

  @Option(names = "--bounded",
      description = "Read from the committed offsets to the offsets current at start, then stop and"
          + " record the run in governance.runs (default: stream until cancelled).")
  boolean bounded;

  private IngestSettings settings;
  private Catalog catalog;
  private CatalogLoader catalogLoader;
  /** The bounded run being recorded. */
  private Run run;

  IngestJob(PrintStream out) {
    super(JOB, out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses, runs and returns the exit code; {@code main} passes it to {@code System.exit}. */
  public static int run(String... args) {
    return run(System.err, args);
  }

  /** As {@link #run(String...)}, printing progress, the summary and errors to {@code out}. */
  static int run(PrintStream out, String... args) {
    return new IngestJob(out).execute(args);
  }

  @Override
  JobRuntime.Plan plan(CarelakeConfig config) {
    settings = IngestSettings.from(config);
    // opened here so that a wrong catalog.* key is a configuration error (exit 2), not a failed run
    catalog = CatalogFactory.open(config);
    catalogLoader = FlinkCatalogs.loader(config);
    // how long the bounded run's ledger lease lasts unrenewed (ledger.lease-seconds)
    Duration lease = RunLedger.lease(config);
    if (!bounded) {
      return JobRuntime.Plan.unrecorded();
    }
    // RUNNING row and lease first: a second bounded ingest is refused, a killed one is found
    run = Run.start(JOB, null);
    return new JobRuntime.Plan(run, () -> new RunLedger(catalog, lease));
  }

  @Override
  public void run(Void engine, ActiveRun active) throws Exception {
    Map<TableName, Table> tables = RawTables.open(catalog);
    if (active == null) {
      runStreaming(tables);
    } else {
      new BoundedRun(this, settings, catalogLoader, run).ingest(tables);
    }
  }

  private void runStreaming(Map<TableName, Table> tables) throws Exception {
    StartPlan plan;
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      plan = StartPlan.decide(this, settings, tables, offsets, catalogLoader);
    }
    var env = IngestTopology.build(settings, catalogLoader, plan);
    progress("streaming %s into %s until cancelled (consumer group %s)", settings.topics(),
        List.of(Tables.RAW_VISITS, Tables.RAW_VITALS, Tables.RAW_DEAD_LETTERS),
        settings.consumerGroup());
    JobClient client = env.executeAsync(IngestTopology.jobName(settings));
    STREAMING.set(client);
    try {
      client.getJobExecutionResult().get();
    } catch (ExecutionException e) {
      if (client.getJobStatus().get(30, TimeUnit.SECONDS) == JobStatus.CANCELED) {
        progress("cancelled");
        return;
      }
      throw e;
    } finally {
      STREAMING.compareAndSet(client, null);
    }
  }

  /** carelake's own messages as written, libraries' masked (they may quote a payload). */
  static String describe(Throwable e) {
    return JobRuntime.describe(e);
  }

  /** Ingest's last line: messages in, rows out by table, set aside by kind. */
  @Override
  public String summary(RunRecord r) {
    Duration took = Duration.between(r.startedAt(), r.endedAt());
    Map<String, Long> c = r.counts();
    String line = String.format(Locale.ROOT,
        "[%s] %s in %.1f s: %,d messages in, %,d rows out (%,d visits, %,d vitals), %,d set aside"
            + " (%,d dead letters, %,d duplicates) (run %s)",
        r.job(), r.status(), took.toMillis() / 1000.0, r.rowsIn(), r.rowsOut(),
        c.getOrDefault("visits", 0L), c.getOrDefault("vitals", 0L), r.rowsSetAside(),
        c.getOrDefault("dead_letters", 0L), c.getOrDefault("duplicates", 0L), r.runId());
    return JobRuntime.withMessage(line, r);
  }

  /** {@code --version}: the carelake version. */
  static final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"carelake ingest " + Version.CARELAKE};
    }
  }
}
