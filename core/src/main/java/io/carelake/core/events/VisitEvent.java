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
    @JsonProperty("prescriptions") List<Prescription> prescriptions) {

  public static final int SCHEMA_VERSION = 1;
}
