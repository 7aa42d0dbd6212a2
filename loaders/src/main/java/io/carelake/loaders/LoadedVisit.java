package io.carelake.loaders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** A visit event built from an encounter; the JSON shape of core's visit-event schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema_version", "event_id", "event_time", "patient", "facility_id",
    "visit_type", "diagnoses", "chief_complaint", "note"})
public record LoadedVisit(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("event_id") String eventId,
    @JsonProperty("event_time") String eventTime,
    @JsonProperty("patient") LoadedPatient patient,
    @JsonProperty("facility_id") String facilityId,
    @JsonProperty("visit_type") String visitType,
    @JsonProperty("diagnoses") List<String> diagnoses,
    @JsonProperty("chief_complaint") String chiefComplaint,
    @JsonProperty("note") String note) {}
