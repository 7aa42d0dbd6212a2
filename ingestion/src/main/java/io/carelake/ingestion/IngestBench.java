package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.Tool;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carelake bench ingest --events N}: produces N valid events (half visits, half vitals)
 * to fresh topics, measures a bare {@code KafkaConsumer} reading them to the end, then a bounded
 * ingest run over them, and prints both rates, their ratio and the produce-to-visible latency
 * percentiles.
 *
 * <p>Everything goes to a scratch home {@code <home>/bench/<id>} (its own SQLite catalog and
 * warehouse, topics {@code carelake-bench-<id>.visits/.vitals}, consumer group), so the bench
 * never touches the real raw tables. Only Kafka (bootstrap servers, {@code kafka.client.*}) and
 * ingest parallelism come from the real configuration.
 *
 * <p>Latency (a second phase): the streaming ingest job is started on the scratch home (it
 * restores the bounded run's savepoint), and {@code rate x --latency-seconds} further events are
 * produced at a steady rate (default: half the measured ingest rate); an event is visible at the
 * commit time of the Iceberg snapshot that added its row (read back per snapshot with an
 * incremental append scan), and its latency is that minus its Kafka produce timestamp.
 */
@Command(name = "bench-ingest", mixinStandardHelpOptions = true,
    versionProvider = IngestJob.Versions.class,
    description = "Benchmarks ingestion against a bare Kafka consumer on N generated events"
        + " (Kafka settings from the home; scratch tables under <home>/bench).")
public final class IngestBench extends Tool {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
      description = "Events to produce (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
      description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--checkpoint-interval-ms", paramLabel = "MS", defaultValue = "2000",
      description = "Checkpoint (= Iceberg commit) interval of the benchmarked job (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "30",
      description = "Length of the latency phase: events produced at a steady rate into the running"
          + " streaming job (default: ${DEFAULT-VALUE}; 0 skips it).")
  int latencySeconds;

  @Option(names = "--latency-rate", paramLabel = "EPS", defaultValue = "0",
      description = "Events/s produced in the latency phase (default: half the measured ingest"
          + " rate).")
  double latencyRate;

  @Option(names = "--skip-peer", description = "Do not run the peer (Apache Iceberg's Kafka"
      + " Connect sink) on the same topics (default: it runs after ingest).")
  boolean skipPeer;

  @Option(names = "--keep", description = "Keep the scratch home and the bench topics afterwards"
      + " (default: both are deleted; 2 M events take about 1 GB in each).")
  boolean keep;

  /** The real configuration: Kafka and ingest parallelism come from it. */
  private CarelakeConfig real;

  IngestBench(PrintStream out) {
    super("bench ingest", out, out);
  }

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /** Results, for tests. */
  record Result(long events, double produceRate, double consumerRate, double ingestRate,
      double steadyRate, double peerRate, double peerSteadyRate, long peerRows,
      long p50Millis, long p99Millis, long rowsWritten, long latencyEvents, double latencyRate,
      long checkpointIntervalMs) {}

  static final AtomicReference<Result> LAST = new AtomicReference<>();

  static int run(PrintStream out, String... args) {
    return new IngestBench(out).execute(args);
  }

  @Override
  public void checkOptions(CommandLine cli) {
    if (events < 2 || partitions < 1 || checkpointIntervalMs < 10) {
      throw new CommandLine.ParameterException(cli,
          "--events must be >= 2, --partitions >= 1, --checkpoint-interval-ms >= 10");
    }
  }

  /** The real configuration and its ingest settings, before any topic is created. */
  @Override
  protected void check() {
    EngineLogging.configure(verbose);
    real = configOptions.resolve();
    IngestSettings.from(real);
  }

  @Override
  protected JobExit call() throws Exception {
    return bench(real);
  }

  private JobExit bench(CarelakeConfig real) throws Exception {
    IngestSettings realSettings = IngestSettings.from(real);
    String id = "b" + Long.toString(System.currentTimeMillis(), 36);
    String prefix = "carelake-bench-" + id;
    Path scratch = real.home().resolve("bench").resolve(id);
    CarelakeConfig cfg = CarelakeConfig.load(scratch, System.getenv())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, realSettings.bootstrapServers())
        .withSaved(CarelakeConfig.KAFKA_TOPIC_VISITS, prefix + ".visits")
        .withSaved(CarelakeConfig.KAFKA_TOPIC_VITALS, prefix + ".vitals")
        .withSaved(CarelakeConfig.KAFKA_CONSUMER_GROUP, prefix)
        .withSaved(CarelakeConfig.INGEST_PARALLELISM, Integer.toString(realSettings.parallelism()))
        .withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, Long.toString(checkpointIntervalMs));
    for (Map.Entry<String, String> e : realSettings.kafkaClient().entrySet()) {
      cfg = cfg.withSaved(IngestSettings.KAFKA_CLIENT_PREFIX + e.getKey(), e.getValue());
    }
    IngestSettings settings = IngestSettings.from(cfg);
    Properties kafkaProps = settings.adminProperties();
    progress("scratch home %s, topics %s, %d partition(s) each", scratch, settings.topics(),
        partitions);
    try (Admin admin = Admin.create(kafkaProps)) {
      admin.createTopics(List.of(new NewTopic(settings.visitsTopic(), partitions, (short) 1),
          new NewTopic(settings.vitalsTopic(), partitions, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
    }
    try {
      return measure(scratch, cfg, settings, kafkaProps, prefix);
    } finally {
      if (!keep) {
        try (Admin admin = Admin.create(kafkaProps)) {
          List<String> topics = admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(prefix + ".")).toList();
          admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          progress("could not delete the bench topics %s: %s", settings.topics(),
              IngestJob.describe(e));
        }
        deleteTree(scratch);
        progress("deleted the scratch home and the bench topics (--keep keeps them)");
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }

  private JobExit measure(Path scratch, CarelakeConfig cfg, IngestSettings settings,
      Properties kafkaProps, String prefix) throws Exception {

    // ---- produce
    Map<TopicPartition, long[]> produced = new HashMap<>();
    long t0 = System.nanoTime();
    BenchTraffic.produce(kafkaProps, settings, events, produced);
    double produceSeconds = (System.nanoTime() - t0) / 1e9;
    progress("produced %,d events in %.2f s (%,.0f events/s)", events, produceSeconds,
        events / produceSeconds);

    // ---- bare consumer
    t0 = System.nanoTime();
    long read = BenchTraffic.consumeAll(kafkaProps, settings.topics(), produced.keySet());
    double consumeSeconds = (System.nanoTime() - t0) / 1e9;
    double consumerRate = read / consumeSeconds;
    progress("bare KafkaConsumer read %,d messages in %.2f s (%,.0f events/s)", read,
        consumeSeconds, consumerRate);

    // ---- ingestion (bounded run, Flink local mini cluster in this JVM)
    ByteArrayOutputStream jobOut = new ByteArrayOutputStream();
    t0 = System.nanoTime();
    int code;
    try (PrintStream ps = new PrintStream(jobOut, true, StandardCharsets.UTF_8)) {
      code = IngestJob.run(ps, "--home", scratch.toString(), "--bounded");
    }
    double ingestSeconds = (System.nanoTime() - t0) / 1e9;
    String jobText = jobOut.toString(StandardCharsets.UTF_8);
    if (verbose) {
      out.print(jobText);
    }
    if (code != 0) {
      out.print(jobText);
      throw new IllegalStateException("the benchmarked ingest run failed (exit " + code + ")");
    }
    double ingestRate = events / ingestSeconds;
    progress("ingest --bounded wrote %,d events in %.2f s (%,.0f events/s, incl. Flink start-up"
        + " and the final checkpoint)", events, ingestSeconds, ingestRate);

    Catalog catalog = CatalogFactory.open(cfg);
    long rows = 0;
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      rows += totalRecords(catalog, name);
    }
    double steadyRate = steadyRate(catalog);
    progress("steady state: %,.0f events/s (rows committed between the first and the last Iceberg"
        + " commit that added rows; start-up, the first checkpoint and the final savepoint"
        + " excluded)", steadyRate);

    // ---- the peer: Iceberg's Kafka Connect sink on the same topics, same catalog and interval
    PeerSink.Result peer = new PeerSink.Result(0, Double.NaN, Double.NaN);
    if (!skipPeer) {
      peer = PeerSink.run(scratch.resolve("peer"), cfg, settings, prefix, events,
          checkpointIntervalMs, out);
      progress("peer steady state: %,.0f events/s (same measure as ingest's)", peer.steadyRate());
    }

    // ---- latency: a steady stream into the running streaming job (restored from the bounded
    // run's savepoint), produce -> visible in an Iceberg snapshot
    long[] sorted = new long[0];
    long latencyEvents = 0;
    double rate = latencyRate > 0 ? latencyRate : Math.max(1, ingestRate / 2);
    if (latencySeconds > 0) {
      latencyEvents = Math.max(1, Math.round(rate * latencySeconds));
      List<Long> latencies = new LatencyPhase(out, verbose).run(scratch, kafkaProps, settings,
          catalog, (int) latencyEvents, rate);
      sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    long p50 = LatencyPhase.percentile(sorted, 0.50);
    long p99 = LatencyPhase.percentile(sorted, 0.99);
    // the ratios compare steady states (rows committed between the first and the last commit
    // that added rows), which leave out each side's start-up and shutdown
    out.printf(Locale.ROOT, "events=%d produce=%.0f/s bare-consumer=%.0f/s ingest=%.0f/s"
            + " peer=%.0f/s checkpoint-interval=%d ms latency-events=%d latency-rate=%.0f/s"
            + " latency-p50=%d ms latency-p99=%d ms rows=%d peer-rows=%d"
            + " steady=%.0f/s peer-steady=%.0f/s ratio(ingest/peer)=%.2f"
            + " ratio(ingest/consumer)=%.3f%n",
        events, events / produceSeconds, consumerRate, ingestRate, peer.wallRate(),
        checkpointIntervalMs, sorted.length, rate, p50, p99, rows, peer.rows(),
        steadyRate, peer.steadyRate(), steadyRate / peer.steadyRate(), steadyRate / consumerRate);
    LAST.set(new Result(events, events / produceSeconds, consumerRate, ingestRate, steadyRate,
        peer.wallRate(), peer.steadyRate(), peer.rows(), p50, p99, rows, sorted.length, rate,
        checkpointIntervalMs));
    if (rows != events) {
      progress("WARNING: %d rows written for %d events", rows, events);
      return JobExit.FAILED;
    }
    if (!skipPeer && peer.rows() != events) {
      progress("WARNING: the peer committed %d rows for %d events", peer.rows(), events);
      return JobExit.FAILED;
    }
    if (latencySeconds > 0 && sorted.length != latencyEvents) {
      progress("WARNING: %d of %d latency-phase events seen", sorted.length, latencyEvents);
      return JobExit.FAILED;
    }
    return JobExit.OK;
  }

  /**
   * Events per second while the bounded run was in its stride: the rows of both raw tables that
   * commits added after the first commit that added any, divided by the time from that commit to
   * the last one that added rows (Iceberg commit timestamps). The first commit's rows are left out
   * because the time they took includes the job's start-up.
   */
  static double steadyRate(Catalog catalog) {
    List<Table> tables = new ArrayList<>();
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      tables.add(catalog.loadTable(CatalogFactory.identifier(name)));
    }
    return steadyRate(tables);
  }

  /** {@link #steadyRate(Catalog)} over {@code tables} (the peer's, too). */
  static double steadyRate(List<Table> tables) {
    List<long[]> commits = new java.util.ArrayList<>(); // {commit ms, rows added}
    for (Table table : tables) {
      for (Snapshot s : table.snapshots()) {
        long added = Long.parseLong(s.summary().getOrDefault("added-records", "0"));
        if (added > 0) {
          commits.add(new long[] {s.timestampMillis(), added});
        }
      }
    }
    if (commits.size() < 2) {
      return Double.NaN;
    }
    commits.sort(java.util.Comparator.comparingLong(c -> c[0]));
    long first = commits.get(0)[0];
    long last = commits.get(commits.size() - 1)[0];
    long rows = commits.stream().filter(c -> c[0] > first).mapToLong(c -> c[1]).sum();
    return last > first ? rows * 1000.0 / (last - first) : Double.NaN;
  }

  static long totalRecords(Catalog catalog, TableName name) {
    Table table = catalog.loadTable(CatalogFactory.identifier(name));
    Snapshot s = table.currentSnapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
  }

  private void progress(String format, Object... args) {
    progress(out, format, args);
  }

  static void progress(PrintStream out, String format, Object... args) {
    out.println("[bench] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
