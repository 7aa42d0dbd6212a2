package io.carelake.features;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-built safe.visits and safe.vitals, created with Spark in the shapes deidentify writes. Times
 * are UTC ({@code yyyy-MM-dd HH:mm:ss}); the ingest time defaults to the event time.
 */
final class SafeFixture {

  private final List<String> visits = new ArrayList<>();
  private final List<String> vitals = new ArrayList<>();
  private int seq;

  SafeFixture visit(String patient, String eventTime, String ingestTime, String sex, int birthYear,
      String... diagnoses) {
    String dx = diagnoses.length == 0 ? "CAST(array() AS array<string>)" : "array(" + java.util.Arrays.stream(diagnoses)
        .map(d -> "'" + d + "'").collect(Collectors.joining(", ")) + ")";
    visits.add(String.format("('v%d', '%s', 'k1', TIMESTAMP '%s', TIMESTAMP '%s', '%s', %d, %d, "
            + "'F001', 'outpatient', %s, 'scrubbed', 'scrubbed', NULL)",
        seq++, patient, eventTime, ingestTime, sex, birthYear, 2025 - birthYear, dx));
    return this;
  }

  SafeFixture visit(String patient, String eventTime, String... diagnoses) {
    return visit(patient, eventTime, eventTime, "1", 1970, diagnoses);
  }

  SafeFixture vital(String patient, String eventTime, String ingestTime, String code, double value) {
    vitals.add(String.format(java.util.Locale.ROOT,
        "('s%d', '%s', 'k1', TIMESTAMP '%s', TIMESTAMP '%s', 'F001', '%s', %s, 'u', 'clinic')",
        seq++, patient, eventTime, ingestTime, code, Double.toString(value)));
    return this;
  }

  SafeFixture vital(String patient, String eventTime, String code, double value) {
    return vital(patient, eventTime, eventTime, code, value);
  }

  void create(SparkSession spark) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.safe");
    spark.sql("CREATE TABLE carelake.safe.visits (event_key string, patient_pseudonym string, "
        + "key_id string, event_time timestamp, ingest_time timestamp, sex string, birth_year int, "
        + "age_at_visit int, facility_id string, visit_type string, diagnoses array<string>, "
        + "chief_complaint string, note string, prescriptions array<struct<drug:string, "
        + "dose:string, frequency:string, days:int>>) USING iceberg PARTITIONED BY (days(event_time))");
    spark.sql("CREATE TABLE carelake.safe.vitals (event_key string, patient_pseudonym string, "
        + "key_id string, event_time timestamp, ingest_time timestamp, facility_id string, "
        + "code string, value double, unit string, source string) USING iceberg "
        + "PARTITIONED BY (days(event_time))");
    spark.sql("INSERT INTO carelake.safe.visits VALUES " + String.join(", ", visits));
    if (!vitals.isEmpty()) {
      spark.sql("INSERT INTO carelake.safe.vitals VALUES " + String.join(", ", vitals));
    }
  }
}
