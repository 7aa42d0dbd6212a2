package io.carelake.ingestion.envelope;

/**
 * A message ingestion could not land, kept byte for byte with a stable code and a message that
 * names the field at fault. Columns of {@code raw.dead_letters}.
 *
 * @param kafkaTimestampMillis the record's Kafka timestamp, null when it has none
 * @param eventId the payload's {@code event_id} when it could be read, else null
 */
public record DeadLetter(
    Provenance provenance,
    Long kafkaTimestampMillis,
    byte[] payload,
    int payloadSize,
    ErrorCode errorCode,
    String errorMessage,
    String eventId) implements ParsedMessage {}
