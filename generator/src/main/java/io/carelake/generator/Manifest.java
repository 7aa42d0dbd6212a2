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

  /**
   * One disease's course for one patient: {@code prevalent} (diagnosed before the period, dates
   * unknown), {@code incident} (the marker drifts from {@code drift_start}, the diagnosis visit is
   * on {@code diagnosis_date}, both clinic-local dates) or {@code never}.
   */
  public record Course(
      @JsonProperty("status") String status,
      @JsonProperty("drift_start") String driftStart,
      @JsonProperty("diagnosis_date") String diagnosisDate) {

    static Course of(DiseaseCourse c, java.time.LocalDate start) {
      if (!c.present()) {
        return new Course("never", null, null);
      }
      if (c.prevalent()) {
        return new Course("prevalent", null, null);
      }
      return new Course("incident", start.plusDays(c.driftStart()).toString(),
          start.plusDays(c.diagnosisDay()).toString());
    }
  }

  /** The ground truth of one patient who has (or develops) hypertension or type 2 diabetes. */
  public record PatientCourse(
      @JsonProperty("resident_id") String residentId,
      @JsonProperty("hypertension") Course hypertension,
      @JsonProperty("type2_diabetes") Course type2Diabetes) {}

  /**
   * Ground truth of the disease courses, for patients with either disease: what a cohort's
   * prevalence exclusion and outcome labels are checked against. Written here only, never sent to
   * Kafka, so nothing downstream can read it. (Synthetic resident ids: the manifest is a test
   * artefact of the generator, like the events it describes.)
   */
  @JsonProperty("disease_courses") public final java.util.List<PatientCourse> diseaseCourses =
      new java.util.ArrayList<>();

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
