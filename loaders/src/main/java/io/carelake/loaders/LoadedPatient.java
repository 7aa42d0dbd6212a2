package io.carelake.loaders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The patient block of a loaded visit: core's {@code Patient} fields plus the optional US
 * identifiers {@code ssn}, {@code passport} and {@code drivers_license} (schema_version stays 1:
 * optional additions keep the version). All are PHI, for governance and de-identification to see.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"resident_id", "name", "sex", "birth_date", "phone", "address", "ssn",
    "passport", "drivers_license"})
public record LoadedPatient(
    @JsonProperty("resident_id") String residentId,
    @JsonProperty("name") String name,
    @JsonProperty("sex") String sex,
    @JsonProperty("birth_date") String birthDate,
    @JsonProperty("phone") String phone,
    @JsonProperty("address") String address,
    @JsonProperty("ssn") String ssn,
    @JsonProperty("passport") String passport,
    @JsonProperty("drivers_license") String driversLicense) {}
