package io.carelake.ingestion;

import io.carelake.core.Version;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.ledger.RunRecord;
import io.carelake.core.ledger.RunStatus;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.envelope.KafkaMessage;
import io.carelake.ingestion.flink.DedupFunction;
import io.carelake.ingestion.flink.FlinkCatalogs;
import io.carelake.ingestion.flink.IngestPipeline;
import io.carelake.ingestion.flink.KafkaMessageDeserializer;
import io.carelake.ingestion.flink.LatenessFunction;
import io.carelake.ingestion.flink.ParseFunction;
import io.carelake.ingestion.ledger.Completeness;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.OffsetRange;
import io.carelake.ingestion.ledger.SnapshotCounts;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The ingest job: Kafka topics {@code visits} and {@code vitals} to Iceberg {@code raw.visits},
 * {@code raw.vitals} and {@code raw.dead_letters}, exactly once (see README.md).
 *
 * <p>Streaming by default (runs until cancelled). With {@code --bounded} it reads what is in
 * Kafka when it starts, from the group's committed offsets to the current ends, then stops and
 * records the run in {@code governance.runs}: messages consumed (from Kafka offsets) = rows
 * written (from Iceberg snapshots) + dead letters (from Iceberg snapshots) + duplicates (from the
 * job's accumulator).
 *
 * <p>Exit codes: 0 succeeded, 1 failed, 2 usage or configuration error.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = IngestJob.Versions.class,
    description = {
        "Ingests visit and vital events from Kafka into the raw Iceberg tables, exactly once.",
        "Bad messages go to raw.dead_letters with a stable error code; redelivered events are"
            + " counted and dropped.",
        "Streams until cancelled, or with --bounded reads what is in Kafka now, stops and records"
            + " the run in governance.runs."})
public final class IngestJob {

  public static final String JOB = "ingest";
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  /** How often a bounded run prints its progress. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** Restarts before a run gives up: a bounded run must end, not retry forever. */
  static final int RESTART_ATTEMPTS = 3;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--bounded",
      description = "Read from the committed offsets to the offsets current at start, then stop and"
          + " record the run in governance.runs (default: stream until cancelled).")
  boolean bounded;

  @Option(names = "--verbose", description = "Print stack traces and engine logs (INFO).")
  boolean verbose;

  private final PrintStream out;

  IngestJob(PrintStream out) {
    this.out = out;
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
    IngestJob job = new IngestJob(out);
    CommandLine cli = new CommandLine(job);
    try {
      CommandLine.ParseResult parsed = cli.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return EXIT_OK;
      }
    } catch (CommandLine.ParameterException e) {
      job.out.println("carelake " + JOB + ": " + e.getMessage());
      e.getCommandLine().usage(job.out);
      return EXIT_USAGE;
    }
    EngineLogging.configure(job.verbose);
    IngestSettings settings;
    Catalog catalog;
    CatalogLoader catalogLoader;
    try {
      CarelakeConfig config = job.configOptions.resolve();
      settings = IngestSettings.from(config);
      // opened here so that a wrong catalog.* key is a configuration error (exit 2), not a failed run
      catalog = CatalogFactory.open(config);
      catalogLoader = FlinkCatalogs.loader(config);
    } catch (ConfigException | IllegalArgumentException e) {
      job.out.println("carelake " + JOB + ": " + e.getMessage());
      if (job.verbose) {
        e.printStackTrace(job.out);
      }
      return EXIT_USAGE;
    }
    return job.bounded ? job.runBounded(settings, catalog, catalogLoader)
        : job.runStreaming(settings, catalog, catalogLoader);
  }

  private int runStreaming(IngestSettings settings, Catalog catalog, CatalogLoader catalogLoader) {
    try {
      createTables(catalog);
      KafkaSource<KafkaMessage> source = sourceBuilder(settings)
          .setTopics(settings.topics())
          .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
          .build();
      StreamExecutionEnvironment env = environment(settings);
      IngestPipeline.build(env, source, settings, catalogLoader);
      progress("streaming %s into %s until cancelled (consumer group %s)", settings.topics(),
          List.of(Tables.RAW_VISITS, Tables.RAW_VITALS, Tables.RAW_DEAD_LETTERS),
          settings.consumerGroup());
      env.execute(jobName(settings));
      return EXIT_OK;
    } catch (Exception | LinkageError e) {
      out.println("carelake " + JOB + ": " + describe(e));
      if (verbose) {
        e.printStackTrace(out);
      }
      return EXIT_FAILED;
    }
  }

  private int runBounded(IngestSettings settings, Catalog catalog, CatalogLoader catalogLoader) {
    Run run = Run.start(JOB, null);
    RunLedger ledger = null;
    RunRecord record;
    try {
      ledger = new RunLedger(catalog);
      Map<TableName, Table> tables = createTables(catalog);
      Map<TableName, Long> startSnapshots = new LinkedHashMap<>();
      tables.forEach((name, table) -> startSnapshots.put(name, SnapshotCounts.currentSnapshotId(table)));
      progress("starting run %s", run.id());
      try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
        OffsetRange range = offsets.pending(settings.consumerGroup(), settings.topics());
        run.parameter("bounded", true)
            .parameter("kafka.bootstrap-servers", settings.bootstrapServers())
            .parameter("kafka.consumer-group", settings.consumerGroup())
            .parameter("input.kafka.start-offsets", OffsetRange.describe(range.start()))
            .parameter("input.kafka.end-offsets", OffsetRange.describe(range.end()));
        progress("%,d new messages in %s (consumer group %s)", range.messages(), settings.topics(),
            settings.consumerGroup());
        long duplicates = 0;
        String jobId = null;
        if (!range.isEmpty()) {
          JobExecutionResult result = execute(settings, catalogLoader, range);
          jobId = result.getJobID().toString();
          run.parameter("flink.job-id", jobId);
          duplicates = longAccumulator(result, DedupFunction.DUPLICATES);
          ensureCommitted(offsets, settings.consumerGroup(), range, run);
          recordWatermarks(settings, tables, result, run);
        }
        Map<TableName, Long> added = new LinkedHashMap<>();
        for (Map.Entry<TableName, Table> e : tables.entrySet()) {
          Table table = e.getValue();
          var snapshots = jobId == null ? List.<org.apache.iceberg.Snapshot>of()
              : SnapshotCounts.committedBy(table, startSnapshots.get(e.getKey()), jobId);
          added.put(e.getKey(), SnapshotCounts.addedRecords(snapshots));
          run.output(e.getKey().toString(), SnapshotCounts.currentSnapshotId(table));
          if (jobId != null) {
            progress("%s: %,d rows added in %d commit(s), now at snapshot %s", e.getKey(),
                added.get(e.getKey()), snapshots.size(), SnapshotCounts.currentSnapshotId(table));
          }
        }
        long visits = added.get(Tables.RAW_VISITS);
        long vitals = added.get(Tables.RAW_VITALS);
        long deadLetters = added.get(Tables.RAW_DEAD_LETTERS);
        run.count("consumed", range.messages())
            .count("visits", visits)
            .count("vitals", vitals)
            .count("dead_letters", deadLetters)
            .count("duplicates", duplicates)
            .rows(range.messages(), visits + vitals, deadLetters + duplicates)
            .requireReconciled();
      }
      record = run.succeeded();
    } catch (Exception | LinkageError e) {
      record = run.failed(describe(e));
      if (verbose) {
        e.printStackTrace(out);
      }
    }
    if (ledger != null) {
      try {
        ledger.record(record);
      } catch (RuntimeException e) {
        out.println("carelake " + JOB + ": could not record the run in the ledger: "
            + describe(e));
        if (record.status() == RunStatus.SUCCEEDED) {
          record = run.failed("ledger write failed: " + describe(e));
        }
      }
    }
    out.println(summary(record));
    return record.status().exitCode();
  }

  /**
   * Records the completeness watermark and the late-event count of the run in a metadata-only
   * snapshot of raw.visits and raw.vitals (see {@link Completeness}); tables the run read no
   * event for keep their previous watermark.
   */
  private void recordWatermarks(IngestSettings settings, Map<TableName, Table> tables,
      JobExecutionResult result, Run run) {
    Map<TableName, String> labels = new LinkedHashMap<>();
    labels.put(Tables.RAW_VISITS, "visits");
    labels.put(Tables.RAW_VITALS, "vitals");
    long lateTotal = 0;
    for (Map.Entry<TableName, String> e : labels.entrySet()) {
      Object max = result.getAllAccumulatorResults()
          .get(LatenessFunction.maxEventTimeAccumulator(e.getValue()));
      long late = longAccumulator(result, LatenessFunction.lateAccumulator(e.getValue()));
      lateTotal += late;
      run.count("late_events_" + e.getValue(), late);
      if (!(max instanceof Number n) || n.longValue() == Long.MIN_VALUE) {
        continue;
      }
      try {
        Completeness.Watermark w = Completeness.record(tables.get(e.getKey()), n.longValue(),
            settings.maxOutOfOrderness(), late, run.id());
        run.parameter("watermark." + e.getKey(), w.watermark().toString());
        progress("%s: watermark %s, %,d late event(s) (snapshot %d)", e.getKey(), w.watermark(),
            late, w.snapshotId());
      } catch (RuntimeException ex) {
        // the rows are committed and the offsets too: a missing watermark must not fail the run
        run.parameter("watermark-error." + e.getKey(), describe(ex));
        progress("%s: could not record the completeness watermark: %s (the next run records"
            + " it)", e.getKey(), describe(ex));
      }
    }
    run.count("late_events", lateTotal);
  }

  /** Runs the Flink job over exactly {@code range}, printing progress until it ends. */
  private JobExecutionResult execute(IngestSettings settings, CatalogLoader catalogLoader,
      OffsetRange range) throws Exception {
    // Start and stop offsets are the ones just measured, not "committed" and "latest" resolved
    // again by the source a moment later: so the messages counted are exactly those read.
    // plain HashMap/HashSet copies: the source is serialised into the job graph, and the
    // range's sorted views are not serialisable
    KafkaSource<KafkaMessage> source = sourceBuilder(settings)
        .setPartitions(new HashSet<>(range.start().keySet()))
        .setStartingOffsets(OffsetsInitializer.offsets(new HashMap<>(range.start())))
        .setBounded(OffsetsInitializer.offsets(new HashMap<>(range.end())))
        .build();
    StreamExecutionEnvironment env = environment(settings);
    IngestPipeline.build(env, source, settings, catalogLoader);
    JobClient client = env.executeAsync(jobName(settings));
    progress("Flink job %s submitted", client.getJobID());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-progress");
      t.setDaemon(true);
      return t;
    });
    long total = range.messages();
    ticker.scheduleAtFixedRate(() -> reportProgress(client, total),
        PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return client.getJobExecutionResult().get();
    } finally {
      ticker.shutdownNow();
    }
  }

  private void reportProgress(JobClient client, long total) {
    try {
      Object consumed = client.getAccumulators().get(2, TimeUnit.SECONDS)
          .get(ParseFunction.CONSUMED);
      long read = consumed instanceof Number n ? n.longValue() : 0;
      // accumulators reach the client with task heartbeats, so this trails the job a little
      progress("job %s, %,d of %,d messages reported read (%d%%)",
          client.getJobStatus().get(2, TimeUnit.SECONDS), read, total,
          total == 0 ? 100 : read * 100 / total);
    } catch (Exception e) {
      // progress is best effort: a job that is finishing may not answer
    }
  }

  /**
   * The source commits offsets to Kafka when a checkpoint completes, and the final checkpoint of
   * a bounded job (taken after its tasks finish) carries the end offsets. Check that they arrived:
   * if not (an asynchronous commit lost as the job shut down), commit them here. That is safe,
   * because the job has finished and Iceberg holds every row up to those offsets.
   */
  private void ensureCommitted(KafkaOffsets offsets, String group, OffsetRange range, Run run) {
    Map<TopicPartition, Long> committed = offsets.committed(group);
    Map<TopicPartition, Long> behind = new LinkedHashMap<>();
    range.end().forEach((tp, end) -> {
      if (committed.getOrDefault(tp, -1L) < end) {
        behind.put(tp, end);
      }
    });
    if (!behind.isEmpty()) {
      progress("committed offsets behind the end of the run in %s; committing them now",
          OffsetRange.describe(behind));
      offsets.commit(group, behind);
      run.parameter("offsets-committed-after-job", OffsetRange.describe(behind));
    }
  }

  private static KafkaSourceBuilder<KafkaMessage> sourceBuilder(IngestSettings settings) {
    KafkaSourceBuilder<KafkaMessage> builder = KafkaSource.<KafkaMessage>builder();
    settings.kafkaClient().forEach(builder::setProperty);
    return builder
        .setBootstrapServers(settings.bootstrapServers())
        .setGroupId(settings.consumerGroup())
        .setClientIdPrefix("carelake-ingest")
        // offsets go back to Kafka only when a checkpoint completes, i.e. with the Iceberg commit
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setDeserializer(new KafkaMessageDeserializer());
  }

  /**
   * The Flink settings exactly once rests on: checkpointing always on (Iceberg commits and Kafka
   * offset commits happen on checkpoints), RocksDB state with checkpoints in
   * {@code ingest.checkpoint-dir} kept on cancellation, and a final checkpoint once tasks finish.
   */
  static Configuration flinkConfiguration(IngestSettings settings) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.NAME, jobName(settings));
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, settings.checkpointDir());
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    // the default in Flink 2, stated because the last Iceberg and offset commits depend on it
    conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, true);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(5));
    return conf;
  }

  private static StreamExecutionEnvironment environment(IngestSettings settings) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(settings));
    env.setParallelism(settings.parallelism());
    return env;
  }

  private static String jobName(IngestSettings settings) {
    return "carelake-ingest " + settings.topics();
  }

  private static Map<TableName, Table> createTables(Catalog catalog) {
    Map<TableName, Table> tables = new LinkedHashMap<>();
    tables.put(Tables.RAW_VISITS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS,
        TableSchemas.RAW_VISITS, TableSchemas.rawVisitsSpec()));
    tables.put(Tables.RAW_VITALS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VITALS,
        TableSchemas.RAW_VITALS, TableSchemas.rawVitalsSpec()));
    tables.put(Tables.RAW_DEAD_LETTERS, CatalogFactory.createIfMissing(catalog,
        Tables.RAW_DEAD_LETTERS, TableSchemas.RAW_DEAD_LETTERS, TableSchemas.deadLettersSpec()));
    return tables;
  }

  private static long longAccumulator(JobExecutionResult result, String name) {
    Object value = result.getAllAccumulatorResults().get(name);
    return value instanceof Number n ? n.longValue() : 0L;
  }

  private void progress(String format, Object... args) {
    out.println("[" + JOB + "] " + String.format(Locale.ROOT, format, args));
    out.flush();
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
    Map<String, Long> c = r.counts();
    String line = String.format(Locale.ROOT,
        "[%s] %s in %.1f s: %,d messages in, %,d rows out (%,d visits, %,d vitals), %,d set aside"
            + " (%,d dead letters, %,d duplicates) (run %s)",
        r.job(), r.status(), took.toMillis() / 1000.0, r.rowsIn(), r.rowsOut(),
        c.getOrDefault("visits", 0L), c.getOrDefault("vitals", 0L), r.rowsSetAside(),
        c.getOrDefault("dead_letters", 0L), c.getOrDefault("duplicates", 0L), r.runId());
    if (r.message() != null) {
      line += "\n[" + r.job() + "] " + r.message();
    }
    return line;
  }

  /** {@code --version}: the carelake version. */
  static final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"carelake ingest " + Version.CARELAKE};
    }
  }
}
