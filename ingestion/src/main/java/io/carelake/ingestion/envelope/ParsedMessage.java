package io.carelake.ingestion.envelope;

/** What the envelope validator makes of one Kafka message: a raw row to land, or a dead letter. */
public sealed interface ParsedMessage permits RawVisit, RawVital, DeadLetter {

  /** Where the message came from and when ingestion saw it. */
  Provenance provenance();
}
