package io.carelake.deid;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.carelake.core.tables.TableSchemas;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg schemas of safe.visits and safe.vitals, created by deidentify before its first write
 * (partitioned by day of event time). Every column is optional, so that a later change of
 * nullability upstream never makes a write fail; the job itself never writes a null pseudonym.
 */
public final class SafeSchemas {

  public static final Schema SAFE_VISITS = new Schema(
      optional(1, "event_key", Types.StringType.get(), "hex HMAC-SHA-256(key, 'event:' + event_id)"),
      optional(2, "patient_pseudonym", Types.StringType.get(),
          "<key id>:hex HMAC-SHA-256(key, resident id)"),
      optional(3, "key_id", Types.StringType.get(), "id of the pseudonymisation key (deid.key-id)"),
      optional(4, TableSchemas.EVENT_TIME, Types.TimestampType.withZone()),
      optional(5, TableSchemas.INGEST_TIME, Types.TimestampType.withZone()),
      optional(6, "sex", Types.StringType.get(),
          "GB/T 2261.1 code; null when suppressed for k-anonymity"),
      optional(7, "birth_year", Types.IntegerType.get(), "null when age_at_visit is top-coded or"
          + " suppressed; first year of its 10-year band when generalised for k-anonymity"),
      optional(8, "age_at_visit", Types.IntegerType.get(), "whole years, top-coded at 90; null"
          + " when generalised or suppressed for k-anonymity"),
      optional(9, "facility_id", Types.StringType.get(), "the facility; its region (4 digits)"
          + " when generalised, null when suppressed for k-anonymity"),
      optional(10, "visit_type", Types.StringType.get()),
      optional(11, "diagnoses", Types.ListType.ofOptional(100, Types.StringType.get()),
          "ICD-10 codes"),
      optional(12, "chief_complaint", Types.StringType.get(), "PHI scrubbed"),
      optional(13, "note", Types.StringType.get(), "PHI scrubbed"),
      optional(14, "prescriptions", Types.ListType.ofOptional(101, Types.StructType.of(
          optional(102, "drug", Types.StringType.get()),
          optional(103, "dose", Types.StringType.get()),
          optional(104, "frequency", Types.StringType.get()),
          optional(105, "days", Types.IntegerType.get())))),
      optional(15, TableSchemas.RECORD_TIME, Types.TimestampType.withZone(),
          "when the source recorded the visit; null when it did not say"),
      optional(16, "birth_year_band_years", Types.IntegerType.get(), "width of the birth-year"
          + " band birth_year starts: 1 exact, 10 or 20 when generalised for k-anonymity; null"
          + " when birth_year is withheld"));

  public static final Schema SAFE_VITALS = new Schema(
      optional(1, "event_key", Types.StringType.get(), "hex HMAC-SHA-256(key, 'event:' + event_id)"),
      optional(2, "patient_pseudonym", Types.StringType.get(),
          "<key id>:hex HMAC-SHA-256(key, resident id)"),
      optional(3, "key_id", Types.StringType.get()),
      optional(4, TableSchemas.EVENT_TIME, Types.TimestampType.withZone()),
      optional(5, TableSchemas.INGEST_TIME, Types.TimestampType.withZone()),
      optional(6, "facility_id", Types.StringType.get()),
      optional(7, "code", Types.StringType.get(), "LOINC"),
      optional(8, "value", Types.DoubleType.get()),
      optional(9, "unit", Types.StringType.get(), "UCUM"),
      optional(10, "source", Types.StringType.get(), "clinic or home_device"),
      optional(11, TableSchemas.RECORD_TIME, Types.TimestampType.withZone(),
          "when the source recorded the result; null when it did not say"));

  public static PartitionSpec spec(Schema schema) {
    return PartitionSpec.builderFor(schema).day(TableSchemas.EVENT_TIME).build();
  }

  private SafeSchemas() {}
}
