package io.carelake.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-built safe.visits and safe.vitals in the shapes deidentify writes, created with Spark. Times
 * are UTC ({@code yyyy-MM-dd HH:mm:ss}); unless given, a fact is recorded by its source five
 * minutes after it happened and ingested a minute after that.
 */
final class SafeFixture {

  private final List<String> visits = new ArrayList<>();
  private final List<String> vitals = new ArrayList<>();
  private int seq;

  /** A visit: sex 1, born 1970 (exact year), facility F11010501. */
  Visit visit(String patient, String eventTime) {
    return new Visit(patient, eventTime);
  }

  /** One visit being described; {@link #add()} puts it in the fixture. */
  final class Visit {
    private final String patient;
    private final String eventTime;
    private String recordTime;
    private String sex = "1";
    private String birthYear = "1970";
    private String band = "1";
    private String ageAtVisit = "55";
    private String facility = "F11010501";
    private String type = "outpatient";
    private String[] diagnoses = {};
    private String[] drugs = {};

    Visit(String patient, String eventTime) {
      this.patient = patient;
      this.eventTime = eventTime;
    }

    Visit recorded(String time) {
      recordTime = time;
      return this;
    }

    Visit type(String visitType) {
      type = visitType;
      return this;
    }

    Visit dx(String... codes) {
      diagnoses = codes;
      return this;
    }

    Visit rx(String... names) {
      drugs = names;
      return this;
    }

    Visit person(String sexCode, Integer birth, int bandYears, Integer age) {
      sex = sexCode;
      birthYear = birth == null ? "NULL" : birth.toString();
      band = birth == null ? "NULL" : Integer.toString(bandYears);
      ageAtVisit = age == null ? "NULL" : age.toString();
      return this;
    }

    Visit facility(String id) {
      facility = id;
      return this;
    }

    SafeFixture add() {
      String dx = diagnoses.length == 0 ? "CAST(array() AS array<string>)" : "array("
          + Arrays.stream(diagnoses).map(d -> "'" + d + "'").collect(Collectors.joining(", ")) + ")";
      String rx = drugs.length == 0
          ? "CAST(array() AS array<struct<drug:string, dose:string, frequency:string, days:int>>)"
          : "array(" + Arrays.stream(drugs).map(d -> "named_struct('drug', '" + d
              + "', 'dose', '1 tab', 'frequency', 'qd', 'days', 30)")
              .collect(Collectors.joining(", ")) + ")";
      String recorded = recordTime == null ? "TIMESTAMP '" + eventTime + "' + INTERVAL 5 MINUTES"
          : "TIMESTAMP '" + recordTime + "'";
      visits.add(String.format(Locale.ROOT, "('v%d', '%s', 'k1', TIMESTAMP '%s', %s + INTERVAL 1"
              + " MINUTE, '%s', %s, %s, '%s', '%s', %s, 'scrubbed', 'scrubbed', %s, %s, %s)",
          seq++, patient, eventTime, recorded, sex, birthYear, ageAtVisit, facility, type, dx, rx,
          recorded, band));
      return SafeFixture.this;
    }
  }

  /** A clinic measurement in its canonical unit, recorded five minutes later. */
  SafeFixture vital(String patient, String eventTime, String code, double value) {
    return vital(patient, eventTime, null, code, value, unit(code), "clinic");
  }

  /** A measurement with its own record time (null: five minutes later), unit and source. */
  SafeFixture vital(String patient, String eventTime, String recordTime, String code, double value,
      String unit, String source) {
    String recorded = recordTime == null ? "TIMESTAMP '" + eventTime + "' + INTERVAL 5 MINUTES"
        : "TIMESTAMP '" + recordTime + "'";
    vitals.add(String.format(Locale.ROOT, "('s%d', '%s', 'k1', TIMESTAMP '%s', %s + INTERVAL 1"
            + " MINUTE, 'F11010501', '%s', %s, '%s', '%s', %s)",
        seq++, patient, eventTime, recorded, code, Double.toString(value), unit, source, recorded));
    return this;
  }

  static String unit(String code) {
    return io.carelake.core.events.Codes.CANONICAL_UNIT.get(code);
  }

  void create(SparkSession spark) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.safe");
    spark.sql("CREATE TABLE carelake.safe.visits (event_key string, patient_pseudonym string, "
        + "key_id string, event_time timestamp, ingest_time timestamp, sex string, birth_year int, "
        + "age_at_visit int, facility_id string, visit_type string, diagnoses array<string>, "
        + "chief_complaint string, note string, prescriptions array<struct<drug:string, "
        + "dose:string, frequency:string, days:int>>, record_time timestamp, "
        + "birth_year_band_years int) USING iceberg PARTITIONED BY (days(event_time))");
    spark.sql("CREATE TABLE carelake.safe.vitals (event_key string, patient_pseudonym string, "
        + "key_id string, event_time timestamp, ingest_time timestamp, facility_id string, "
        + "code string, value double, unit string, source string, record_time timestamp) "
        + "USING iceberg PARTITIONED BY (days(event_time))");
    if (!visits.isEmpty()) {
      spark.sql("INSERT INTO carelake.safe.visits VALUES " + String.join(", ", visits));
    }
    if (!vitals.isEmpty()) {
      spark.sql("INSERT INTO carelake.safe.vitals VALUES " + String.join(", ", vitals));
    }
  }
}
