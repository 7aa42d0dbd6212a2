package io.carelake.datasets;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small safe.visits table, built the way {@code deidentify} leaves it. Columns that the corpus must
 * not export carry the word CANARY, so that a leak shows up in any output.
 */
final class VisitFixture {

  static final String DDL = "CREATE TABLE carelake.safe.visits ("
      + "event_key string, patient_pseudonym string, key_id string, event_time timestamp, "
      + "ingest_time timestamp, sex string, birth_year int, age_at_visit int, facility_id string, "
      + "visit_type string, diagnoses array<string>, chief_complaint string, note string, "
      + "prescriptions array<struct<drug:string,dose:string,frequency:string,days:int>>) "
      + "USING iceberg PARTITIONED BY (days(event_time))";

  static final StructType SCHEMA = new StructType()
      .add("event_key", DataTypes.StringType)
      .add("patient_pseudonym", DataTypes.StringType)
      .add("key_id", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType)
      .add("ingest_time", DataTypes.TimestampType)
      .add("sex", DataTypes.StringType)
      .add("birth_year", DataTypes.IntegerType)
      .add("age_at_visit", DataTypes.IntegerType)
      .add("facility_id", DataTypes.StringType)
      .add("visit_type", DataTypes.StringType)
      .add("diagnoses", DataTypes.createArrayType(DataTypes.StringType))
      .add("chief_complaint", DataTypes.StringType)
      .add("note", DataTypes.StringType)
      .add("prescriptions", DataTypes.createArrayType(new StructType()
          .add("drug", DataTypes.StringType).add("dose", DataTypes.StringType)
          .add("frequency", DataTypes.StringType).add("days", DataTypes.IntegerType)));

  static final List<String> VISIT_TYPES = List.of("outpatient", "follow_up", "chronic_review",
      "emergency", "home_visit", "inpatient");

  /** One fixture visit, with the fields the corpus assertions need. */
  record Visit(String eventKey, String pseudonym, Instant eventTime, String visitType,
      List<String> diagnoses, String chiefComplaint, String note) {

    LocalDate day() {
      return eventTime.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** The document text the corpus must hold: trimmed non-blank parts joined by a newline. */
    String expectedText() {
      List<String> parts = new ArrayList<>();
      for (String p : new String[] {chiefComplaint, note}) {
        if (p != null && !p.isBlank()) {
          parts.add(p.trim());
        }
      }
      return String.join("\n", parts);
    }

    Row row() {
      Timestamp t = Timestamp.from(eventTime);
      return RowFactory.create(eventKey, pseudonym, "k1", t,
          Timestamp.from(eventTime.plusSeconds(90)), "2", 1961, 63, "F-CANARY-FACILITY", visitType,
          diagnoses, chiefComplaint, note,
          List.of(RowFactory.create("CANARYDRUG", "5 mg", "qd", 30)));
    }
  }

  private VisitFixture() {}

  /**
   * {@code perDay} visits on each day from {@code first} (inclusive) to {@code end} (exclusive),
   * every eighth one without text (null or blank), some with only a complaint or only a note.
   */
  static List<Visit> visits(LocalDate first, LocalDate end, int perDay) {
    List<Visit> visits = new ArrayList<>();
    int i = 0;
    for (LocalDate d = first; d.isBefore(end); d = d.plusDays(1)) {
      for (int k = 0; k < perDay; k++, i++) {
        Instant t = d.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * (k % 24) + 60L * k);
        String key = "ek-" + d + "-" + k;
        String pseudonym = String.format("%064x", 1000 + (i % 11));
        String complaint;
        String note;
        switch (k % 8) {
          case 0 -> {
            complaint = k % 16 == 0 ? null : "   ";
            note = k % 16 == 0 ? null : "";
          }
          case 1 -> {
            complaint = " 头晕 2 天 ";
            note = null;
          }
          case 2 -> {
            complaint = null;
            note = "BP 152/94 mmHg, advised low-salt diet.";
          }
          default -> {
            complaint = "复诊 visit " + k;
            note = "Stable; continue [DRUG] 5 mg qd. Patient [NAME] reports no dizziness.";
          }
        }
        List<String> dx = k % 5 == 0 ? null : List.of("I10");
        visits.add(new Visit(key, pseudonym, t, VISIT_TYPES.get(k % VISIT_TYPES.size()), dx,
            complaint, note));
      }
    }
    return visits;
  }

  static void write(SparkSession spark, List<Visit> visits) throws Exception {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.safe");
    if (!spark.catalog().tableExists("carelake.safe.visits")) {
      spark.sql(DDL);
    }
    List<Row> rows = visits.stream().map(Visit::row).toList();
    spark.createDataFrame(rows, SCHEMA).writeTo("carelake.safe.visits").append();
  }
}
