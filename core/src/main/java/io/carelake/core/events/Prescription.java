package io.carelake.core.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One prescribed drug on a visit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prescription(
    @JsonProperty("drug") String drug,
    @JsonProperty("dose") String dose,
    @JsonProperty("frequency") String frequency,
    @JsonProperty("days") Integer days) {}
