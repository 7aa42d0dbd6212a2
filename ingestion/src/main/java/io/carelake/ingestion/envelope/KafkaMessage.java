package io.carelake.ingestion.envelope;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record as ingestion received it: where it came from and its value bytes, unchanged.
 * A plain mutable class with a public no-argument constructor so that Flink serialises it as a
 * POJO rather than through Kryo.
 */
public final class KafkaMessage {

  public String topic;
  public int partition;
  public long offset;
  /** The record's Kafka timestamp in epoch milliseconds, or null when the record has none. */
  public Long timestampMillis;
  /** The record value, byte for byte; null for a tombstone. */
  public byte[] payload;

  public KafkaMessage() {}

  public KafkaMessage(String topic, int partition, long offset, Long timestampMillis,
      byte[] payload) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestampMillis = timestampMillis;
    this.payload = payload;
  }

  public int payloadSize() {
    return payload == null ? 0 : payload.length;
  }

  /** {@code topic-partition@offset}, for messages and logs (never the payload: it may hold PHI). */
  public String position() {
    return topic + "-" + partition + "@" + offset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaMessage m && partition == m.partition && offset == m.offset
        && Objects.equals(topic, m.topic) && Objects.equals(timestampMillis, m.timestampMillis)
        && Arrays.equals(payload, m.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return "KafkaMessage[" + position() + ", " + payloadSize() + " bytes]";
  }
}
