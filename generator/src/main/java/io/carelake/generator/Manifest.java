package io.carelake.generator;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.core.events.EventKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a generation run produced and where each message must end up downstream: the ground truth
 * the end-to-end test and the demo reconcile against. Counts are exact, not estimates.
 */
public final class Manifest {

  /** Counts for one stream (visits or vitals). */
  public static final class Stream {
    /** Distinct events the simulation produced (good or later damaged). */
    @JsonProperty("events") public long events;
    /** Messages sent: events plus redelivered duplicates. */
    @JsonProperty("messages") public long messages;
    /** Planted bad messages by {@link BadKind}. */
    @JsonProperty("planted") public final Map<String, Long> planted = new TreeMap<>();
    /** Rows ingestion must land in raw.* (events minus dead letters). */
    @JsonProperty("expected_raw_rows") public long expectedRawRows;
    /** Dead letters ingestion must write, by error code. */
    @JsonProperty("expected_dead_letters") public final Map<String, Long> expectedDeadLetters =
        new TreeMap<>();
    /** Redeliveries ingestion must drop and count. */
    @JsonProperty("expected_duplicates") public long expectedDuplicates;
    /** Rows governance must quarantine (the rest of raw is curated). */
    @JsonProperty("expected_quarantine") public long expectedQuarantine;

    void count(BadKind kind) {
      planted.merge(kind.name(), 1L, Long::sum);
      switch (kind.outcome()) {
        case DEAD_LETTER -> expectedDeadLetters.merge(kind.deadLetterReason(), 1L, Long::sum);
        case DUPLICATE -> expectedDuplicates++;
        case QUARANTINE -> expectedQuarantine++;
        case CURATED -> { }
      }
    }

    long deadLetters() {
      return expectedDeadLetters.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @JsonProperty("generator_version") public final String version = io.carelake.core.Version.CARELAKE;
  @JsonProperty("patients") public int patients;
  @JsonProperty("days") public int days;
  @JsonProperty("seed") public long seed;
  @JsonProperty("bad_rate") public double badRate;
  @JsonProperty("interval_start") public String intervalStart;
  @JsonProperty("interval_end") public String intervalEnd;
  /** Where the messages went: {@code kafka:<bootstrap>} or a directory. */
  @JsonProperty("destination") public String destination;
  @JsonProperty("visits") public final Stream visits = new Stream();
  @JsonProperty("vitals") public final Stream vitals = new Stream();

  Manifest(GeneratorSettings s, String destination) {
    this.patients = s.patients();
    this.days = s.days();
    this.seed = s.seed();
    this.badRate = s.badRate();
    this.intervalStart = s.start().toString();
    this.intervalEnd = s.end().toString();
    this.destination = destination;
  }

  public Stream stream(EventKind kind) {
    return kind == EventKind.VISIT ? visits : vitals;
  }

  /** Closes the books once every message is sent. */
  void settle() {
    for (Stream s : new Stream[] {visits, vitals}) {
      s.expectedRawRows = s.events - s.deadLetters();
      s.messages = s.events + s.expectedDuplicates;
    }
  }

  public long messages() {
    return visits.messages + vitals.messages;
  }

  /** Planted kinds over both streams, for the summary line. */
  public Map<BadKind, Long> plantedByKind() {
    Map<BadKind, Long> all = new EnumMap<>(BadKind.class);
    for (Stream s : new Stream[] {visits, vitals}) {
      s.planted.forEach((k, v) -> all.merge(BadKind.valueOf(k), v, Long::sum));
    }
    return all;
  }
}
