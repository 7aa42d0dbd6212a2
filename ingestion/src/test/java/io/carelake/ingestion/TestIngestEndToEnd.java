package io.carelake.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.core.events.Patient;
import io.carelake.core.events.Prescription;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded ingest job end to end on real components: an in-process KRaft Kafka broker, the
 * Flink local mini cluster that {@code IngestJob}'s plain {@code main} uses, and an Iceberg JDBC
 * catalog on a SQLite file in a temporary home.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TestIngestEndToEnd {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VISITS = CarelakeConfig.KAFKA_TOPIC_VISITS_DEFAULT;
  private static final String VITALS = CarelakeConfig.KAFKA_TOPIC_VITALS_DEFAULT;
  private static final String RESIDENT = "110105194912310021";

  @TempDir static Path home;
  private static KafkaClusterTestKit kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestBrokers.start(home.resolve("kafka"));
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(VISITS, 2, (short) 1),
          new NewTopic(VITALS, 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }
    CarelakeConfig.load(home.resolve("home"), Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers())
        .withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, "300")
        .withSaved(CarelakeConfig.INGEST_PARALLELISM, "2");
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Path carelakeHome() {
    return home.resolve("home");
  }

  /** A message as published: topic, partition, offset and the exact bytes. */
  record Published(String topic, int partition, long offset, byte[] bytes) {}

  private static byte[] visit(String eventId, String eventTime) throws Exception {
    return JSON.writeValueAsBytes(new VisitEvent(1, eventId, eventTime,
        new Patient(RESIDENT, "张伟", "1", "1949-12-31", "13812345678", "北京市东城区和平里街道1号"),
        "F001", "C001", "outpatient", List.of("I10"), "头晕三天", "患者头晕三天。",
        List.of(new Prescription("氨氯地平", "5 mg", "qd", 30))));
  }

  private static byte[] vital(String eventId, String eventTime, double value) throws Exception {
    return JSON.writeValueAsBytes(new VitalEvent(1, eventId, eventTime, Patient.idOnly(RESIDENT),
        "F001", Codes.LOINC_SYSTOLIC_BP, value, "mm[Hg]", Codes.SOURCE_CLINIC, null));
  }

  private static List<Published> publish(List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Properties props = kafka.clientProperties();
    props.put("acks", "all");
    List<Published> published = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        RecordMetadata m = producer.send(r).get(30, TimeUnit.SECONDS);
        published.add(new Published(m.topic(), m.partition(), m.offset(), r.value()));
      }
    }
    return published;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static int ingest(StringBuilder output) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = IngestJob.run(out, "--home", carelakeHome().toString(), "--bounded");
    }
    output.append(bytes.toString(StandardCharsets.UTF_8));
    System.out.print(output);
    return code;
  }

  private static List<Record> rows(TableName name) throws Exception {
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(carelakeHome(), Map.of()));
    Table table = catalog.loadTable(CatalogFactory.identifier(name));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(rows::add);
    }
    return rows;
  }

  private static byte[] bytes(Object binary) {
    ByteBuffer buffer = ((ByteBuffer) binary).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void boundedRunsLandGoodEventsDeadLetterBadOnesDropDuplicatesAndReconcile() throws Exception {
    String t = "2025-03-0%dT09:%02d:00+08:00";
    List<ProducerRecord<byte[], byte[]>> good = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      good.add(record(VISITS, "v-" + i, visit("v-" + i, String.format(t, i, i))));
    }
    for (int i = 1; i <= 5; i++) {
      good.add(record(VITALS, "s-" + i, vital("s-" + i, String.format(t, i % 3 + 1, i), 120 + i)));
    }
    byte[] notJson = "{\"schema_version\":1,\"event_id\":\"v-x\",".getBytes(StandardCharsets.UTF_8);
    byte[] notUtf8 = vital("s-bad-utf8", "2025-03-01T10:00:00+08:00", 130);
    notUtf8[notUtf8.length - 3] = (byte) 0xC3;
    notUtf8[notUtf8.length - 2] = (byte) 0x28;
    byte[] missing = JSON.writeValueAsBytes(
        ((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
            visit("v-missing", "2025-03-01T10:00:00+08:00"))).without("facility_id"));
    byte[] wrongType = new String(vital("s-wrong", "2025-03-01T10:00:00+08:00", 131),
        StandardCharsets.UTF_8).replace("131.0", "\"131\"").getBytes(StandardCharsets.UTF_8);
    byte[] badTime = visit("v-badtime", "2025-03-01 10:00");
    List<ProducerRecord<byte[], byte[]>> bad = List.of(
        record(VISITS, "x1", notJson), record(VITALS, "x2", notUtf8),
        record(VISITS, "x3", missing), record(VITALS, "x4", wrongType),
        record(VISITS, "x5", badTime));
    // a redelivery of v-2: same event id, same bytes, published again
    List<ProducerRecord<byte[], byte[]>> duplicate =
        List.of(record(VISITS, "v-2", visit("v-2", String.format(t, 2, 2))));
    List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(good);
    all.addAll(bad);
    all.addAll(duplicate);
    List<Published> published = publish(all);
    Map<String, Published> badByKey = new HashMap<>();
    for (int i = 0; i < bad.size(); i++) {
      badByKey.put(new String(bad.get(i).key(), StandardCharsets.UTF_8),
          published.get(good.size() + i));
    }

    // ---- first bounded run: everything published
    StringBuilder first = new StringBuilder();
    assertThat(ingest(first)).as(first.toString()).isZero();
    assertThat(first.toString())
        .contains("15 new messages")
        .contains("SUCCEEDED")
        .contains("15 messages in, 9 rows out (4 visits, 5 vitals), 6 set aside"
            + " (5 dead letters, 1 duplicates)");

    List<Record> visits = rows(Tables.RAW_VISITS);
    assertThat(visits).extracting(r -> r.getField("event_id"))
        .containsExactlyInAnyOrder("v-1", "v-2", "v-3", "v-4");
    Record v3 = visits.stream().filter(r -> r.getField("event_id").equals("v-3")).findFirst()
        .orElseThrow();
    assertThat(v3.getField("event_time"))
        .isEqualTo(OffsetDateTime.parse("2025-03-03T01:03:00Z"));
    assertThat(v3.getField("resident_id")).isEqualTo(RESIDENT);
    assertThat(v3.getField("patient_name")).isEqualTo("张伟");
    assertThat(v3.getField("kafka_topic")).isEqualTo(VISITS);
    assertThat(v3.getField("ingest_time")).isNotNull();
    assertThat(v3.getField("diagnoses")).isEqualTo(List.of("I10"));
    assertThat((List<?>) v3.getField("prescriptions")).hasSize(1);

    List<Record> vitals = rows(Tables.RAW_VITALS);
    assertThat(vitals).extracting(r -> r.getField("event_id"))
        .containsExactlyInAnyOrder("s-1", "s-2", "s-3", "s-4", "s-5");
    assertThat(vitals).extracting(r -> r.getField("value"))
        .containsExactlyInAnyOrder(121.0, 122.0, 123.0, 124.0, 125.0);

    // the tables are partitioned by day(event_time): 3 days of visits -> at least 3 files
    Table visitsTable = CatalogFactory.open(CarelakeConfig.load(carelakeHome(), Map.of()))
        .loadTable(CatalogFactory.identifier(Tables.RAW_VISITS));
    assertThat(visitsTable.spec().fields().stream().map(f -> f.transform().toString()).toList())
        .containsExactly("day");

    List<Record> dead = rows(Tables.RAW_DEAD_LETTERS);
    Map<String, Record> deadByCode = dead.stream().collect(Collectors.toMap(
        r -> (String) r.getField("error_code"), r -> r));
    assertThat(deadByCode.keySet()).containsExactlyInAnyOrder(
        "NOT_JSON", "NOT_UTF8", "MISSING_FIELD", "WRONG_TYPE", "BAD_EVENT_TIME");
    Map<String, String> keyByCode = Map.of("NOT_JSON", "x1", "NOT_UTF8", "x2",
        "MISSING_FIELD", "x3", "WRONG_TYPE", "x4", "BAD_EVENT_TIME", "x5");
    keyByCode.forEach((code, key) -> {
      Record r = deadByCode.get(code);
      Published p = badByKey.get(key);
      assertThat(bytes(r.getField("payload"))).as(code + " payload").isEqualTo(p.bytes());
      assertThat(r.getField("payload_size")).isEqualTo(p.bytes().length);
      assertThat(r.getField("kafka_topic")).as(code).isEqualTo(p.topic());
      assertThat(r.getField("kafka_partition")).as(code).isEqualTo(p.partition());
      assertThat(r.getField("kafka_offset")).as(code).isEqualTo(p.offset());
      assertThat((String) r.getField("error_message")).as(code).isNotBlank();
      assertThat(r.getField("kafka_timestamp")).as(code).isNotNull();
      assertThat(r.getField("ingest_time")).as(code).isNotNull();
    });
    assertThat(deadByCode.get("MISSING_FIELD").getField("error_message"))
        .isEqualTo("missing required field 'facility_id'");
    assertThat(deadByCode.get("MISSING_FIELD").getField("event_id")).isEqualTo("v-missing");
    assertThat(deadByCode.get("WRONG_TYPE").getField("error_message"))
        .isEqualTo("field 'value' must be a number, got a string");
    assertThat((String) deadByCode.get("BAD_EVENT_TIME").getField("error_message"))
        .contains("event_time");

    List<Record> runs = ingestRuns();
    assertThat(runs).hasSize(1);
    Record run1 = runs.get(0);
    assertThat(run1.getField("status")).isEqualTo("SUCCEEDED");
    assertThat(run1.getField("rows_in")).isEqualTo(15L);
    assertThat(run1.getField("rows_out")).isEqualTo(9L);
    assertThat(run1.getField("rows_set_aside")).isEqualTo(6L);
    @SuppressWarnings("unchecked")
    Map<String, Long> counts = (Map<String, Long>) run1.getField("counts");
    assertThat(counts).containsEntry("consumed", 15L).containsEntry("visits", 4L)
        .containsEntry("vitals", 5L).containsEntry("dead_letters", 5L)
        .containsEntry("duplicates", 1L);
    assertThat(counts.get("consumed")).isEqualTo(counts.get("visits") + counts.get("vitals")
        + counts.get("dead_letters") + counts.get("duplicates"));
    @SuppressWarnings("unchecked")
    Map<String, Long> outputs = (Map<String, Long>) run1.getField("output_snapshots");
    assertThat(outputs).containsKeys("raw.visits", "raw.vitals", "raw.dead_letters");
    assertThat(outputs.get("raw.visits")).isEqualTo(visitsTable.currentSnapshot().snapshotId());

    // the consumer group's offsets now point at the end of every partition
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin
          .listConsumerGroupOffsets(CarelakeConfig.KAFKA_CONSUMER_GROUP_DEFAULT)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      assertThat(total).isEqualTo(15L);
    }

    // ---- second bounded run right after: nothing new
    StringBuilder second = new StringBuilder();
    assertThat(ingest(second)).as(second.toString()).isZero();
    assertThat(second.toString()).contains("0 new messages")
        .contains("0 messages in, 0 rows out (0 visits, 0 vitals), 0 set aside");
    assertThat(rows(Tables.RAW_VISITS)).hasSize(4);
    assertThat(rows(Tables.RAW_VITALS)).hasSize(5);
    assertThat(rows(Tables.RAW_DEAD_LETTERS)).hasSize(5);
    runs = ingestRuns();
    assertThat(runs).hasSize(2);
    Record run2 = runs.get(1);
    assertThat(run2.getField("status")).isEqualTo("SUCCEEDED");
    assertThat(run2.getField("rows_in")).isEqualTo(0L);
    assertThat(run2.getField("rows_out")).isEqualTo(0L);
    assertThat(run2.getField("rows_set_aside")).isEqualTo(0L);
    assertThat(run2.getField("run_id")).isNotEqualTo(run1.getField("run_id"));

    // ---- a third run picks up only what was published since, from the committed offsets
    publish(List.of(record(VISITS, "v-5", visit("v-5", "2025-03-05T08:00:00+08:00")),
        record(VITALS, "s-6", vital("s-6", "2025-03-05T08:05:00+08:00", 140)),
        record(VITALS, "s-6", vital("s-6", "2025-03-05T08:05:00+08:00", 140))));
    StringBuilder third = new StringBuilder();
    assertThat(ingest(third)).as(third.toString()).isZero();
    assertThat(third.toString()).contains("3 new messages")
        .contains("3 messages in, 2 rows out (1 visits, 1 vitals), 1 set aside"
            + " (0 dead letters, 1 duplicates)");
    assertThat(rows(Tables.RAW_VISITS)).extracting(r -> r.getField("event_id"))
        .containsExactlyInAnyOrder("v-1", "v-2", "v-3", "v-4", "v-5");
    assertThat(rows(Tables.RAW_VITALS)).hasSize(6);
    assertThat(rows(Tables.RAW_DEAD_LETTERS)).hasSize(5);
    runs = ingestRuns();
    assertThat(runs).hasSize(3);
    assertThat(runs.get(2).getField("rows_in")).isEqualTo(3L);
    assertThat(runs.get(2).getField("rows_out")).isEqualTo(2L);
    assertThat(runs.get(2).getField("rows_set_aside")).isEqualTo(1L);
  }

  @Test
  void aMissingTopicFailsTheRunWithExitOneAndRecordsIt() throws Exception {
    Path other = home.resolve("home-missing-topic");
    CarelakeConfig.load(other, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers())
        .withSaved(CarelakeConfig.KAFKA_TOPIC_VISITS, "no.such.topic")
        .withSaved(CarelakeConfig.KAFKA_CONSUMER_GROUP, "carelake-ingest-missing");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = IngestJob.run(out, "--home", other.toString(), "--bounded");
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(output).isEqualTo(IngestJob.EXIT_FAILED);
    assertThat(output).contains("FAILED").contains("does not exist")
        .contains("kafka.topic.visits").doesNotContain("\tat ");
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(other, Map.of()));
    List<Record> runs = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(
        catalog.loadTable(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS))).build()) {
      it.forEach(runs::add);
    }
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).getField("status")).isEqualTo("FAILED");
    assertThat((String) runs.get(0).getField("message")).contains("no.such.topic");
  }

  private static List<Record> ingestRuns() throws Exception {
    List<Record> runs = new ArrayList<>(rows(Tables.GOVERNANCE_RUNS));
    runs.removeIf(r -> !"ingest".equals(r.getField("job")));
    runs.sort(Comparator.comparing(r -> (OffsetDateTime) r.getField("started_at")));
    return runs;
  }
}
