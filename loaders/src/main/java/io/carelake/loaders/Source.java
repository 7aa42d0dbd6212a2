package io.carelake.loaders;

import java.time.Instant;

/**
 * The source-neutral records both readers produce. A FHIR bundle and a Synthea CSV export of the
 * same population read into equal records, so that the events built from them are equal too.
 */
final class Source {

  private Source() {}

  /** One patient with the identifiers and contact details the source carries (PHI). */
  record Patient(String id, String name, String sex, String birthDate, String phone,
      String address, String ssn, String passport, String driversLicense) {}

  /**
   * One encounter.
   *
   * @param classCode the encounter class as the source spells it (FHIR v3 ActCode such as
   *     {@code AMB}, or Synthea's CSV class such as {@code ambulatory})
   */
  record Encounter(String id, String patientId, Instant start, Instant end, String facilityId,
      String classCode, String typeText, String reasonCode, String reasonText, String where) {}

  /**
   * One numeric measurement (a BP panel's components are one each).
   *
   * @param value the value as written in the source (text), parsed by the mapper
   * @param recorded when the source made the result available (FHIR {@code Observation.issued}),
   *     or null when it does not say (Synthea's CSV has no such column)
   */
  record Observation(String patientId, String encounterId, Instant time, String code,
      String value, String unit, String where, Instant recorded) {}

  /**
   * One condition.
   *
   * @param system the coding system URI (SNOMED CT for Synthea)
   */
  record Condition(String patientId, String encounterId, Instant onset, String system,
      String code, String display, String where) {}

  /** Where records are handed to once read. */
  interface Records {
    void patient(Patient p);

    void encounter(Encounter e);

    void observation(Observation o);

    void condition(Condition c);

    /** A record that could not be read at all (bad date, missing reference), with the reason. */
    void unreadable(String kind, String reason, String where);

    /** A resource of a type the loader does not read (Procedure, Claim, ...): counted apart. */
    void notLoaded(String resourceType);
  }
}
