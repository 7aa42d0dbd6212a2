package io.carelake.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.Completeness;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across failures, on real components (in-process KRaft broker, Flink, Iceberg JDBC
 * catalog on SQLite): the job's own JVM killed with {@code kill -9} at random points and restarted
 * with the same command; a restart without any Flink state over tables that already hold rows
 * (with a lost Kafka offset commit and a lost Iceberg commit); late events and dedup across
 * bounded runs.
 */
class TestIngestRecovery {

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

  static Path newHome(String name, String checkpointMs) throws Exception {
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
        .withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, checkpointMs)
        .withSaved(CarelakeConfig.INGEST_PARALLELISM, "2")
        .withSaved(IngestSettings.MAX_OUT_OF_ORDERNESS, "300000");
    return home;
  }

  static byte[] visit(String id, String time) {
    return ("{\"schema_version\":1,\"event_id\":\"" + id + "\",\"event_time\":\"" + time + "\","
        + "\"patient\":{\"resident_id\":\"" + RESIDENT + "\",\"name\":\"张伟\",\"sex\":\"1\"},"
        + "\"facility_id\":\"F001\",\"visit_type\":\"outpatient\",\"diagnoses\":[\"I10\"]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] vital(String id, String time) {
    return ("{\"schema_version\":1,\"event_id\":\"" + id + "\",\"event_time\":\"" + time + "\","
        + "\"patient\":{\"resident_id\":\"" + RESIDENT + "\"},\"facility_id\":\"F001\","
        + "\"code\":\"8480-6\",\"value\":128.0,\"unit\":\"mm[Hg]\",\"source\":\"clinic\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  static void publish(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties props = kafka.clientProperties();
    props.put("acks", "all");
    props.put("linger.ms", "5");
    props.put("batch.size", "262144");
    props.put("compression.type", "lz4");
    Exception[] failure = new Exception[1];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r, (m, e) -> {
          if (e != null) {
            failure[0] = e;
          }
        });
      }
      producer.flush();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
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

  static long totalRecords(Path home, TableName name) {
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
    if (!catalog.tableExists(CatalogFactory.identifier(name))) {
      return 0;
    }
    Snapshot s = catalog.loadTable(CatalogFactory.identifier(name)).currentSnapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
  }

  static String ingestBounded(Path home) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = IngestJob.run(out, "--home", home.toString(), "--bounded");
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(code).as(text).isZero();
    return text;
  }

  static void deleteCheckpoints(Path home) throws IOException {
    Path checkpoints = Path.of(java.net.URI.create(CarelakeConfig.load(home, Map.of())
        .get(CarelakeConfig.INGEST_CHECKPOINT_DIR)));
    if (Files.exists(checkpoints)) {
      try (Stream<Path> walk = Files.walk(checkpoints)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    assertThat(checkpoints).doesNotExist();
  }

  /** Sets the group's committed offsets of every partition of {@code name}'s topics to 0. */
  static void resetOffsetsToZero(String name) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
    for (String topic : List.of(name + ".visits", name + ".vitals")) {
      for (int p = 0; p < 2; p++) {
        zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
      }
    }
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.alterConsumerGroupOffsets("group-" + name, zero).all().get(30, TimeUnit.SECONDS);
    }
  }

  static Map<String, Integer> countIds(List<Record> rows) {
    Map<String, Integer> counts = new HashMap<>();
    rows.forEach(r -> counts.merge((String) r.getField("event_id"), 1, Integer::sum));
    return counts;
  }

  // ------------------------------------------------------------------------------------------
  // (b) kill -9 at random points, restart with the same command

  /** The same command {@code bin/carelake ingest} runs: a JVM with the module's classpath. */
  static Process startIngestProcess(Path home, Path log) throws IOException {
    return startIngestProcess(home, log, List.of(), List.of());
  }

  /** As above, with more JVM options and job arguments (e.g. {@code --bounded}). */
  static Process startIngestProcess(Path home, Path log, List<String> jvmOptions,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx640m");
    cmd.addAll(jvmOptions);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")
          || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dio.netty")
          || arg.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")));
    cmd.add(IngestJob.class.getName());
    cmd.add("--home");
    cmd.add(home.toString());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void killNineAtRandomPointsAndRestartingNeitherLosesNorDuplicatesAnEvent() throws Exception {
    Path home = newHome("kill", "1000");
    int events = 100_000;
    Random random = new Random(20261129L);
    Instant base = Instant.parse("2025-03-01T00:00:00Z");
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events + 1_200);
    Set<String> visitIds = new HashSet<>();
    Set<String> vitalIds = new HashSet<>();
    for (int i = 0; i < events; i++) {
      String time = OffsetDateTime.ofInstant(base.plusSeconds(i * 13L), ZoneOffset.UTC).toString();
      if (i % 2 == 0) {
        String id = "kv-" + i;
        visitIds.add(id);
        records.add(record("kill.visits", "k" + i, visit(id, time)));
      } else {
        String id = "ks-" + i;
        vitalIds.add(id);
        records.add(record("kill.vitals", "k" + i, vital(id, time)));
      }
      if (i % 100 == 99) {
        // a redelivery of a random earlier event (same key, same bytes)
        ProducerRecord<byte[], byte[]> earlier = records.get(random.nextInt(records.size()));
        records.add(earlier);
      }
      if (i % 1000 == 500) {
        records.add(record("kill.visits", "bad" + i, ("{\"event_id\":\"bad-" + i)
            .getBytes(StandardCharsets.UTF_8)));
      }
    }
    int badMessages = (int) records.stream().filter(r -> new String(r.value(),
        StandardCharsets.UTF_8).startsWith("{\"event_id\":\"bad-")).count();
    publish(records);

    Path log = dir.resolve("kill-ingest.log");
    // kill points: once this many distinct rows are committed, plus a random delay so that the
    // kill lands anywhere relative to checkpoints and commits
    double[] fractions = {0.05 + 0.2 * random.nextDouble(), 0.35 + 0.2 * random.nextDouble(),
        0.65 + 0.2 * random.nextDouble()};
    List<String> kills = new ArrayList<>();
    for (double fraction : fractions) {
      long threshold = (long) (events * fraction);
      long extraDelayMs = random.nextInt(1500);
      Process p = startIngestProcess(home, log);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
      long rows = 0;
      while (rows < threshold) {
        assertThat(p.isAlive()).as("ingest exited by itself:\n" + tail(log)).isTrue();
        assertThat(System.nanoTime()).as("no progress:\n" + tail(log)).isLessThan(deadline);
        p.waitFor(200, TimeUnit.MILLISECONDS);
        rows = totalRecords(home, Tables.RAW_VISITS) + totalRecords(home, Tables.RAW_VITALS);
      }
      p.waitFor(extraDelayMs, TimeUnit.MILLISECONDS);
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      kills.add(String.format("killed at >= %,d committed rows + %d ms", threshold, extraDelayMs));
    }

    // the same command once more: it catches up; stop it once everything is committed
    Process p = startIngestProcess(home, log);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (true) {
      assertThat(p.isAlive()).as("ingest exited by itself:\n" + tail(log)).isTrue();
      assertThat(System.nanoTime()).as("did not catch up:\n" + tail(log)).isLessThan(deadline);
      long rows = totalRecords(home, Tables.RAW_VISITS) + totalRecords(home, Tables.RAW_VITALS);
      long dead = totalRecords(home, Tables.RAW_DEAD_LETTERS);
      assertThat(rows).as("more rows than events: a duplicate was written").isLessThanOrEqualTo(events);
      if (rows == events && dead >= badMessages && groupCaughtUp("kill")) {
        break;
      }
      p.waitFor(250, TimeUnit.MILLISECONDS);
    }
    p.destroyForcibly();
    p.waitFor(60, TimeUnit.SECONDS);
    System.out.println(String.join("\n", kills));

    Map<String, Integer> visits = countIds(rows(home, Tables.RAW_VISITS));
    Map<String, Integer> vitals = countIds(rows(home, Tables.RAW_VITALS));
    assertThat(visits.keySet()).isEqualTo(visitIds);
    assertThat(vitals.keySet()).isEqualTo(vitalIds);
    assertThat(visits.values()).allMatch(n -> n == 1);
    assertThat(vitals.values()).allMatch(n -> n == 1);
    List<Record> dead = rows(home, Tables.RAW_DEAD_LETTERS);
    Set<String> deadPositions = new HashSet<>();
    dead.forEach(r -> deadPositions.add(r.getField("kafka_partition") + "@"
        + r.getField("kafka_offset")));
    assertThat(dead).hasSize(badMessages);
    assertThat(deadPositions).hasSize(badMessages);
    // at least one restart resumed from a retained checkpoint of a killed process
    assertThat(Files.readString(log)).contains("restoring from checkpoint");
  }

  /** True when the group's committed offsets are at the end of every partition. */
  static boolean groupCaughtUp(String name) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin
          .listConsumerGroupOffsets("group-" + name).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
      for (String topic : List.of(name + ".visits", name + ".vitals")) {
        for (int p = 0; p < 2; p++) {
          request.put(new TopicPartition(topic, p),
              org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
      }
      var ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) {
          return false;
        }
      }
      return true;
    }
  }

  // ------------------------------------------------------------------------------------------
  // (e) restart without state

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aRestartWithoutStateNeitherLosesNorDuplicatesCommits() throws Exception {
    Path home = newHome("nostate", "300");
    String day = "2025-03-0%dT%02d:00:00Z";
    // run 0 (job J0): one visit, one dead letter
    publish(List.of(record("nostate.visits", "a", visit("v-0", String.format(day, 1, 0))),
        record("nostate.visits", "x", "nope".getBytes(StandardCharsets.UTF_8))));
    ingestBounded(home);
    long deadLettersAfterRun0 = table(home, Tables.RAW_DEAD_LETTERS).currentSnapshot()
        .snapshotId();

    // run 1 (job J1): 20 visits, 20 vitals, 3 dead letters, 1 redelivery
    List<ProducerRecord<byte[], byte[]>> batch1 = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      batch1.add(record("nostate.visits", "k" + i, visit("v-" + i, String.format(day, i % 3 + 1, i))));
      batch1.add(record("nostate.vitals", "k" + i, vital("s-" + i, String.format(day, i % 3 + 1, i))));
    }
    for (int i = 1; i <= 3; i++) {
      batch1.add(record("nostate.visits", "x" + i, ("{bad " + i).getBytes(StandardCharsets.UTF_8)));
    }
    batch1.add(record("nostate.visits", "k1", visit("v-1", String.format(day, 2, 1))));
    publish(batch1);
    assertThat(ingestBounded(home)).contains("44 messages in, 40 rows out")
        .contains("(3 dead letters, 1 duplicates)");

    // lose everything Flink knew, and more:
    // - the checkpoint directory (no savepoint, no checkpoint: a new job over the same tables)
    deleteCheckpoints(home);
    // - the Kafka offset commit (the group's offsets back at 0, as if never committed)
    resetOffsetsToZero("nostate");
    // - J1's commit to raw.dead_letters (as if the job died after committing the checkpoint to
    //   raw.visits and raw.vitals but before raw.dead_letters: three separate Iceberg commits)
    Table deadLetters = table(home, Tables.RAW_DEAD_LETTERS);
    deadLetters.manageSnapshots().rollbackTo(deadLettersAfterRun0).commit();
    assertThat(rows(home, Tables.RAW_DEAD_LETTERS)).hasSize(1);

    // more events: new ones, redeliveries of batch-1 events, dead letters
    List<ProducerRecord<byte[], byte[]>> batch2 = new ArrayList<>();
    for (int i = 21; i <= 30; i++) {
      batch2.add(record("nostate.visits", "k" + i, visit("v-" + i, String.format(day, 4, i - 20))));
      batch2.add(record("nostate.vitals", "k" + i, vital("s-" + i, String.format(day, 4, i - 20))));
    }
    batch2.add(record("nostate.visits", "k5", visit("v-5", String.format(day, 3, 5))));
    batch2.add(record("nostate.vitals", "k7", vital("s-7", String.format(day, 2, 7))));
    batch2.add(record("nostate.vitals", "y1", "[1]".getBytes(StandardCharsets.UTF_8)));
    batch2.add(record("nostate.vitals", "y2", "{x".getBytes(StandardCharsets.UTF_8)));
    publish(batch2);

    String run2 = ingestBounded(home);
    assertThat(run2).contains("no checkpoint in").contains("as of the last checkpoint");
    Map<String, Integer> visits = countIds(rows(home, Tables.RAW_VISITS));
    Map<String, Integer> vitals = countIds(rows(home, Tables.RAW_VITALS));
    Set<String> expectedVisits = new HashSet<>();
    Set<String> expectedVitals = new HashSet<>();
    for (int i = 0; i <= 30; i++) {
      expectedVisits.add("v-" + i);
      if (i > 0) {
        expectedVitals.add("s-" + i);
      }
    }
    assertThat(visits.keySet()).isEqualTo(expectedVisits);
    assertThat(visits.values()).allMatch(n -> n == 1);
    assertThat(vitals.keySet()).isEqualTo(expectedVitals);
    assertThat(vitals.values()).allMatch(n -> n == 1);
    // the dead letters whose commit was lost are landed again, each once; none twice
    List<Record> dead = rows(home, Tables.RAW_DEAD_LETTERS);
    assertThat(dead).hasSize(1 + 3 + 2);
    Set<String> positions = new HashSet<>();
    dead.forEach(r -> positions.add(r.getField("kafka_topic") + "-" + r.getField("kafka_partition")
        + "@" + r.getField("kafka_offset")));
    assertThat(positions).hasSize(6);

    // again without state, nothing lost this time: the job starts where the tables end, reads
    // only the new batch, and still recognises a redelivery of an event landed two runs ago
    deleteCheckpoints(home);
    resetOffsetsToZero("nostate");
    publish(List.of(record("nostate.visits", "k31", visit("v-31", String.format(day, 5, 1))),
        record("nostate.visits", "k31", visit("v-31", String.format(day, 5, 1))),
        record("nostate.visits", "k2", visit("v-2", String.format(day, 3, 2))),
        record("nostate.vitals", "k31", vital("s-31", String.format(day, 5, 1)))));
    String run3 = ingestBounded(home);
    // (a redelivery dropped at the very end of a partition has no row to mark its offset: it may
    // be read again, and is dropped again)
    assertThat(run3).contains("as of the last checkpoint").containsPattern("[45] new messages")
        .containsPattern("[45] messages in, 2 rows out \\(1 visits, 1 vitals\\), [23] set aside"
            + " \\(0 dead letters, [23] duplicates\\)");
    assertThat(countIds(rows(home, Tables.RAW_VISITS)).values()).allMatch(n -> n == 1)
        .hasSize(32);

    // and a normal run after that continues from the savepoint: nothing new, nothing re-read
    assertThat(ingestBounded(home)).contains("restoring from savepoint")
        .contains("0 messages in, 0 rows out");
  }

  // ------------------------------------------------------------------------------------------
  // (f) a catch-up over years of event time, in a small heap

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aBoundedCatchUpOverTwoYearsFitsInASmallHeapAndCountsNoLateEvent() throws Exception {
    Path home = newHome("years", "2000");
    // 20 patients over 735 days, published day by day as the generator does (within a day by
    // patient, so not in time order): a vital per patient and day, a visit every tenth day. The
    // previous writer (an open Parquet file per day) needed 1.9-3.1 GB after GC for 365 days, so
    // two years in 640 MiB still fails if open files grow with the days again. The 1,800-day
    // scale run (39,600 events, ~3 min): -Dcarelake.test.catch-up-days=1800 (see the README).
    LocalDate first = LocalDate.parse("2020-01-01");
    int days = Integer.getInteger("carelake.test.catch-up-days", 735);
    int patients = 20;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    long visits = 0;
    for (int day = 0; day < days; day++) {
      for (int p = 0; p < patients; p++) {
        String time = first.plusDays(day).atTime(8 + (patients - p) / 3, p).atOffset(ZoneOffset.UTC)
            .toString();
        records.add(record("years.vitals", "p" + p, vital("y-" + p + "-" + day, time)));
        if (day % 10 == p % 10) {
          records.add(record("years.visits", "p" + p, visit("yv-" + p + "-" + day, time)));
          visits++;
        }
      }
    }
    publish(records);
    Path log = home.resolve("ingest.log");
    Path gc = home.resolve("gc.log");
    // the same JVM size as the kill -9 test: 640 MiB of heap. Before the writer kept its open
    // files bounded, this catch-up ran out of a 3 GiB heap (an open Parquet file per day).
    Process p = startIngestProcess(home, log, List.of("-Xlog:gc:file=" + gc), List.of("--bounded"));
    assertThat(p.waitFor(8, TimeUnit.MINUTES)).as("finished; " + log).isTrue();
    assertThat(p.exitValue()).as(tail(log)).isZero();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(out).contains(String.format("%,d messages in, %,d rows out", records.size(),
        records.size()));
    assertThat(rows(home, Tables.RAW_VITALS)).hasSize(days * patients);
    assertThat(rows(home, Tables.RAW_VISITS)).hasSize((int) visits);
    // in a catch-up the backlog is compared with what was declared complete before (nothing):
    // its within-day disorder is not lateness
    assertThat(out).contains("raw.vitals: watermark " + first.plusDays(days - 1))
        .contains("0 late event(s)");
    assertThat(out).doesNotContain("\tat ").doesNotContain("Exception");
    System.out.printf("%,d-day catch-up: heap after GC at most %d MiB (-Xmx640m)%n", days,
        maxHeapAfterGcMiB(gc));
  }

  /** The largest heap occupancy after a collection in a {@code -Xlog:gc} file, in MiB. */
  static long maxHeapAfterGcMiB(Path gcLog) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)")
        .matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
    long max = 0;
    while (m.find()) {
      max = Math.max(max, Long.parseLong(m.group(1)));
    }
    return max;
  }

  // ------------------------------------------------------------------------------------------
  // (c) late events, and dedup across bounded runs

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void lateEventsLandInTheirOwnDayAndDedupCarriesAcrossBoundedRuns() throws Exception {
    Path home = newHome("late", "300");
    // all vitals on one partition, in this order
    publish(List.of(record("late.vitals", "p", vital("s-1", "2025-03-10T10:00:00Z")),
        record("late.vitals", "p", vital("s-2", "2025-03-10T10:30:00Z")),
        record("late.visits", "p", visit("v-1", "2025-03-10T11:00:00Z"))));
    assertThat(ingestBounded(home)).contains("3 messages in, 3 rows out");

    // a later run: a redelivery of s-1 (ingested by the previous run), a late event five days
    // back, and an out-of-order but not late one
    publish(List.of(record("late.vitals", "p", vital("s-1", "2025-03-10T10:00:00Z")),
        record("late.vitals", "p", vital("s-late", "2025-03-05T08:00:00Z")),
        record("late.vitals", "p", vital("s-3", "2025-03-10T10:27:00Z"))));
    String second = ingestBounded(home);
    assertThat(second).contains("restoring from savepoint")
        .contains("3 messages in, 2 rows out (0 visits, 2 vitals), 1 set aside"
            + " (0 dead letters, 1 duplicates)");
    Map<String, Integer> vitals = countIds(rows(home, Tables.RAW_VITALS));
    assertThat(vitals).containsOnlyKeys("s-1", "s-2", "s-3", "s-late")
        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));

    // late: behind the watermark the first run committed (10:25): s-late, and the redelivery
    // of s-1 (counted before dedup), not s-3; the watermark did not move back
    Table table = table(home, Tables.RAW_VITALS);
    Completeness.Watermark w = Completeness.latest(table).orElseThrow();
    long late = 0;
    for (org.apache.iceberg.Snapshot s : table.snapshots()) {
      late += Long.parseLong(s.summary().getOrDefault(Completeness.LATE_EVENTS, "0"));
    }
    assertThat(late).isEqualTo(2);
    assertThat(w.watermark()).isEqualTo(Instant.parse("2025-03-10T10:25:00Z"));

    // the late event sits in a data file of its own day partition, alone; no other file's
    // event_time range reaches that day
    int lateDay = (int) LocalDate.parse("2025-03-05").toEpochDay();
    int lateFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        int fileDay = task.file().partition().get(0, Integer.class);
        Long lower = Conversions.fromByteBuffer(table.schema().findType("event_time"),
            task.file().lowerBounds().get(table.schema().findField("event_time").fieldId()));
        Long upper = Conversions.fromByteBuffer(table.schema().findType("event_time"),
            task.file().upperBounds().get(table.schema().findField("event_time").fieldId()));
        assertThat(LocalDate.ofEpochDay(Math.floorDiv(lower, 86_400_000_000L)).toEpochDay())
            .isEqualTo(fileDay);
        assertThat(LocalDate.ofEpochDay(Math.floorDiv(upper, 86_400_000_000L)).toEpochDay())
            .isEqualTo(fileDay);
        if (fileDay == lateDay) {
          lateFiles++;
          assertThat(task.file().recordCount()).isEqualTo(1);
        }
      }
    }
    assertThat(lateFiles).isEqualTo(1);
    // the ingest job's own commits (not the watermark commit) added exactly the new rows
    long added = 0;
    for (Snapshot s : SnapshotUtil.ancestorsOf(table.currentSnapshot().snapshotId(),
        table::snapshot)) {
      added += Long.parseLong(s.summary().getOrDefault("added-records", "0"));
    }
    assertThat(added).isEqualTo(4);
  }

  // ------------------------------------------------------------------------------------------
  // (d) schema evolution: an optional field added mid-stream

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void anOptionalFieldAddedMidStreamBecomesANewColumnWithoutARestart() throws Exception {
    Path home = newHome("evolve", "300");
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      records.add(record("evolve.visits", "p", visit("v-" + i, "2025-03-01T0" + i + ":00:00Z")));
    }
    for (int i = 4; i <= 6; i++) {
      String json = new String(visit("v-" + i, "2025-03-01T0" + i + ":00:00Z"),
          StandardCharsets.UTF_8)
          .replace("\"sex\":\"1\"}", "\"sex\":\"1\",\"ssn\":\"999-00-000" + i
              + "\",\"passport\":\"X" + i + "\",\"drivers_license\":\"D" + i + "\"}")
          .replace("\"visit_type\"", "\"referral_source\":\"GP\",\"visit_type\"");
      records.add(record("evolve.visits", "p", json.getBytes(StandardCharsets.UTF_8)));
    }
    records.add(record("evolve.vitals", "q", vital("s-1", "2025-03-01T01:00:00Z")));
    records.add(record("evolve.vitals", "q", new String(vital("s-2", "2025-03-01T02:00:00Z"),
        StandardCharsets.UTF_8).replace("\"source\"", "\"device_model\":\"M3\",\"source\"")
        .getBytes(StandardCharsets.UTF_8)));
    // breaking changes: a newer schema version, a known field with another type
    records.add(record("evolve.visits", "p", new String(visit("v-7", "2025-03-01T07:00:00Z"),
        StandardCharsets.UTF_8).replace("\"schema_version\":1", "\"schema_version\":2")
        .getBytes(StandardCharsets.UTF_8)));
    records.add(record("evolve.vitals", "q", new String(vital("s-3", "2025-03-01T03:00:00Z"),
        StandardCharsets.UTF_8).replace("128.0", "\"128\"").getBytes(StandardCharsets.UTF_8)));
    publish(records);

    assertThat(ingestBounded(home)).contains("10 messages in, 8 rows out (6 visits, 2 vitals)")
        .contains("(2 dead letters, 0 duplicates)");

    Table visits = table(home, Tables.RAW_VISITS);
    for (String column : List.of("patient_ssn", "patient_passport", "patient_drivers_license",
        "referral_source")) {
      assertThat(visits.schema().findField(column)).as(column).isNotNull();
      assertThat(visits.schema().findField(column).isOptional()).isTrue();
      assertThat(visits.schema().findType(column)).isEqualTo(
          org.apache.iceberg.types.Types.StringType.get());
    }
    Map<String, Record> byId = new HashMap<>();
    rows(home, Tables.RAW_VISITS).forEach(r -> byId.put((String) r.getField("event_id"), r));
    assertThat(byId).containsOnlyKeys("v-1", "v-2", "v-3", "v-4", "v-5", "v-6");
    for (int i = 1; i <= 3; i++) {
      assertThat(byId.get("v-" + i).getField("patient_ssn")).isNull();
      assertThat(byId.get("v-" + i).getField("referral_source")).isNull();
    }
    for (int i = 4; i <= 6; i++) {
      Record r = byId.get("v-" + i);
      assertThat(r.getField("patient_ssn")).isEqualTo("999-00-000" + i);
      assertThat(r.getField("patient_passport")).isEqualTo("X" + i);
      assertThat(r.getField("patient_drivers_license")).isEqualTo("D" + i);
      assertThat(r.getField("referral_source")).isEqualTo("GP");
      assertThat(r.getField("patient_name")).isEqualTo("张伟");
    }
    Table vitals = table(home, Tables.RAW_VITALS);
    Map<String, Object> models = new HashMap<>();
    rows(home, Tables.RAW_VITALS).forEach(r -> models.put((String) r.getField("event_id"),
        String.valueOf(r.getField("device_model"))));
    assertThat(models).containsEntry("s-1", "null").containsEntry("s-2", "M3");
    assertThat(vitals.schema().findField("patient_ssn")).isNull();

    // one Flink job wrote every row: the columns were added without a restart
    Set<String> jobs = new HashSet<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(visits.currentSnapshot().snapshotId(),
        visits::snapshot)) {
      if (Long.parseLong(s.summary().getOrDefault("added-records", "0")) > 0) {
        jobs.add(s.summary().get("flink.job-id"));
      }
    }
    assertThat(jobs).hasSize(1);
    // an old reader (the columns it knows) still reads every row
    List<Record> old = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(visits)
        .select(io.carelake.core.tables.TableSchemas.RAW_VISITS.columns().stream()
            .map(org.apache.iceberg.types.Types.NestedField::name).toList())
        .build()) {
      it.forEach(old::add);
    }
    assertThat(old).hasSize(6);

    List<Record> dead = rows(home, Tables.RAW_DEAD_LETTERS);
    assertThat(dead).extracting(r -> r.getField("error_code"))
        .containsExactlyInAnyOrder("UNKNOWN_SCHEMA_VERSION", "WRONG_TYPE");
  }
}
