package io.carelake.ingestion.envelope;

import java.time.Instant;

/** The Kafka coordinates of a message and the time ingestion first parsed it. */
public record Provenance(String topic, int partition, long offset, Instant ingestTime) {

  public static Provenance of(KafkaMessage message, Instant ingestTime) {
    return new Provenance(message.topic, message.partition, message.offset, ingestTime);
  }
}
