package io.carelake.datasets;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.time.Interval;
import io.carelake.core.catalog.CatalogFactory;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A release as deidentify leaves it, for the corpus: safe.visits (real times) and
 * safe.visits_date_shifted (the same events, times and text dates moved by the patient's
 * offset), and the ledger rows of the govern and deidentify runs that produced them. Columns the
 * corpus must not export carry the word CANARY.
 */
final class ReleaseFixture {

  /** One released visit; {@code shiftDays} is its patient's offset. */
  record Visit(String eventKey, int patient, Instant eventTime, int shiftDays,
      String chiefComplaint, String note) {

    String pseudonym() {
      return String.format("%064x", 5000 + patient);
    }

    LocalDate day() {
      return eventTime.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    Instant shiftedTime() {
      return eventTime.plusSeconds(86_400L * shiftDays);
    }

    /** The text the corpus must hold (trimmed non-blank parts joined by a newline), shifted. */
    String shiftedText() {
      List<String> parts = new ArrayList<>();
      for (String p : new String[] {shift(chiefComplaint), shift(note)}) {
        if (p != null && !p.isBlank()) {
          parts.add(p.trim());
        }
      }
      return String.join("\n", parts);
    }

    /** Moves yyyy-MM-dd dates of a text by the offset (what deidentify does to text dates). */
    String shift(String text) {
      if (text == null) {
        return null;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}")
          .matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, LocalDate.parse(m.group()).plusDays(shiftDays).toString());
      }
      m.appendTail(out);
      return out.toString();
    }

    Row row(boolean shifted) {
      Instant t = shifted ? shiftedTime() : eventTime;
      return RowFactory.create(eventKey, pseudonym(), "k1", Timestamp.from(t),
          Timestamp.from(t.plusSeconds(90)), "2", 1961, 63, "F-CANARY-FACILITY", "outpatient",
          List.of("I10"), shifted ? shift(chiefComplaint) : chiefComplaint,
          shifted ? shift(note) : note,
          List.of(RowFactory.create("CANARYDRUG", "5 mg", "qd", 30)));
    }
  }

  /** The bench's word list: primary-care vocabulary, no names. */
  static final List<String> ZH = List.of(CorpusBench.NoteWords.ZH);
  static final List<String> EN = List.of("reports", "mild", "headache", "cough", "fever",
      "fatigue", "chest", "tightness", "palpitations", "nausea", "diarrhea", "insomnia", "thirst",
      "edema", "rash", "glucose", "pressure", "controlled", "stable", "diet", "exercise",
      "monitoring", "review", "advised", "continue", "medication", "reduce", "increase",
      "morning", "evening", "fasting", "after", "meals", "improved", "worse", "recently",
      "denies", "weight", "sleep", "appetite", "wheeze", "sputum", "dizziness", "swelling");

  private ReleaseFixture() {}

  /** A text of {@code words} random words of the vocabulary, the same for the same seed. */
  static String words(List<String> vocabulary, int words, long seed, String sep) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words; i++) {
      out.add(vocabulary.get(r.nextInt(vocabulary.size())));
    }
    return String.join(sep, out);
  }

  static Instant at(LocalDate day, int hour) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * hour);
  }

  static final String VITALS_DDL = "CREATE TABLE carelake.safe.vitals_date_shifted ("
      + "event_key string, patient_pseudonym string, key_id string, event_time timestamp, "
      + "ingest_time timestamp, facility_id string, code string, value double, unit string, "
      + "source string) USING iceberg PARTITIONED BY (days(event_time))";

  /**
   * Shifted vitals: systolic and diastolic pressure of {@code visit}'s patient on the visit's
   * (shifted) day, and a glucose of the same patient a day later that must not be picked up.
   */
  static void writeVitals(SparkSession spark, Visit visit) {
    spark.sql(VITALS_DDL);
    Timestamp t = Timestamp.from(visit.shiftedTime().plusSeconds(600));
    Timestamp later = Timestamp.from(visit.shiftedTime().plusSeconds(86_400));
    spark.sql("INSERT INTO carelake.safe.vitals_date_shifted VALUES "
        + "('v1', '" + visit.pseudonym() + "', 'k1', timestamp'" + t + "', timestamp'" + t
        + "', 'F-CANARY', '8480-6', 152.0, 'mm[Hg]', 'clinic'), "
        + "('v2', '" + visit.pseudonym() + "', 'k1', timestamp'" + t + "', timestamp'" + t
        + "', 'F-CANARY', '8462-4', 94.0, 'mm[Hg]', 'clinic'), "
        + "('v3', '" + visit.pseudonym() + "', 'k1', timestamp'" + later + "', timestamp'"
        + later + "', 'F-CANARY', '2339-0', 7.9, 'mmol/L', 'clinic')");
  }

  static void writeTables(SparkSession spark, List<Visit> visits) throws Exception {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.safe");
    for (String t : List.of("carelake.safe.visits", "carelake.safe.visits_date_shifted")) {
      if (!spark.catalog().tableExists(t)) {
        spark.sql(VisitFixture.DDL.replace("carelake.safe.visits", t));
      }
      boolean shifted = t.endsWith("shifted");
      spark.createDataFrame(visits.stream().map(v -> v.row(shifted)).toList(),
          VisitFixture.SCHEMA).writeTo(t).append();
    }
  }

  /**
   * Records what the pipeline would: a succeeded govern run that published curated.visits at
   * {@code curatedSnapshot}, then a succeeded deidentify run that read it and published the
   * current snapshots of safe.visits and safe.visits_date_shifted.
   */
  static void recordRuns(SparkSession spark, CarelakeConfig cfg, Interval interval,
      String deidStatus) {
    RunLedger ledger = new RunLedger(CatalogFactory.open(cfg));
    long curated = 4242L;
    ledger.record(Run.start("govern", interval).output("curated.visits", curated)
        .rows(1, 1, 0).succeeded());
    Run deid = Run.start("deidentify", interval).input("curated.visits", curated)
        .output("safe.visits", snapshot(spark, "carelake.safe.visits"))
        .output("safe.visits_date_shifted", snapshot(spark, "carelake.safe.visits_date_shifted"))
        .output("safe.vitals_date_shifted", snapshot(spark, "carelake.safe.vitals_date_shifted"))
        .rows(1, 1, 0);
    ledger.record("SUCCEEDED".equals(deidStatus) ? deid.succeeded() : deid.blocked("test"));
  }

  static long snapshot(SparkSession spark, String table) {
    return spark.sql("SELECT snapshot_id FROM " + table + ".snapshots ORDER BY committed_at DESC"
        + " LIMIT 1").first().getLong(0);
  }
}
