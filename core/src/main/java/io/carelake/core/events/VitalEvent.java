package io.carelake.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One vital-sign or lab measurement, one Kafka message on the vitals topic. Shape defined by
 * {@code carelake/schemas/vital-event.schema.json}.
 *
 * @param code LOINC code, e.g. {@code 8480-6} systolic blood pressure
 * @param unit UCUM unit, e.g. {@code mm[Hg]}, {@code mmol/L}, {@code %}, {@code kg/m2}
 * @param source {@code clinic} or {@code home_device}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VitalEvent(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("event_id") String eventId,
    @JsonProperty("event_time") String eventTime,
    @JsonProperty("patient") Patient patient,
    @JsonProperty("facility_id") String facilityId,
    @JsonProperty("code") String code,
    @JsonProperty("value") Double value,
    @JsonProperty("unit") String unit,
    @JsonProperty("source") String source,
    @JsonProperty("device_id") String deviceId) {

  public static final int SCHEMA_VERSION = 1;
}
