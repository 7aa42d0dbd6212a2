package io.carelake.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.events.Codes;
import io.carelake.core.events.Patient;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka traffic of {@code bench ingest} ({@link IngestBench}): the events it produces (as fast
 * as Kafka takes them, or at a steady rate for the latency phase), each partition's produce
 * timestamps by offset, and the bare consumer it compares ingestion with.
 */
final class BenchTraffic {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A synthetic resident id with a valid GB 11643 check character (not a real person). */
  private static final String RESIDENT = "110105194912310021";

  private BenchTraffic() {}

  /**
   * Produces {@code events} valid events (half visits, half vitals) as fast as Kafka takes them;
   * {@code produced} gets each partition's produce timestamps by offset.
   */
  static void produce(Properties kafkaProps, IngestSettings settings, int events,
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
    Sent sent = new Sent();
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
            value), sent);
      }
      producer.flush();
    }
    sent.timestamps(produced);
  }

  /** Produces {@code n} events at {@code rate}/s; {@code produced} as {@link #produce}. */
  static void produceSteady(Properties kafkaProps, IngestSettings settings, int n, double rate,
      Map<TopicPartition, long[]> produced) throws Exception {
    Properties props = new Properties();
    props.putAll(kafkaProps);
    props.put("acks", "all");
    props.put("linger.ms", "0");
    Patient patient = Patient.idOnly(RESIDENT);
    Instant base = Instant.now().minusSeconds(3600);
    Sent sent = new Sent();
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
            value), sent);
      }
      producer.flush();
    }
    sent.timestamps(produced);
  }

  /** A bare consumer reading {@code partitions} from the beginning to the end: messages read. */
  static long consumeAll(Properties kafkaProps, List<String> topics,
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

  /** What the sends came back with: each record's metadata, or a failure. */
  private static final class Sent implements Callback {

    private final List<RecordMetadata> records = new ArrayList<>();
    private volatile Exception failure;

    @Override
    public void onCompletion(RecordMetadata m, Exception e) {
      if (e != null) {
        failure = e;
      } else {
        synchronized (records) {
          records.add(m);
        }
      }
    }

    /**
     * Puts each partition's produce timestamps by offset (-1 where nothing was sent) into
     * {@code produced}; throws a send's failure instead, if there was one.
     */
    void timestamps(Map<TopicPartition, long[]> produced) throws Exception {
      if (failure != null) {
        throw failure;
      }
      synchronized (records) {
        Map<TopicPartition, Integer> sizes = new HashMap<>();
        for (RecordMetadata m : records) {
          sizes.merge(new TopicPartition(m.topic(), m.partition()), (int) m.offset() + 1,
              Math::max);
        }
        sizes.forEach((tp, n) -> {
          long[] ts = new long[n];
          Arrays.fill(ts, -1);
          produced.put(tp, ts);
        });
        for (RecordMetadata m : records) {
          produced.get(new TopicPartition(m.topic(), m.partition()))[(int) m.offset()] =
              m.timestamp();
        }
      }
    }
  }
}
