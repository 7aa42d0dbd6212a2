package io.carelake.ingestion.envelope;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A visit whose envelope is valid, flattened to the columns of {@code raw.visits}
 * ({@code io.carelake.core.tables.TableSchemas#RAW_VISITS}): {@code patient.*} becomes
 * {@code resident_id}, {@code patient_name}, {@code sex}, {@code birth_date}, {@code phone},
 * {@code address}. Optional fields are null when absent. {@code extras}: fields the schema does not
 * know, by column name ({@link Extras}), empty when none.
 * {@code recordTime}: when the source recorded it, null when the message did not say.
 */
public record RawVisit(
    String eventId,
    Instant eventTime,
    int schemaVersion,
    String residentId,
    String patientName,
    String sex,
    LocalDate birthDate,
    String phone,
    String address,
    String facilityId,
    String clinicianId,
    String visitType,
    List<String> diagnoses,
    String chiefComplaint,
    String note,
    List<PrescriptionLine> prescriptions,
    Provenance provenance,
    Map<String, String> extras,
    Instant recordTime) implements ParsedMessage {

  /** One element of {@code prescriptions}. */
  public record PrescriptionLine(String drug, String dose, String frequency, Integer days) {}
}
