package io.carelake.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.events.Codes;
import io.carelake.core.events.Patient;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.SnapshotCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
public final class IngestBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A synthetic resident id with a valid GB 11643 check character (not a real person). */
  private static final String RESIDENT = "110105194912310021";

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

  @Option(names = "--verbose", description = "Print the ingest job's output and stack traces.")
  boolean verbose;

  @Option(names = "--skip-peer", description = "Do not run the peer (Apache Iceberg's Kafka"
      + " Connect sink) on the same topics (default: it runs after ingest).")
  boolean skipPeer;

  @Option(names = "--keep", description = "Keep the scratch home and the bench topics afterwards"
      + " (default: both are deleted; 2 M events take about 1 GB in each).")
  boolean keep;

  private final PrintStream out;

  IngestBench(PrintStream out) {
    this.out = out;
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
    IngestBench bench = new IngestBench(out);
    CommandLine cli = new CommandLine(bench);
    try {
      if (CommandLine.printHelpIfRequested(cli.parseArgs(args))) {
        return IngestJob.EXIT_OK;
      }
      if (bench.events < 2 || bench.partitions < 1 || bench.checkpointIntervalMs < 10) {
        throw new CommandLine.ParameterException(cli,
            "--events must be >= 2, --partitions >= 1, --checkpoint-interval-ms >= 10");
      }
    } catch (CommandLine.ParameterException e) {
      out.println("carelake bench ingest: " + e.getMessage());
      e.getCommandLine().usage(out);
      return IngestJob.EXIT_USAGE;
    }
    EngineLogging.configure(bench.verbose);
    CarelakeConfig real;
    try {
      real = bench.configOptions.resolve();
      IngestSettings.from(real);
    } catch (ConfigException | IllegalArgumentException e) {
      out.println("carelake bench ingest: " + e.getMessage());
      return IngestJob.EXIT_USAGE;
    }
    try {
      return bench.bench(real);
    } catch (Exception e) {
      out.println("carelake bench ingest: " + IngestJob.describe(e));
      if (bench.verbose) {
        e.printStackTrace(out);
      }
      return IngestJob.EXIT_FAILED;
    }
  }

  private int bench(CarelakeConfig real) throws Exception {
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

  private int measure(Path scratch, CarelakeConfig cfg, IngestSettings settings,
      Properties kafkaProps, String prefix) throws Exception {

    // ---- produce
    Map<TopicPartition, long[]> produced = new HashMap<>();
    long t0 = System.nanoTime();
    produce(kafkaProps, settings, produced);
    double produceSeconds = (System.nanoTime() - t0) / 1e9;
    progress("produced %,d events in %.2f s (%,.0f events/s)", events, produceSeconds,
        events / produceSeconds);

    // ---- bare consumer
    t0 = System.nanoTime();
    long read = consumeAll(kafkaProps, settings.topics(), produced.keySet());
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
      List<Long> latencies = latencyPhase(scratch, cfg, kafkaProps, settings, catalog,
          (int) latencyEvents, rate);
      sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    long p50 = percentile(sorted, 0.50);
    long p99 = percentile(sorted, 0.99);
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
      return IngestJob.EXIT_FAILED;
    }
    if (!skipPeer && peer.rows() != events) {
      progress("WARNING: the peer committed %d rows for %d events", peer.rows(), events);
      return IngestJob.EXIT_FAILED;
    }
    if (latencySeconds > 0 && sorted.length != latencyEvents) {
      progress("WARNING: %d of %d latency-phase events seen", sorted.length, latencyEvents);
      return IngestJob.EXIT_FAILED;
    }
    return IngestJob.EXIT_OK;
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

  private static long totalRecords(Catalog catalog, TableName name) {
    Table table = catalog.loadTable(CatalogFactory.identifier(name));
    Snapshot s = table.currentSnapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
  }

  /**
   * Starts the streaming job on the scratch home, produces {@code n} events at {@code rate}/s
   * once it runs, waits until all are committed, cancels it and returns one latency per event:
   * the commit time of the snapshot that added its row minus its Kafka produce timestamp.
   */
  private List<Long> latencyPhase(Path scratch, CarelakeConfig cfg, Properties kafkaProps,
      IngestSettings settings, Catalog catalog, int n, double rate) throws Exception {
    Map<TableName, Long> before = new HashMap<>();
    long rowsBefore = 0;
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table t = catalog.loadTable(CatalogFactory.identifier(name));
      before.put(name, SnapshotCounts.currentSnapshotId(t));
      rowsBefore += totalRecords(catalog, name);
    }
    ByteArrayOutputStream jobOut = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(jobOut, true, StandardCharsets.UTF_8);
    int[] exit = {-1};
    Thread job = new Thread(() -> exit[0] = IngestJob.run(ps, "--home", scratch.toString()),
        "bench-streaming-ingest");
    job.setDaemon(true);
    job.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (IngestJob.STREAMING.get() == null || IngestJob.STREAMING.get().getJobStatus()
        .get(10, TimeUnit.SECONDS) != org.apache.flink.api.common.JobStatus.RUNNING) {
      if (!job.isAlive() || System.nanoTime() > deadline) {
        out.print(jobOut.toString(StandardCharsets.UTF_8));
        throw new IllegalStateException("the streaming ingest job did not start (exit " + exit[0]
            + ")");
      }
      Thread.sleep(100);
    }
    progress("latency phase: streaming job running; producing %,d events at %,.0f/s", n, rate);
    Map<TopicPartition, long[]> produced = new HashMap<>();
    produceLatency(kafkaProps, settings, n, rate, produced);
    long target = rowsBefore + n;
    deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (totalRecords(catalog, Tables.RAW_VISITS) + totalRecords(catalog, Tables.RAW_VITALS)
        < target) {
      if (!job.isAlive() || System.nanoTime() > deadline) {
        out.print(jobOut.toString(StandardCharsets.UTF_8));
        throw new IllegalStateException("the streaming ingest job did not commit all events");
      }
      Thread.sleep(100);
    }
    IngestJob.STREAMING.get().cancel().get(1, TimeUnit.MINUTES);
    job.join(TimeUnit.MINUTES.toMillis(2));
    if (verbose) {
      out.print(jobOut.toString(StandardCharsets.UTF_8));
    }
    List<Long> latencies = new ArrayList<>(n);
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table table = catalog.loadTable(CatalogFactory.identifier(name));
      commitLatencies(table, before.get(name), produced, latencies);
    }
    return latencies;
  }

  private void produceLatency(Properties kafkaProps, IngestSettings settings, int n, double rate,
      Map<TopicPartition, long[]> produced) throws Exception {
    Properties props = new Properties();
    props.putAll(kafkaProps);
    props.put("acks", "all");
    props.put("linger.ms", "0");
    Patient patient = Patient.idOnly(RESIDENT);
    Instant base = Instant.now().minusSeconds(3600);
    Map<TopicPartition, Map<Long, Long>> sent = new HashMap<>();
    Exception[] failure = new Exception[1];
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        String time = OffsetDateTime.ofInstant(base.plusMillis(i), ZoneOffset.UTC).toString();
        String topic = i % 2 == 0 ? settings.visitsTopic() : settings.vitalsTopic();
        byte[] value = i % 2 == 0
            ? JSON.writeValueAsBytes(new VisitEvent(1, "lat-v-" + i, time, patient, "F001",
                "C001", "outpatient", List.of("I10"), "头晕", "患者头晕。", List.of()))
            : JSON.writeValueAsBytes(new VitalEvent(1, "lat-s-" + i, time, patient, "F001",
                Codes.LOINC_SYSTOLIC_BP, 120.0, "mm[Hg]", Codes.SOURCE_CLINIC, null));
        producer.send(new ProducerRecord<>(topic, ("l" + i).getBytes(StandardCharsets.UTF_8),
            value), (m, e) -> {
              if (e != null) {
                failure[0] = e;
              } else {
                synchronized (sent) {
                  sent.computeIfAbsent(new TopicPartition(m.topic(), m.partition()),
                      k -> new HashMap<>()).put(m.offset(), m.timestamp());
                }
              }
            });
      }
      producer.flush();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    sent.forEach((tp, byOffset) -> {
      long max = byOffset.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      long[] ts = new long[(int) max + 1];
      Arrays.fill(ts, -1);
      byOffset.forEach((o, t) -> ts[(int) (long) o] = t);
      produced.put(tp, ts);
    });
  }

  /**
   * For every snapshot the ingest job committed after {@code fromSnapshot}, the rows it added
   * became visible at its commit time: one latency per row produced in the latency phase.
   */
  private static void commitLatencies(Table table, Long fromSnapshot,
      Map<TopicPartition, long[]> produced, List<Long> latencies) throws Exception {
    table.refresh();
    for (Snapshot s : SnapshotCounts.committedByAnyJob(table, fromSnapshot)) {
      if (Long.parseLong(s.summary().getOrDefault("added-records", "0")) == 0
          || s.parentId() == null) {
        continue;
      }
      try (CloseableIterable<Record> it = IcebergGenerics.read(table)
          .appendsBetween(s.parentId(), s.snapshotId())
          .select(TableSchemas.KAFKA_TOPIC, TableSchemas.KAFKA_PARTITION,
              TableSchemas.KAFKA_OFFSET).build()) {
        for (Record r : it) {
          long[] ts = produced.get(new TopicPartition((String) r.getField(TableSchemas.KAFKA_TOPIC),
              (Integer) r.getField(TableSchemas.KAFKA_PARTITION)));
          long offset = (Long) r.getField(TableSchemas.KAFKA_OFFSET);
          if (ts != null && offset < ts.length && ts[(int) offset] >= 0) {
            latencies.add(Math.max(0, s.timestampMillis() - ts[(int) offset]));
          }
        }
      }
    }
  }

  private void produce(Properties kafkaProps, IngestSettings settings,
      Map<TopicPartition, long[]> produced) throws Exception {
    Properties props = new Properties();
    props.putAll(kafkaProps);
    props.put("acks", "all");
    props.put("linger.ms", "5");
    props.put("batch.size", "262144");
    props.put("compression.type", "lz4");
    Patient visitPatient = new Patient(RESIDENT, "测试", "1", "1949-12-31", "13800000000",
        "北京市东城区测试街道1号");
    Patient vitalPatient = Patient.idOnly(RESIDENT);
    Instant base = Instant.parse("2025-03-01T00:00:00Z");
    List<org.apache.kafka.clients.producer.RecordMetadata> sent = new ArrayList<>(events);
    Exception[] failure = new Exception[1];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        String time = OffsetDateTime.ofInstant(base.plusSeconds(i * 7L), ZoneOffset.UTC).toString();
        byte[] value;
        String topic;
        if (i % 2 == 0) {
          topic = settings.visitsTopic();
          value = JSON.writeValueAsBytes(new VisitEvent(1, "bench-v-" + i, time, visitPatient,
              "F00" + (i % 5), "C001", "outpatient", List.of("I10"), "头晕", "患者头晕。",
              List.of()));
        } else {
          topic = settings.vitalsTopic();
          value = JSON.writeValueAsBytes(new VitalEvent(1, "bench-s-" + i, time, vitalPatient,
              "F00" + (i % 5), Codes.LOINC_SYSTOLIC_BP, 110.0 + i % 40, "mm[Hg]",
              Codes.SOURCE_CLINIC, null));
        }
        producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
            value), (m, e) -> {
              if (e != null) {
                failure[0] = e;
              } else {
                synchronized (sent) {
                  sent.add(m);
                }
              }
            });
      }
      producer.flush();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    Map<TopicPartition, Integer> sizes = new HashMap<>();
    for (var m : sent) {
      sizes.merge(new TopicPartition(m.topic(), m.partition()), (int) m.offset() + 1, Math::max);
    }
    sizes.forEach((tp, n) -> {
      long[] ts = new long[n];
      Arrays.fill(ts, -1);
      produced.put(tp, ts);
    });
    for (var m : sent) {
      produced.get(new TopicPartition(m.topic(), m.partition()))[(int) m.offset()] = m.timestamp();
    }
  }

  private static long consumeAll(Properties kafkaProps, List<String> topics,
      java.util.Set<TopicPartition> partitions) {
    Properties props = new Properties();
    props.putAll(kafkaProps);
    props.put("enable.auto.commit", "false");
    props.put("max.poll.records", "5000");
    props.put("fetch.min.bytes", "1");
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> all = new ArrayList<>(partitions);
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      long target = end.values().stream().mapToLong(Long::longValue).sum();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (count < target && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (var r : records) {
          count += r.value() == null ? 0 : 1;
        }
      }
    }
    return count;
  }

  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private void progress(String format, Object... args) {
    out.println("[bench] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
