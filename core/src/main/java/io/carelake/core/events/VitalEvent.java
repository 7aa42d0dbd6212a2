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
 * @param recordTime optional: when the source recorded the result (a lab reporting it, a device
 *     syncing it), ISO-8601 with offset; a result drawn before an index date but recorded after it
 *     was not known at that date
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
    @JsonProperty("device_id") String deviceId,
    @JsonProperty("record_time") String recordTime) {

  public static final int SCHEMA_VERSION = 1;

  /** A measurement without a source record time. */
  public VitalEvent(int schemaVersion, String eventId, String eventTime, Patient patient,
      String facilityId, String code, Double value, String unit, String source, String deviceId) {
    this(schemaVersion, eventId, eventTime, patient, facilityId, code, value, unit, source,
        deviceId, null);
  }
}
