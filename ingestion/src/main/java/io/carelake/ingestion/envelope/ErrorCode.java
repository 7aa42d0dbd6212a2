package io.carelake.ingestion.envelope;

/**
 * Why a Kafka message became a dead letter. The names are a contract: they are stored in
 * {@code raw.dead_letters.error_code}, counted by reports and matched by tests, so never rename one.
 */
public enum ErrorCode {
  /** The payload is larger than {@link EnvelopeValidator#MAX_PAYLOAD_BYTES}. */
  OVERSIZED,
  /** The payload is not valid UTF-8. */
  NOT_UTF8,
  /** The payload is not one well-formed JSON value (truncated, garbled, empty, duplicate keys). */
  NOT_JSON,
  /** Well-formed JSON, but not an object. */
  NOT_AN_OBJECT,
  /** {@code schema_version} is not one this ingestion understands. */
  UNKNOWN_SCHEMA_VERSION,
  /** A required field is absent, null or empty. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (or a date that is not YYYY-MM-DD). */
  WRONG_TYPE,
  /** {@code event_time} is not ISO-8601 with an offset. */
  BAD_EVENT_TIME,
  /** {@code event_time} is more than {@link EnvelopeValidator#MAX_FUTURE_SKEW} after ingest time. */
  FUTURE_EVENT_TIME,
  /**
   * {@code event_time} is before {@link EnvelopeValidator#EARLIEST_EVENT_TIME}: a default or
   * sentinel date (0001-01-01, 1900-01-01) rather than when care happened; landed, it would sit in a
   * day partition no governance interval reads.
   */
  PAST_EVENT_TIME,
  /**
   * A field the schema does not know cannot become a column: its name is not a valid column name,
   * or it would land in a column that already has another meaning (see {@link Extras}).
   */
  UNSUPPORTED_FIELD,
  /**
   * The optional {@code record_time} is not ISO-8601 with an offset, or more than
   * {@link EnvelopeValidator#MAX_FUTURE_SKEW} after ingest time.
   */
  BAD_RECORD_TIME,
  /**
   * The message's unknown fields would take its raw table past {@code ingest.max-extra-columns}
   * distinct producer-added columns (see {@code flink.ExtraColumnCap}).
   */
  TOO_MANY_EXTRA_COLUMNS;

  /**
   * Whether {@link EnvelopeValidator} gives this code from the message alone; the others depend
   * on what the tables already hold and are given by the parse step.
   */
  public boolean fromEnvelope() {
    return this != TOO_MANY_EXTRA_COLUMNS;
  }
}
