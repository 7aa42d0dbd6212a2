package io.carelake.generator;

import io.carelake.core.events.EventKind;

/**
 * The kinds of bad message the generator plants, each with the pipeline stage that must catch it
 * (the contract in the project brief). {@code --bad-rate} is split evenly across the kinds that
 * apply to a message; a kind that cannot apply (MIXED_UNITS to a blood pressure) is not drawn.
 */
public enum BadKind {
  /** Truncated or structurally garbled JSON (still valid UTF-8). */
  MALFORMED_JSON(Outcome.DEAD_LETTER, "NOT_JSON"),
  /** Invalid UTF-8: a visit re-encoded in GBK, or a Latin-1 byte inside a vital's facility id. */
  NOT_UTF8(Outcome.DEAD_LETTER, "NOT_UTF8"),
  /** One required envelope field removed. */
  MISSING_FIELD(Outcome.DEAD_LETTER, "MISSING_FIELD"),
  /** {@code "schema_version":"1"}, or a vital's {@code "value":"high"}. */
  WRONG_TYPE(Outcome.DEAD_LETTER, "WRONG_TYPE"),
  /** An event_time no ISO-8601 parser accepts ({@code 2025/03/01 09:12}). */
  BAD_TIMESTAMP(Outcome.DEAD_LETTER, "BAD_EVENT_TIME"),
  /** An earlier good message re-sent byte for byte (a redelivery). */
  DUPLICATE(Outcome.DUPLICATE, null),
  /** A vital with a physically impossible value (SBP 400 mm[Hg], weight -5 kg). */
  IMPOSSIBLE_VALUE(Outcome.QUARANTINE, null),
  /** A glucose reading sent in mg/dL (value x 18) instead of the canonical mmol/L. */
  MIXED_UNITS(Outcome.QUARANTINE, null),
  /** A visit whose resident id has a wrong GB 11643 check character. */
  INVALID_RESIDENT_ID(Outcome.QUARANTINE, null),
  /** A good event sent 3-9 days after its event day. */
  LATE(Outcome.CURATED, null),
  /** A good event held back behind a few later messages. */
  OUT_OF_ORDER(Outcome.CURATED, null);

  /** Where a bad message must end up. */
  public enum Outcome {
    /** ingestion writes it to raw.dead_letters with {@link #deadLetterReason()} */
    DEAD_LETTER,
    /** ingestion drops it by event_id and counts it */
    DUPLICATE,
    /** ingestion lands it; govern quarantines it */
    QUARANTINE,
    /** it is a good event: lands in raw and curated, in its own event-time day */
    CURATED
  }

  private final Outcome outcome;
  private final String deadLetterReason;

  BadKind(Outcome outcome, String deadLetterReason) {
    this.outcome = outcome;
    this.deadLetterReason = deadLetterReason;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The reason code ingestion must record in raw.dead_letters, or null if not a dead letter. */
  public String deadLetterReason() {
    return deadLetterReason;
  }

  /** Whether this kind can be planted in a message of the given stream at all. */
  public boolean appliesTo(EventKind kind) {
    return switch (this) {
      case IMPOSSIBLE_VALUE, MIXED_UNITS -> kind == EventKind.VITAL;
      case INVALID_RESIDENT_ID -> kind == EventKind.VISIT;
      default -> true;
    };
  }
}
