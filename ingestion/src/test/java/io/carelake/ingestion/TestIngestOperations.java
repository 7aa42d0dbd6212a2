package io.carelake.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.core.events.Patient;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.flink.RawTableCommitter;
import io.carelake.ingestion.ledger.Completeness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations around the ingest job on real components (in-process KRaft broker, Flink mini
 * cluster, Iceberg JDBC catalog on SQLite): the completeness watermark, {@code ingest status}
 * and {@code maintain}. Each test uses its own carelake home, topics and consumer group.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TestIngestOperations {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESIDENT = "110105194912310021";

  @TempDir static Path dir;
  private static KafkaClusterTestKit kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestBrokers.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** A home with its own topics (2 partitions each) and consumer group. */
  static Path newHome(String name) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(name + ".visits", 2, (short) 1),
          new NewTopic(name + ".vitals", 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    Path home = dir.resolve(name);
    CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers())
        .withSaved(CarelakeConfig.KAFKA_TOPIC_VISITS, name + ".visits")
        .withSaved(CarelakeConfig.KAFKA_TOPIC_VITALS, name + ".vitals")
        .withSaved(CarelakeConfig.KAFKA_CONSUMER_GROUP, "group-" + name)
        .withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, "300")
        .withSaved(CarelakeConfig.INGEST_PARALLELISM, "2")
        .withSaved(IngestSettings.MAX_OUT_OF_ORDERNESS, "300000");
    return home;
  }

  static byte[] visit(String eventId, String eventTime) throws Exception {
    return JSON.writeValueAsBytes(new VisitEvent(1, eventId, eventTime,
        new Patient(RESIDENT, "张伟", "1", "1949-12-31", "13812345678", "北京市东城区和平里街道1号"),
        "F001", "C001", "outpatient", List.of("I10"), "头晕三天", "患者头晕三天。", List.of()));
  }

  static byte[] vital(String eventId, String eventTime, double value) throws Exception {
    return JSON.writeValueAsBytes(new VitalEvent(1, eventId, eventTime, Patient.idOnly(RESIDENT),
        "F001", Codes.LOINC_SYSTOLIC_BP, value, "mm[Hg]", Codes.SOURCE_CLINIC, null));
  }

  static void publish(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties props = kafka.clientProperties();
    props.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get(30, TimeUnit.SECONDS);
      }
    }
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  static ProducerRecord<byte[], byte[]> onPartition(String topic, int partition, byte[] value) {
    return new ProducerRecord<>(topic, partition, "k".getBytes(StandardCharsets.UTF_8), value);
  }

  /** Runs {@code main} with {@code args}, returns the exit code, appends the output. */
  interface Main {
    int run(PrintStream out, String... args);
  }

  static int call(Main main, StringBuilder output, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = main.run(out, args);
    }
    output.append(bytes.toString(StandardCharsets.UTF_8));
    System.out.print(output);
    return code;
  }

  static int ingest(Path home, StringBuilder output) {
    return call(IngestJob::run, output, "--home", home.toString(), "--bounded");
  }

  static Table table(Path home, TableName name) {
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
    return catalog.loadTable(CatalogFactory.identifier(name));
  }

  static List<Record> rows(Path home, TableName name) throws Exception {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table(home, name)).build()) {
      it.forEach(rows::add);
    }
    return rows;
  }

  @Test
  void boundedRunRecordsTheWatermarkWithItsRowsAndCountsEventsBehindACommittedWatermarkAsLate()
      throws Exception {
    Path home = newHome("wm");
    // vitals all on one partition (one key), in this order; out-of-orderness 5 min
    String[] times = {"2025-03-01T10:00:00Z", "2025-03-01T10:10:00Z",
        "2025-03-01T09:50:00Z" /* 20 min behind 10:10, but in the backlog of a first catch-up */,
        "2025-03-01T10:06:00Z", "2025-03-01T09:00:00Z", "2025-03-01T10:12:00Z"};
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < times.length; i++) {
      records.add(record("wm.vitals", "p", vital("s-" + i, times[i], 120 + i)));
    }
    records.add(record("wm.visits", "v", visit("v-1", "2025-03-02T08:00:00Z")));
    publish(records);

    StringBuilder first = new StringBuilder();
    assertThat(ingest(home, first)).as(first.toString()).isZero();
    assertThat(first.toString()).contains("7 messages in, 7 rows out");

    // the watermark rides on the commit that adds the rows: no commit of its own
    Table vitals = table(home, Tables.RAW_VITALS);
    Snapshot current = vitals.currentSnapshot();
    assertThat(current.summary())
        .containsEntry(Completeness.WATERMARK, "2025-03-01T10:07:00Z")
        .containsEntry(Completeness.WATERMARK_MS,
            Long.toString(Instant.parse("2025-03-01T10:07:00Z").toEpochMilli()))
        .containsEntry(Completeness.LATE_EVENTS, "0")
        .containsEntry("added-records", "6")
        .containsEntry("total-records", "6")
        .containsKey(RawTableCommitter.MAX_COMMITTED_CHECKPOINT_ID);
    assertThat(rows(home, Tables.RAW_VITALS)).hasSize(6);
    Table visits = table(home, Tables.RAW_VISITS);
    assertThat(visits.currentSnapshot().summary())
        .containsEntry(Completeness.WATERMARK, "2025-03-02T07:55:00Z")
        .containsEntry(Completeness.LATE_EVENTS, "0");
    // a catch-up from nothing declared complete: the backlog's disorder is not lateness
    Record run = rows(home, Tables.GOVERNANCE_RUNS).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Long> counts = (Map<String, Long>) run.getField("counts");
    assertThat(counts).containsEntry("late_events", 0L).containsEntry("late_events_vitals", 0L)
        .containsEntry("late_events_visits", 0L);

    // a second run: an event older than the committed watermark is late; one after it is not;
    // the watermark does not move back
    publish(List.of(record("wm.vitals", "p", vital("s-old", "2025-02-01T00:00:00Z", 130)),
        record("wm.vitals", "p", vital("s-new", "2025-03-01T10:08:00Z", 131))));
    StringBuilder second = new StringBuilder();
    assertThat(ingest(home, second)).as(second.toString()).isZero();
    vitals.refresh();
    assertThat(vitals.currentSnapshot().summary())
        .containsEntry(Completeness.WATERMARK, "2025-03-01T10:07:00Z")
        .containsEntry(Completeness.LATE_EVENTS, "1");
    assertThat(rows(home, Tables.RAW_VITALS)).hasSize(8);
  }

  @Test
  void aSkewedPartitionHoldsTheWatermarkBackAndAFutureEventCannotPushItBeyondNow()
      throws Exception {
    Path home = newHome("skew");
    // partition 0 at 10:30, partition 1 lagging at 08:00; a visit 12 h in the future
    Instant future = Instant.now().plus(java.time.Duration.ofHours(12));
    publish(List.of(onPartition("skew.vitals", 0, vital("f-1", "2025-03-01T10:30:00Z", 120)),
        onPartition("skew.vitals", 1, vital("l-1", "2025-03-01T08:00:00Z", 121)),
        record("skew.visits", "v", visit("v-1", future.toString()))));
    Instant before = Instant.now();
    StringBuilder out = new StringBuilder();
    assertThat(ingest(home, out)).as(out.toString()).isZero();
    assertThat(out.toString()).contains("3 messages in, 3 rows out");
    // the minimum over partitions, not the maximum
    assertThat(Completeness.latest(table(home, Tables.RAW_VITALS)).orElseThrow().watermark())
        .isEqualTo(Instant.parse("2025-03-01T07:55:00Z"));
    // capped at the time the event was read, minus the out-of-orderness
    Instant visitsWatermark =
        Completeness.latest(table(home, Tables.RAW_VISITS)).orElseThrow().watermark();
    assertThat(visitsWatermark).isBefore(Instant.now()).isAfter(before.minusSeconds(301));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void streamingJobRecordsTheWatermarkAfterTheCheckpointsThatHoldTheRows() throws Exception {
    Path home = newHome("swm");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Thread job = new Thread(() -> IngestJob.run(ps, "--home", home.toString()), "streaming");
    job.setDaemon(true);
    job.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (IngestJob.STREAMING.get() == null || IngestJob.STREAMING.get().getJobStatus()
          .get(10, TimeUnit.SECONDS) != org.apache.flink.api.common.JobStatus.RUNNING) {
        assertThat(job.isAlive() && System.nanoTime() < deadline).as(bytes.toString()).isTrue();
        Thread.sleep(100);
      }
      // one partition (one key); out-of-orderness 5 min: 10:10 is 20 min behind 10:30, late
      String[] times = {"2025-03-01T10:00:00Z", "2025-03-01T10:30:00Z", "2025-03-01T10:10:00Z",
          "2025-03-01T10:28:00Z"};
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < times.length; i++) {
        records.add(record("swm.vitals", "p", vital("w-" + i, times[i], 120 + i)));
      }
      records.add(record("swm.visits", "v", visit("wv-1", "2025-03-01T09:00:00Z")));
      publish(records);

      Table vitals = table(home, Tables.RAW_VITALS);
      Table visits = table(home, Tables.RAW_VISITS);
      Instant expected = Instant.parse("2025-03-01T10:25:00Z");
      while (Completeness.latest(vitals).map(w -> w.watermark().isBefore(expected)).orElse(true)
          || Completeness.latest(visits).isEmpty() || rows(home, Tables.RAW_VITALS).size() < 4) {
        assertThat(job.isAlive() && System.nanoTime() < deadline + TimeUnit.MINUTES.toNanos(1))
            .as("no watermark while the job runs: " + bytes).isTrue();
        Thread.sleep(200);
      }
      Completeness.Watermark w = Completeness.latest(vitals).orElseThrow();
      assertThat(w.watermark()).isEqualTo(expected);
      Snapshot marked = vitals.snapshot(w.snapshotId());
      // recorded by the job's own commit of the rows: no snapshot of its own
      assertThat(marked.summary()).containsKey(RawTableCommitter.MAX_COMMITTED_CHECKPOINT_ID)
          .containsKey("added-records");
      // no backlog when the job started: 10:10 read after 10:30 is late (5 min out-of-orderness)
      long late = 0;
      for (Snapshot s : vitals.snapshots()) {
        late += Long.parseLong(s.summary().getOrDefault(Completeness.LATE_EVENTS, "0"));
      }
      assertThat(late).isEqualTo(1);
      assertThat(Completeness.latest(visits).orElseThrow().watermark())
          .isEqualTo(Instant.parse("2025-03-01T08:55:00Z"));
    } finally {
      if (IngestJob.STREAMING.get() != null) {
        IngestJob.STREAMING.get().cancel().get(1, TimeUnit.MINUTES);
      }
      job.join(TimeUnit.MINUTES.toMillis(2));
    }
  }

  @Test
  void statusPrintsRunCountersLagCommitAgeAndWatermark() throws Exception {
    Path home = newHome("st");
    publish(List.of(record("st.vitals", "a", vital("a-1", "2025-03-01T10:00:00Z", 120)),
        record("st.vitals", "a", vital("a-1", "2025-03-01T10:00:00Z", 120)),
        record("st.visits", "b", visit("b-1", "2025-03-01T11:00:00Z")),
        record("st.visits", "c", "{".getBytes(StandardCharsets.UTF_8))));
    StringBuilder run = new StringBuilder();
    assertThat(ingest(home, run)).as(run.toString()).isZero();
    // published after the run: lag 2
    publish(List.of(record("st.vitals", "a", vital("a-2", "2025-03-01T10:01:00Z", 121)),
        record("st.visits", "b", visit("b-2", "2025-03-01T11:01:00Z"))));

    StringBuilder status = new StringBuilder();
    assertThat(call(IngestStatus::run, status, "--home", home.toString())).as(status.toString())
        .isZero();
    String text = status.toString();
    assertThat(text).contains("last ingest runs (1 of 1")
        .contains("SUCCEEDED consumed=4 written=2 (visits=1 vitals=1) dead_lettered=1 duplicates=1")
        .contains("consumer lag (group group-st)")
        .contains("total lag=2")
        .containsPattern("raw\\.vitals +last commit \\S+ \\(\\d+ s ago, snapshot \\d+\\),"
            + " watermark 2025-03-01T09:55:00Z \\(0 late event")
        .contains("watermark 2025-03-01T10:55:00Z")
        .containsPattern("raw\\.dead_letters +last commit");
    // per partition: the partition holding key a's vitals is at end 3, committed 2
    assertThat(text).containsPattern("st\\.vitals-\\d committed=2 end=3 lag=1");
  }

  @Test
  void statusExitsOneWithAClearMessageWhenKafkaIsUnreachable() throws Exception {
    Path home = dir.resolve("unreachable");
    CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1");
    StringBuilder status = new StringBuilder();
    int code = call(IngestStatus::run, status, "--home", home.toString(),
        "--kafka-timeout-ms", "1500");
    assertThat(code).as(status.toString()).isEqualTo(1);
    assertThat(status.toString()).contains("none recorded")
        .contains("Kafka unreachable at 127.0.0.1:1").doesNotContain("\tat ");
  }

  @Test
  void maintainCompactsExpiresAndKeepsTheCheckpointSnapshotAndIngestStillWorks() throws Exception {
    Path home = newHome("mt");
    // three small bounded runs, each adding files to the same day partitions
    for (int run = 0; run < 3; run++) {
      publish(List.of(
          // one key, one partition: the watermark is that partition's
          record("mt.vitals", "a", vital("a-" + run, "2025-03-01T10:0" + run + ":00Z", 120)),
          record("mt.vitals", "a", vital("b-" + run, "2025-03-01T11:0" + run + ":00Z", 121)),
          record("mt.visits", "c" + run, visit("c-" + run, "2025-03-01T12:0" + run + ":00Z")),
          record("mt.visits", "d" + run, "not json".getBytes(StandardCharsets.UTF_8))));
      StringBuilder out = new StringBuilder();
      assertThat(ingest(home, out)).as(out.toString()).isZero();
    }
    Table vitals = table(home, Tables.RAW_VITALS);
    long filesBefore = Long.parseLong(vitals.currentSnapshot().summary().get("total-data-files"));
    assertThat(filesBefore).isGreaterThanOrEqualTo(3);
    String checkpointKey = MaintainJob.MAX_COMMITTED_CHECKPOINT_ID;
    String lastCheckpoint = newestSummaryValue(vitals, checkpointKey);
    assertThat(lastCheckpoint).isNotNull();
    int snapshotsBefore = count(vitals.snapshots());
    // the first, empty snapshot and one commit per run (the watermark rides on it)
    assertThat(snapshotsBefore).isGreaterThanOrEqualTo(4);

    StringBuilder maintain = new StringBuilder();
    assertThat(call(MaintainJob::run, maintain, "--home", home.toString(),
        "--retention-days", "0", "--retain-last", "1")).as(maintain.toString()).isZero();
    assertThat(maintain.toString()).contains("raw.vitals: data files " + filesBefore + " -> 1,")
        .contains("SUCCEEDED");

    vitals.refresh();
    assertThat(vitals.currentSnapshot().summary()).containsEntry("total-data-files", "1");
    assertThat(rows(home, Tables.RAW_VITALS)).hasSize(6);
    assertThat(rows(home, Tables.RAW_VISITS)).hasSize(3);
    assertThat(rows(home, Tables.RAW_DEAD_LETTERS)).hasSize(3);
    // old snapshots expired, but the newest holding the checkpoint id and the watermark survive
    assertThat(count(vitals.snapshots())).isLessThan(snapshotsBefore);
    assertThat(newestSummaryValue(vitals, checkpointKey)).isEqualTo(lastCheckpoint);
    assertThat(Completeness.latest(vitals).orElseThrow().watermark())
        .isEqualTo(Instant.parse("2025-03-01T11:02:00Z").minusSeconds(300));

    // ingest still works afterwards and re-adds nothing from before the maintenance: with one
    // new message it reads exactly that one and adds exactly one row
    publish(List.of(record("mt.vitals", "a0", vital("a-new", "2025-03-01T13:00:00Z", 122))));
    StringBuilder more = new StringBuilder();
    assertThat(ingest(home, more)).as(more.toString()).isZero();
    assertThat(more.toString()).contains("1 new messages")
        .contains("1 messages in, 1 rows out (0 visits, 1 vitals), 0 set aside");
    assertThat(rows(home, Tables.RAW_VITALS)).hasSize(7);
    assertThat(rows(home, Tables.RAW_VISITS)).hasSize(3);
    assertThat(rows(home, Tables.RAW_DEAD_LETTERS)).hasSize(3);
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  /** The value of {@code key} in the newest snapshot of the current lineage that has it. */
  private static String newestSummaryValue(Table table, String key) {
    for (Snapshot s : org.apache.iceberg.util.SnapshotUtil.ancestorsOf(
        table.currentSnapshot().snapshotId(), table::snapshot)) {
      if (s.summary().containsKey(key)) {
        return s.summary().get(key);
      }
    }
    return null;
  }

  /**
   * The benchmark on a small N in the suite; the README figures come from the same test with
   * {@code -Dcarelake.bench.events=200000}.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // the peer's Kafka Connect worker takes ~1 min
  void benchProducesConsumesIngestsAndReportsRatesAndLatency() throws Exception {
    Path home = dir.resolve("bench-home");
    CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    String n = System.getProperty("carelake.bench.events", "200");
    StringBuilder out = new StringBuilder();
    assertThat(call(IngestBench::run, out, "--home", home.toString(), "--events", n,
        "--checkpoint-interval-ms", "500", "--latency-seconds", "4", "--latency-rate", "25"))
        .as(out.toString()).isZero();
    IngestBench.Result r = IngestBench.LAST.get();
    assertThat(r.events()).isEqualTo(Long.parseLong(n));
    assertThat(r.rowsWritten()).isEqualTo(r.events());
    // every latency-phase event was seen in a commit of the streaming job
    assertThat(r.latencyEvents()).isEqualTo(100);
    assertThat(r.p50Millis()).isBetween(0L, r.p99Millis());
    assertThat(r.checkpointIntervalMs()).isEqualTo(500);
    // the peer, Iceberg's Kafka Connect sink, read the same topics into its own tables
    assertThat(r.peerRows()).isEqualTo(r.events());
    // the machine-readable line parses, its counts are the input's, and its ratios follow from
    // the rates beside them (each printed rounded); nothing about how fast
    java.util.regex.Matcher line = java.util.regex.Pattern.compile("events=(\\d+)"
        + " produce=(\\d+)/s bare-consumer=(\\d+)/s ingest=(\\d+)/s peer=(\\d+)/s"
        + " checkpoint-interval=(\\d+) ms latency-events=(\\d+) latency-rate=(\\d+)/s"
        + " latency-p50=(\\d+) ms latency-p99=(\\d+) ms rows=(\\d+) peer-rows=(\\d+)"
        + " steady=(\\d+|NaN)/s peer-steady=(\\d+|NaN)/s ratio\\(ingest/peer\\)=([0-9.]+|NaN)"
        + " ratio\\(ingest/consumer\\)=([0-9.]+|NaN)\n").matcher(out.toString());
    assertThat(line.find()).as(out.toString()).isTrue();
    assertThat(line.group(1)).isEqualTo(n);
    assertThat(line.group(11)).isEqualTo(n);
    assertThat(line.group(12)).isEqualTo(n);
    assertThat(line.group(6)).isEqualTo("500");
    assertThat(line.group(7)).isEqualTo("100");
    assertThat(line.group(8)).isEqualTo("25");
    assertThat(Long.parseLong(line.group(9))).isEqualTo(r.p50Millis());
    assertThat(Long.parseLong(line.group(10))).isEqualTo(r.p99Millis());
    double consumer = Double.parseDouble(line.group(3));
    assertThat(consumer).isCloseTo(r.consumerRate(), org.assertj.core.api.Assertions.within(0.5));
    assertThat(Double.parseDouble(line.group(4))).isCloseTo(r.ingestRate(),
        org.assertj.core.api.Assertions.within(0.5));
    assertThat(consumer).as("a measured consumer rate").isGreaterThan(0);
    if (!line.group(13).equals("NaN")) {
      double steady = Double.parseDouble(line.group(13));
      assertThat(steady).isCloseTo(r.steadyRate(), org.assertj.core.api.Assertions.within(0.5));
      assertThat(Double.parseDouble(line.group(16))).isCloseTo(r.steadyRate() / r.consumerRate(),
          org.assertj.core.api.Assertions.within(0.0005));
      if (!line.group(14).equals("NaN")) {
        assertThat(Double.parseDouble(line.group(15))).isCloseTo(
            r.steadyRate() / r.peerSteadyRate(), org.assertj.core.api.Assertions.within(0.005));
      }
    }
    // the scratch home keeps the bench out of the real tables
    assertThat(CatalogFactory.open(CarelakeConfig.load(home, Map.of()))
        .tableExists(CatalogFactory.identifier(Tables.RAW_VISITS))).isFalse();
  }
}
