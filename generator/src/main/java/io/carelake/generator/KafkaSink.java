package io.carelake.generator;

import io.carelake.core.events.EventKind;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends messages to the visits and vitals topics, keyed by resident id so that each patient's
 * events stay in order on one partition. Idempotent producer with {@code acks=all}: a retry never
 * writes a message twice, so the topics hold exactly what the manifest counts.
 */
public final class KafkaSink implements MessageSink {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String visitsTopic;
  private final String vitalsTopic;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Map<String, Integer> partitions = new HashMap<>();

  public KafkaSink(String bootstrapServers, String visitsTopic, String vitalsTopic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "carelake-generate");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.visitsTopic = visitsTopic;
    this.vitalsTopic = vitalsTopic;
  }

  @Override
  public void send(EventKind kind, byte[] key, byte[] value) throws IOException {
    rethrow();
    String topic = kind == EventKind.VISIT ? visitsTopic : vitalsTopic;
    // Kafka spreads null-keyed records over partitions at random (sticky partitioner); a hash of
    // the bytes places them deterministically, so generate and publish fill partitions alike.
    Integer partition = key != null ? null
        : Math.floorMod(Arrays.hashCode(value), partitions.computeIfAbsent(topic,
            t -> producer.partitionsFor(t).size()));
    producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    });
  }

  @Override
  public void flush() throws IOException {
    producer.flush();
    rethrow();
  }

  private void rethrow() throws IOException {
    Exception e = failure.get();
    if (e != null) {
      throw new IOException("Kafka refused a message (" + e.getMessage()
          + "); is the broker running? Try `bin/carelake kafka status`.", e);
    }
  }

  @Override
  public void close() throws IOException {
    producer.close(Duration.ofSeconds(30));
    rethrow();
  }
}
