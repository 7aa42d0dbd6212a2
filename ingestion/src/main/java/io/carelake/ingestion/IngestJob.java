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
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.envelope.KafkaMessage;
import io.carelake.ingestion.flink.CommittedSeed;
import io.carelake.ingestion.flink.DedupFunction;
import io.carelake.ingestion.flink.FlinkCatalogs;
import io.carelake.ingestion.flink.IngestPipeline;
import io.carelake.ingestion.flink.KafkaMessageDeserializer;
import io.carelake.ingestion.flink.LatenessFunction;
import io.carelake.ingestion.flink.ParseFunction;
import io.carelake.ingestion.flink.RawTableCommitter;
import io.carelake.ingestion.flink.RestorePoints;
import io.carelake.ingestion.ledger.Completeness;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.OffsetRange;
import io.carelake.ingestion.ledger.SnapshotCounts;
import io.carelake.ingestion.ledger.StatelessStart;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
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
  /** How often a bounded run prints its progress. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** Restarts before a run gives up: a bounded run must end, not retry forever. */
  static final int RESTART_ATTEMPTS = 3;

  /** The streaming job running in this JVM, if any: the benchmark stops it through this. */
  static final java.util.concurrent.atomic.AtomicReference<JobClient> STREAMING =
      new java.util.concurrent.atomic.AtomicReference<>();

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
    if (active == null) {
      runStreaming();
    } else {
      runBounded();
    }
  }

  /**
   * How a job starts: from the newest retained checkpoint or savepoint in
   * {@code ingest.checkpoint-dir} when there is one (Kafka positions, dedup keys, late-event
   * maxima and uncommitted Iceberg files all come back with it), else from offsets derived from
   * the raw tables themselves ({@link StatelessStart}), deduplicating against what they hold.
   */
  record StartPlan(RestorePoints.RestorePoint restore, StatelessStart stateless,
      CommittedSeed seed, IngestPipeline.JobStart jobStart) {

    /** Where the job is estimated to start: exact for a stateless start. */
    Map<TopicPartition, Long> startEstimate(Map<TopicPartition, Long> committed,
        Map<TopicPartition, Long> earliest) {
      if (stateless != null) {
        return stateless.start();
      }
      Map<TopicPartition, Long> start = new HashMap<>();
      earliest.forEach((tp, e) -> start.put(tp, Math.max(e, committed.getOrDefault(tp, e))));
      return start;
    }
  }

  private StartPlan plan(IngestSettings settings, Map<TableName, Table> tables,
      KafkaOffsets offsets, CatalogLoader catalogLoader) {
    var restore = RestorePoints.latest(settings.checkpointDir());
    if (restore.isPresent()) {
      int deleted = RestorePoints.deleteAllBut(settings.checkpointDir(), restore.get());
      progress("restoring from %s %s%s", restore.get().savepoint() ? "savepoint" : "checkpoint",
          restore.get().path(), deleted > 0 ? " (" + deleted + " older restore point(s) removed)"
              : "");
      return new StartPlan(restore.get(), null, null, jobStart(settings, tables, offsets));
    }
    List<TopicPartition> partitions = offsets.partitions(settings.topics());
    StatelessStart stateless = StatelessStart.plan(
        Map.of(settings.visitsTopic(), tables.get(Tables.RAW_VISITS),
            settings.vitalsTopic(), tables.get(Tables.RAW_VITALS)),
        tables.get(Tables.RAW_DEAD_LETTERS), partitions,
        offsets.committed(settings.consumerGroup()), offsets.earliestOffsets(settings.topics()),
        settings.dedupTtl(), java.time.Instant.now());
    CommittedSeed seed = null;
    if (stateless.seeded()) {
      Map<String, Long> byName = new HashMap<>();
      stateless.start().forEach((tp, o) -> byName.put(tp.topic() + "-" + tp.partition(), o));
      seed = new CommittedSeed(catalogLoader, byName, stateless.seedSince());
      progress("no checkpoint in %s: starting after the offsets the raw tables hold as of the"
              + " last checkpoint each topic's tables all committed (%s), deduplicating against"
              + " committed rows", settings.checkpointDir(), OffsetRange.describe(stateless.start()));
    } else {
      progress("no checkpoint in %s and no rows yet: starting from offsets %s",
          settings.checkpointDir(), OffsetRange.describe(stateless.start()));
    }
    // the group's offsets mirror the job's position (lag, bounded runs' progress); nothing else
    // consumes with this group, so moving them is safe
    offsets.commit(settings.consumerGroup(), stateless.start());
    return new StartPlan(null, stateless, seed, jobStart(settings, tables, offsets));
  }

  /**
   * The backlog (end offsets now) and the completeness watermarks committed so far: the
   * watermark does not advance while a partition reads its backlog, and an event older than a
   * committed watermark is late (see {@code flink.LatenessFunction}).
   */
  private static IngestPipeline.JobStart jobStart(IngestSettings settings,
      Map<TableName, Table> tables, KafkaOffsets offsets) {
    Map<String, Long> ends = new HashMap<>();
    offsets.endOffsets(settings.topics())
        .forEach((tp, end) -> ends.put(tp.topic() + "-" + tp.partition(), end));
    Map<String, Long> watermarks = new HashMap<>();
    WATERMARKED.forEach((name, label) -> Completeness.latest(tables.get(name))
        .ifPresent(w -> watermarks.put(label, w.watermark().toEpochMilli())));
    return new IngestPipeline.JobStart(ends, watermarks);
  }

  /** The raw tables that carry a completeness watermark, by their label in the job. */
  private static final Map<TableName, String> WATERMARKED =
      Map.of(Tables.RAW_VISITS, "visits", Tables.RAW_VITALS, "vitals");

  private static KafkaSource<KafkaMessage> source(IngestSettings settings, StartPlan plan) {
    // always unbounded: a bounded run stops with a savepoint once it has read to its end offsets,
    // so that the next run restores its state (a finished job's checkpoint cannot be resumed)
    return sourceBuilder(settings)
        .setTopics(settings.topics())
        .setStartingOffsets(plan.stateless() == null
            ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)
            : OffsetsInitializer.offsets(new HashMap<>(plan.stateless().start()),
                OffsetResetStrategy.EARLIEST))
        .build();
  }

  private void runStreaming() throws Exception {
    Map<TableName, Table> tables = createTables(catalog);
    StartPlan plan;
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      plan = plan(settings, tables, offsets, catalogLoader);
    }
    StreamExecutionEnvironment env = environment(settings, plan.restore());
    IngestPipeline.build(env, source(settings, plan), settings, catalogLoader, plan.seed(),
        plan.jobStart());
    progress("streaming %s into %s until cancelled (consumer group %s)", settings.topics(),
        List.of(Tables.RAW_VISITS, Tables.RAW_VITALS, Tables.RAW_DEAD_LETTERS),
        settings.consumerGroup());
    JobClient client = env.executeAsync(jobName(settings));
    STREAMING.set(client);
    try {
      client.getJobExecutionResult().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (client.getJobStatus().get(30, TimeUnit.SECONDS)
          == org.apache.flink.api.common.JobStatus.CANCELED) {
        progress("cancelled");
        return;
      }
      throw e;
    } finally {
      STREAMING.compareAndSet(client, null);
    }
  }

  private void runBounded() throws Exception {
    Map<TableName, Table> tables = createTables(catalog);
    Map<TableName, Long> startSnapshots = new LinkedHashMap<>();
    tables.forEach((name, table) -> startSnapshots.put(name, SnapshotCounts.currentSnapshotId(table)));
    progress("starting run %s", run.id());
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      StartPlan plan = plan(settings, tables, offsets, catalogLoader);
      Map<TopicPartition, Long> earliest = offsets.earliestOffsets(settings.topics());
      Map<TopicPartition, Long> end = offsets.endOffsets(settings.topics());
      Map<TopicPartition, Long> start =
          plan.startEstimate(offsets.committed(settings.consumerGroup()), earliest);
      start.keySet().retainAll(end.keySet());
      end.keySet().forEach(tp -> start.putIfAbsent(tp, earliest.getOrDefault(tp, 0L)));
      start.replaceAll((tp, o) -> Math.min(o, end.get(tp)));
      OffsetRange range = new OffsetRange(start, end);
      run.parameter("bounded", true)
          .parameter("kafka.bootstrap-servers", settings.bootstrapServers())
          .parameter("kafka.consumer-group", settings.consumerGroup())
          .parameter("input.kafka.start-offsets", OffsetRange.describe(range.start()))
          .parameter("input.kafka.end-offsets", OffsetRange.describe(range.end()))
          .parameter("restored-from", plan.restore() == null ? "none" : plan.restore().path());
      progress("%,d new messages in %s (consumer group %s)", range.messages(), settings.topics(),
          settings.consumerGroup());
      long consumed = 0;
      long duplicates = 0;
      long deadLettersAlreadyLanded = 0;
      String jobId = null;
      // a crash checkpoint may hold Iceberg files not committed yet: run to commit them
      boolean recover = plan.restore() != null && !plan.restore().savepoint();
      if (!range.isEmpty() || recover) {
        JobExecutionResult result = execute(settings, catalogLoader, plan, range, run);
        jobId = result.getJobID().toString();
        run.parameter("flink.job-id", jobId);
        consumed = longAccumulator(result, ParseFunction.CONSUMED);
        duplicates = longAccumulator(result, DedupFunction.DUPLICATES);
        deadLettersAlreadyLanded =
            longAccumulator(result, ParseFunction.DEAD_LETTERS_ALREADY_LANDED);
        long retries = longAccumulator(result, RawTableCommitter.COMMIT_RETRIES);
        run.count("commit_retries", retries);
        if (retries > 0) {
          progress("%d Iceberg commit(s) retried after a concurrent commit (expected with"
              + " maintain running; nothing lost)", retries);
        }
        run.parameter("output.kafka.committed-offsets",
            OffsetRange.describe(offsets.committed(settings.consumerGroup())));
        recordLateEvents(tables, result, run);
      }
      Map<TableName, Long> added = new LinkedHashMap<>();
      long recovered = 0;
      final String thisJob = jobId;
      for (Map.Entry<TableName, Table> e : tables.entrySet()) {
        Table table = e.getValue();
        var snapshots = jobId == null ? List.<org.apache.iceberg.Snapshot>of()
            : SnapshotCounts.committedByAnyJob(table, startSnapshots.get(e.getKey()));
        long all = SnapshotCounts.addedRecords(snapshots);
        long mine = SnapshotCounts.addedRecords(snapshots.stream()
            .filter(s -> thisJob.equals(s.summary().get(SnapshotCounts.FLINK_JOB_ID)))
            .toList());
        recovered += all - mine;
        added.put(e.getKey(), all);
        run.output(e.getKey().toString(), SnapshotCounts.currentSnapshotId(table));
        if (jobId != null) {
          progress("%s: %,d rows added in %d commit(s)%s, now at snapshot %s", e.getKey(), all,
              snapshots.size(), all == mine ? "" : " (" + (all - mine)
                  + " from the restored checkpoint)", SnapshotCounts.currentSnapshotId(table));
        }
      }
      long visits = added.get(Tables.RAW_VISITS);
      long vitals = added.get(Tables.RAW_VITALS);
      long deadLetters = added.get(Tables.RAW_DEAD_LETTERS);
      long setAsideDuplicates = duplicates + deadLettersAlreadyLanded;
      run.count("consumed", consumed)
          .count("recovered_from_checkpoint", recovered)
          .count("visits", visits)
          .count("vitals", vitals)
          .count("dead_letters", deadLetters)
          .count("duplicates", setAsideDuplicates)
          .count("dead_letters_already_landed", deadLettersAlreadyLanded)
          .rows(consumed + recovered, visits + vitals, deadLetters + setAsideDuplicates)
          .requireReconciled();
    }
  }


  /**
   * Puts the run's late events (accumulators) and the completeness watermarks its commits carried
   * (the job commits them with the rows, see {@code flink.RawTableCommitter}) in the ledger row.
   */
  private void recordLateEvents(Map<TableName, Table> tables, JobExecutionResult result, Run run) {
    long lateTotal = 0;
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      String label = WATERMARKED.get(name);
      long late = longAccumulator(result, LatenessFunction.lateAccumulator(label));
      lateTotal += late;
      run.count("late_events_" + label, late);
      var watermark = Completeness.latest(tables.get(name));
      if (watermark.isPresent()) {
        run.parameter("watermark." + name, watermark.get().watermark().toString());
        progress("%s: watermark %s, %,d late event(s) in this run", name,
            watermark.get().watermark(), late);
      } else {
        progress("%s: no completeness watermark yet (%,d late event(s) in this run)", name, late);
      }
    }
    run.count("late_events", lateTotal);
  }

  /**
   * Runs the Flink job until the consumer group's committed offsets (committed when a checkpoint
   * completes, i.e. with the Iceberg commit) reach {@code range}'s end in every partition, then
   * stops it with a savepoint (no drain), which commits the rest and is what the next run
   * restores. Prints progress until it ends.
   */
  private JobExecutionResult execute(IngestSettings settings, CatalogLoader catalogLoader,
      StartPlan plan, OffsetRange range, Run run) throws Exception {
    StreamExecutionEnvironment env = environment(settings, plan.restore());
    IngestPipeline.build(env, source(settings, plan), settings, catalogLoader, plan.seed(),
          plan.jobStart());
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
    Map<TopicPartition, Long> targets = new HashMap<>();
    range.end().forEach((tp, end) -> {
      if (end > range.start().get(tp)) {
        targets.put(tp, end);
      }
    });
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      var result = client.getJobExecutionResult();
      while (!result.isDone()) {
        if (reached(offsets.committed(settings.consumerGroup()), targets)) {
          progress("every message up to the end offsets is committed; stopping with a savepoint");
          long t0 = System.nanoTime();
          String savepoint = stopWithSavepoint(client, settings);
          if (savepoint != null) {
            run.parameter("flink.savepoint", savepoint);
            progress("stopped with savepoint %s in %.1f s", savepoint,
                (System.nanoTime() - t0) / 1e9);
          }
          break;
        }
        try {
          result.get(STOP_POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          // still running: check the committed offsets again
        }
      }
      JobExecutionResult done = result.get();
      RestorePoints.latest(settings.checkpointDir())
          .ifPresent(p -> RestorePoints.deleteAllBut(settings.checkpointDir(), p));
      return done;
    } finally {
      ticker.shutdownNow();
    }
  }

  /** How often a bounded run checks whether the committed offsets reached its end offsets. */
  static final Duration STOP_POLL = Duration.ofMillis(250);

  private static boolean reached(Map<TopicPartition, Long> committed,
      Map<TopicPartition, Long> targets) {
    for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
      if (committed.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops the job with a savepoint, retrying while it is still deploying (a savepoint needs every
   * task running); returns the savepoint path, or null when the job ended by itself meanwhile.
   */
  private String stopWithSavepoint(JobClient client, IngestSettings settings) throws Exception {
    String dir = RestorePoints.savepointDir(settings.checkpointDir());
    Exception last = null;
    for (int attempt = 1; attempt <= 120; attempt++) {
      if (client.getJobExecutionResult().isDone()) {
        return null;
      }
      try {
        String path = client.stopWithSavepoint(false, dir, SavepointFormatType.NATIVE)
            .get(5, TimeUnit.MINUTES);
        if (attempt > 1) {
          // expected while tasks are still deploying: one line, not a stack trace
          progress("stop-with-savepoint took %d attempts (tasks were still starting)", attempt);
        }
        return path;
      } catch (java.util.concurrent.ExecutionException e) {
        last = e;
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("Could not stop the Flink job with a savepoint in " + dir
        + ": " + (last == null ? "timed out" : describe(last)), last);
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
    // No operator keeps a record after passing it on or writing it (the writers encode each row
    // into Parquet at once), so chained operators may share records instead of copying them.
    conf.set(PipelineOptions.OBJECT_REUSE, true);
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

  private static StreamExecutionEnvironment environment(IngestSettings settings,
      RestorePoints.RestorePoint restore) {
    Configuration conf = flinkConfiguration(settings);
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.path());
      // every operator has a stable uid: state that maps to none is an error, not dropped
      conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(settings.parallelism());
    return env;
  }

  private static String jobName(IngestSettings settings) {
    return "carelake-ingest " + settings.topics();
  }

  /**
   * Table property that makes Iceberg's Flink committer commit on every checkpoint, even with no
   * new files: all three raw tables then record every checkpoint id, which is what lets a start
   * without state find the last checkpoint all of them hold ({@link StatelessStart}).
   */
  static final String MAX_CONTINUOUS_EMPTY_COMMITS = "flink.max-continuous-empty-commits";

  private static Map<TableName, Table> createTables(Catalog catalog) {
    Map<TableName, Table> tables = new LinkedHashMap<>();
    tables.put(Tables.RAW_VISITS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS,
        TableSchemas.RAW_VISITS, TableSchemas.rawVisitsSpec()));
    tables.put(Tables.RAW_VITALS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VITALS,
        TableSchemas.RAW_VITALS, TableSchemas.rawVitalsSpec()));
    tables.put(Tables.RAW_DEAD_LETTERS, CatalogFactory.createIfMissing(catalog,
        Tables.RAW_DEAD_LETTERS, TableSchemas.RAW_DEAD_LETTERS, TableSchemas.deadLettersSpec()));
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table table = tables.get(name);
      if (table.currentSnapshot() == null) {
        // the DynamicIcebergSink's writers would race to create the main branch of an empty
        // table (harmless retries, noisy warnings): give it a first, empty snapshot
        table.newFastAppend().commit();
        table.refresh();
      }
    }
    for (Table table : tables.values()) {
      if (!"1".equals(table.properties().get(MAX_CONTINUOUS_EMPTY_COMMITS))) {
        table.updateProperties().set(MAX_CONTINUOUS_EMPTY_COMMITS, "1").commit();
        table.refresh();
      }
    }
    return tables;
  }

  private static long longAccumulator(JobExecutionResult result, String name) {
    Object value = result.getAllAccumulatorResults().get(name);
    return value instanceof Number n ? n.longValue() : 0L;
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
