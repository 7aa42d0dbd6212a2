package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features job end to end on a hand-built fixture with known answers, through JobMain (which
 * records the run in governance.runs). Interval [2025-03-01, 2025-05-01) gives index dates
 * 2025-03-01 and 2025-04-01; horizon 120 days; the last event day in safe.visits is 2025-07-10, so
 * March rows (horizon to 2025-06-28) are complete and April rows (to 2025-07-29) are not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestFeaturesJob {

  static final String SBP = Codes.LOINC_SYSTOLIC_BP;
  static final String DBP = Codes.LOINC_DIASTOLIC_BP;
  static final String GLU = Codes.LOINC_GLUCOSE;
  static final String A1C = Codes.LOINC_HBA1C;
  static final String BMI = Codes.LOINC_BMI;

  @TempDir static Path home;
  static CarelakeConfig cfg;

  static SafeFixture fixture() {
    return new SafeFixture()
        // A: features only; two results drawn before 03-01 but ingested after it must not leak.
        .visit("pA", "2024-01-01 10:00:00")                       // > 365 days before 03-01
        .visit("pA", "2025-01-10 10:00:00")
        .vital("pA", "2024-08-01 08:00:00", SBP, 200)             // before the 180-day lookback
        .vital("pA", "2025-01-15 08:00:00", A1C, 6.0)
        .vital("pA", "2025-01-15 08:00:00", BMI, 27.5)
        .vital("pA", "2025-02-01 08:00:00", SBP, 140)
        .vital("pA", "2025-02-01 08:00:00", DBP, 90)
        .vital("pA", "2025-02-01 08:00:00", GLU, 5.5)
        .vital("pA", "2025-02-05 08:00:00", GLU, 6.5)
        .vital("pA", "2025-02-10 08:00:00", BMI, 28.0)
        .vital("pA", "2025-02-20 08:00:00", "2025-03-05 12:00:00", SBP, 180)  // late
        .vital("pA", "2025-02-25 08:00:00", "2025-03-02 12:00:00", A1C, 7.5)  // late
        // B: hypertensive since January: prevalent at both index dates.
        .visit("pB", "2025-01-05 10:00:00", "I10")
        .visit("pB", "2025-03-10 10:00:00", "I10")
        // C: new E11.9 on 04-15, inside March's horizon.
        .visit("pC", "2024-12-01 10:00:00", "R51")
        .visit("pC", "2025-04-15 10:00:00", "E11.9")
        // D: new I10 on 06-29, the first day after March's horizon [03-01, 06-29): label 0.
        .visit("pD", "2025-01-20 10:00:00")
        .visit("pD", "2025-06-29 09:00:00", "I10")
        // D2: new I10 on 06-28, the last day inside March's horizon: label 1.
        .visit("pD2", "2025-01-21 10:00:00")
        .visit("pD2", "2025-06-28 09:00:00", "i10 ")
        // E: visited 02-27 but ingested 03-03: unknown at 03-01, a candidate at 04-01.
        .visit("pE", "2025-02-27 10:00:00", "2025-03-03 10:00:00", "2", 1980)
        .visit("pE", "2025-07-10 10:00:00")
        // F: boundaries at exactly 03-01 00:00: an event AT the index date is not known then.
        .visit("pF", "2025-01-05 10:00:00")
        .vital("pF", "2025-02-28 23:59:59", SBP, 150)                          // known
        .vital("pF", "2025-03-01 00:00:00", SBP, 300)                          // event at index
        .vital("pF", "2025-02-20 08:00:00", "2025-03-01 00:00:00", SBP, 250)  // ingested at index
        .visit("pF", "2025-03-01 00:00:00", "E11.9")  // first diagnosis at the index: label 1
        // G: diagnosed 02-15 but ingested 03-10: still prevalent on 03-01 (outcomes in hindsight).
        .visit("pG", "2025-01-10 10:00:00")
        .visit("pG", "2025-02-15 10:00:00", "2025-03-10 10:00:00", "1", 1970, "I10");
  }

  static final String[] ARGS = {"--interval-start", "2025-03-01", "--interval-end", "2025-05-01",
      "--horizon-days", "120", "--clock", "bitemporal"};

  @BeforeAll
  static void createFixture() {
    cfg = CarelakeConfig.load(home);
    fixture().create(TestSessions.open(cfg));
  }

  String[] args(String... interval) {
    String[] base = interval.length == 0 ? ARGS : new String[] {"--interval-start", interval[0],
        "--interval-end", interval[1], "--horizon-days", "120", "--clock", "bitemporal"};
    String[] all = new String[base.length + 2];
    System.arraycopy(base, 0, all, 0, base.length);
    all[base.length] = "--home";
    all[base.length + 1] = home.toString();
    return all;
  }

  /** Runs the job through JobMain, which stops the session; the test then opens a fresh one. */
  int runJob(String... interval) {
    TestSessions.open(cfg);
    return JobMain.run(new FeaturesJob(), args(interval));
  }

  static Map<String, Row> marchRowsByPatient(SparkSession spark) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : spark.table("carelake.features.chronic_risk").collectAsList()) {
      assertThat(r.<java.sql.Date>getAs("index_date").toLocalDate()).isEqualTo(LocalDate.of(2025, 3, 1));
      rows.put(r.getAs("patient_pseudonym"), r);
    }
    return rows;
  }

  static Row latestRun(SparkSession spark) {
    return spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'features' "
        + "ORDER BY ended_at DESC LIMIT 1").head();
  }

  @Test
  @Order(1)
  void buildsPointInTimeFeaturesAndLabels() {
    assertThat(runJob()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    // The table contract, column for column.
    assertThat(spark.table("carelake.features.chronic_risk").schema().simpleString()).isEqualTo(
        "struct<patient_pseudonym:string,index_date:date,age:int,sex:string,sbp_mean_180d:double,"
        + "sbp_max_180d:double,dbp_mean_180d:double,glucose_mean_180d:double,hba1c_last:double,"
        + "bmi_last:double,n_vitals_180d:int,n_visits_365d:int,label:int,horizon_days:int,"
        + "features_run_id:string>");
    Map<String, Row> rows = marchRowsByPatient(spark);
    // B is prevalent; E was not known on 03-01; every April row has an incomplete horizon.
    assertThat(rows).containsOnlyKeys("pA", "pC", "pD", "pD2", "pF");

    Row a = rows.get("pA");
    assertThat(a.<Integer>getAs("age")).isEqualTo(55);
    assertThat(a.<String>getAs("sex")).isEqualTo("1");
    assertThat(a.<Double>getAs("sbp_mean_180d")).isEqualTo(140.0);
    assertThat(a.<Double>getAs("sbp_max_180d")).isEqualTo(140.0);   // the late 180 did not leak
    assertThat(a.<Double>getAs("dbp_mean_180d")).isEqualTo(90.0);
    assertThat(a.<Double>getAs("glucose_mean_180d")).isCloseTo(6.0, within(1e-12));
    assertThat(a.<Double>getAs("hba1c_last")).isEqualTo(6.0);       // the late 7.5 did not leak
    assertThat(a.<Double>getAs("bmi_last")).isEqualTo(28.0);
    assertThat(a.<Integer>getAs("n_vitals_180d")).isEqualTo(7);
    assertThat(a.<Integer>getAs("n_visits_365d")).isEqualTo(1);
    assertThat(a.<Integer>getAs("label")).isZero();
    assertThat(a.<Integer>getAs("horizon_days")).isEqualTo(120);

    Row c = rows.get("pC");
    assertThat(c.<Integer>getAs("label")).isEqualTo(1);
    assertThat(c.<Double>getAs("sbp_mean_180d")).isNull();
    assertThat(c.<Integer>getAs("n_vitals_180d")).isZero();
    assertThat(rows.get("pD").<Integer>getAs("label")).isZero();
    assertThat(rows.get("pD2").<Integer>getAs("label")).isEqualTo(1);

    // Nothing with event_time or ingest_time AT the index date is a feature; a diagnosis at it is
    // the outcome, not a prevalent condition, and that visit is not counted among past visits.
    Row f = rows.get("pF");
    assertThat(f.<Double>getAs("sbp_max_180d")).isEqualTo(150.0);
    assertThat(f.<Integer>getAs("n_vitals_180d")).isEqualTo(1);
    assertThat(f.<Integer>getAs("n_visits_365d")).isEqualTo(1);
    assertThat(f.<Integer>getAs("label")).isEqualTo(1);

    Row run = latestRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(a.<String>getAs("features_run_id")).isEqualTo(run.getAs("run_id"));
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(15L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(5L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(10L);
    Map<String, Long> counts = scala.collection.JavaConverters.mapAsJavaMap(
        run.<scala.collection.Map<String, Long>>getAs("counts"));
    assertThat(counts).containsEntry("prevalent", 5L).containsEntry("horizon_incomplete", 5L)
        .containsEntry("candidates", 15L).containsEntry("positive_labels", 3L)
        .containsEntry("index_dates", 2L);
    Map<String, Long> inputs = scala.collection.JavaConverters.mapAsJavaMap(
        run.<scala.collection.Map<String, Long>>getAs("input_snapshots"));
    assertThat(inputs).containsKeys("safe.visits", "safe.vitals");
    Map<String, Long> outputs = scala.collection.JavaConverters.mapAsJavaMap(
        run.<scala.collection.Map<String, Long>>getAs("output_snapshots"));
    assertThat(outputs).containsKey("features.chronic_risk");
  }

  @Test
  @Order(2)
  void rerunsReplaceInsteadOfDuplicating() {
    SparkSession before = TestSessions.open(cfg);
    List<Row> first = before.sql("SELECT patient_pseudonym, label, sbp_max_180d FROM "
        + "carelake.features.chronic_risk ORDER BY patient_pseudonym").collectAsList();
    Row firstRun = latestRun(before);

    assertThat(runJob()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    List<Row> second = spark.sql("SELECT patient_pseudonym, label, sbp_max_180d FROM "
        + "carelake.features.chronic_risk ORDER BY patient_pseudonym").collectAsList();
    assertThat(second).isEqualTo(first);
    Row secondRun = latestRun(spark);
    assertThat(secondRun.<String>getAs("run_id")).isNotEqualTo(firstRun.getAs("run_id"));
    for (String column : List.of("rows_in", "rows_out", "rows_set_aside")) {
      assertThat(secondRun.<Long>getAs(column)).as(column).isEqualTo(firstRun.<Long>getAs(column));
    }
    assertThat(secondRun.<Object>getAs("counts")).isEqualTo(firstRun.getAs("counts"));
  }

  @Test
  @Order(3)
  void aNarrowerRerunReplacesOnlyItsOwnIndexDates() {
    // March alone, after the March+April run: one partition per index date lets Iceberg replace it.
    assertThat(runJob("2025-03-01", "2025-04-01")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestRun(spark);
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(7L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(5L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L);
    assertThat(spark.table("carelake.features.chronic_risk").count()).isEqualTo(5L);
    assertThat(spark.table("carelake.features.chronic_risk")
        .filter("features_run_id = '" + run.<String>getAs("run_id") + "'").count()).isEqualTo(5L);
  }

  @Test
  @Order(4)
  void anIntervalWithoutMonthStartWritesNothingAndReconciles() {
    assertThat(runJob("2025-03-02", "2025-03-20")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestRun(spark);
    assertThat(run.<Long>getAs("rows_in")).isZero();
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(spark.table("carelake.features.chronic_risk").count()).isEqualTo(5L);
  }

  @Test
  @Order(5)
  void theEventClockUsesWhatHappenedBeforeTheIndexDateWheneverItWasIngested() {
    TestSessions.open(cfg);
    assertThat(JobMain.run(new FeaturesJob(), new String[] {"--interval-start", "2025-03-01",
        "--interval-end", "2025-04-01", "--horizon-days", "120", "--clock", "event", "--home",
        home.toString()})).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Map<String, Row> rows = marchRowsByPatient(spark);
    // E's visit of 02-27 counts now, though it was ingested on 03-03
    assertThat(rows).containsKey("pE");
    // A's SBP 180 of 02-20 (ingested 03-05) joins the mean and is the max
    assertThat(rows.get("pA").<Double>getAs("sbp_max_180d")).isEqualTo(180.0);
    assertThat(rows.get("pA").<Double>getAs("sbp_mean_180d")).isEqualTo(160.0);
    // an event AT the index date is still not known at it
    assertThat(rows.get("pF").<Double>getAs("sbp_max_180d")).isEqualTo(250.0);
    assertThat(latestRun(spark).<scala.collection.Map<String, String>>getAs("parameters")
        .get("clock").get()).isEqualTo("event");
  }
}
