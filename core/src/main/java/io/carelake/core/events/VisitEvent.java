package io.carelake.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A clinic visit, one Kafka message on the visits topic. Shape defined by
 * {@code carelake/schemas/visit-event.schema.json}; this type mirrors it for producers and tests.
 *
 * @param eventTime ISO-8601 with offset, e.g. {@code 2026-03-01T09:12:00+08:00}
 * @param diagnoses ICD-10 codes, e.g. {@code I10}, {@code E11.9}
 * @param recordTime optional: when the source recorded the visit (the note signed, the record
 *     closed), ISO-8601 with offset; what the pipeline knew at an instant is judged by it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VisitEvent(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("event_id") String eventId,
    @JsonProperty("event_time") String eventTime,
    @JsonProperty("patient") Patient patient,
    @JsonProperty("facility_id") String facilityId,
    @JsonProperty("clinician_id") String clinicianId,
    @JsonProperty("visit_type") String visitType,
    @JsonProperty("diagnoses") List<String> diagnoses,
    @JsonProperty("chief_complaint") String chiefComplaint,
    @JsonProperty("note") String note,
    @JsonProperty("prescriptions") List<Prescription> prescriptions,
    @JsonProperty("record_time") String recordTime) {

  public static final int SCHEMA_VERSION = 1;

  /** A visit without a source record time (sources that do not say when they recorded it). */
  public VisitEvent(int schemaVersion, String eventId, String eventTime, Patient patient,
      String facilityId, String clinicianId, String visitType, List<String> diagnoses,
      String chiefComplaint, String note, List<Prescription> prescriptions) {
    this(schemaVersion, eventId, eventTime, patient, facilityId, clinicianId, visitType, diagnoses,
        chiefComplaint, note, prescriptions, null);
  }
}
