package io.carelake.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The patient block of an event. Visits carry every field; vitals carry only {@code resident_id}.
 * Every field but {@code resident_id} is a direct identifier or a quasi-identifier and must never
 * reach a {@code safe.*} table in clear.
 *
 * @param residentId 18-character GB 11643 resident identity number (or a source's own id for
 *     imported data)
 * @param sex GB/T 2261.1 code: 0 unknown, 1 male, 2 female, 9 unspecified
 * @param birthDate ISO-8601 date
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Patient(
    @JsonProperty("resident_id") String residentId,
    @JsonProperty("name") String name,
    @JsonProperty("sex") String sex,
    @JsonProperty("birth_date") String birthDate,
    @JsonProperty("phone") String phone,
    @JsonProperty("address") String address) {

  public static Patient idOnly(String residentId) {
    return new Patient(residentId, null, null, null, null, null);
  }
}
