package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.features.cohort.DefinitionLoader;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.sql.Date;
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
 * The features job end to end on a hand-built fixture whose every expected value is worked out in
 * the comments below, through JobMain (which records the run), with the shipped definition and the
 * production default clock ({@code available}: record time, else ingest time). The interval
 * [2025-03-10, 2025-05-20) is not month-aligned; its index dates are 2025-04-01 and 2025-05-01. The
 * data end on 2025-12-01 (patient Z), so both time-at-risk windows [t, t + 180 d) are complete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestFeaturesJob {

  static final String SBP = Codes.LOINC_SYSTOLIC_BP;
  static final String GLU = Codes.LOINC_GLUCOSE;
  static final String GLU_SERUM = Codes.LOINC_GLUCOSE_SERUM;
  static final String A1C = Codes.LOINC_HBA1C;
  static final String START = "2025-03-10";
  static final String END = "2025-05-20";
  static final LocalDate APRIL = LocalDate.of(2025, 4, 1);
  static final LocalDate MAY = LocalDate.of(2025, 5, 1);
  static final long DAY = 86_400;

  @TempDir static Path home;
  static CarelakeConfig cfg;

  static SafeFixture fixture() {
    SafeFixture f = new SafeFixture();
    // A: the golden patient (features); hypertensive by readings before both index dates
    f.visit("pA", "2024-06-01 10:00:00").type("chronic_review").dx("E78.5").rx("阿托伐他汀钙片")
        .add();
    f.visit("pA", "2025-03-15 09:00:00").add();
    f.visit("pA", "2025-03-30 10:00:00").type("follow_up").recorded("2025-04-02 08:00:00").add();
    f.visit("pA", "2025-04-01 10:00:00").dx("Z83.3").add();
    f.vital("pA", "2024-03-31 23:59:59", SBP, 200)   // 1 s before the 365-day window
        .vital("pA", "2024-04-01 00:00:00", SBP, 120)  // its first instant (2025-04-01 - 365 d)
        .vital("pA", "2024-12-31 23:59:59", SBP, 160)  // 1 s before the 90-day window
        .vital("pA", "2025-01-01 00:00:00", SBP, 140)  // its first instant
        .vital("pA", "2025-03-01 23:59:59", SBP, 150)  // 1 s before the 30-day window
        .vital("pA", "2025-03-02 00:00:00", SBP, 130)  // its first instant
        .vital("pA", "2025-03-31 22:00:00", "2025-03-31 23:59:59", SBP, 135, "mm[Hg]", "clinic")
        .vital("pA", "2025-03-31 23:00:00", "2025-04-01 00:00:00", SBP, 250, "mm[Hg]", "clinic")
        .vital("pA", "2025-04-01 00:00:00", SBP, 300)  // at the index instant
        .vital("pA", "2025-03-20 08:00:00", GLU_SERUM, 6.1)
        .vital("pA", "2025-03-25 08:00:00", GLU, 5.9)
        .vital("pA", "2025-03-26 08:00:00", null, GLU, 108, "mg/dL", "clinic")  // not canonical
        .vital("pA", "2025-01-15 08:00:00", "2025-01-18 10:00:00", A1C, 6.2, "%", "clinic")
        .vital("pA", "2025-03-28 08:00:00", "2025-04-02 09:00:00", A1C, 7.0, "%", "clinic");
    // B: hypertensive by code; born in a ten-year band (k-anonymity widened it)
    f.visit("pB", "2025-01-10 10:00:00").dx("I10").person("2", 1960, 10, null).add();
    // C: hypertensive by two raised clinic readings on separate days
    f.visit("pC", "2025-01-05 10:00:00").add();
    f.vital("pC", "2025-02-01 09:00:00", SBP, 145).vital("pC", "2025-02-10 09:00:00", SBP, 150);
    // D: an antihypertensive on 2025-06-15: 75 days after April's index, 45 after May's
    f.visit("pD", "2025-02-01 10:00:00").add();
    f.visit("pD", "2025-06-15 10:00:00").rx("缬沙坦").add();
    // E: raised home readings on 05-10 and 05-12: met on the second day
    f.visit("pE", "2025-02-20 10:00:00").add();
    f.vital("pE", "2025-05-10 08:00:00", null, SBP, 136, "mm[Hg]", "home_device")
        .vital("pE", "2025-05-12 08:00:00", null, SBP, 137, "mm[Hg]", "home_device");
    // F: E14 one hour before April's time at risk ends; G: E11.9 at its exclusive end
    f.visit("pF", "2025-02-15 10:00:00").add();
    f.visit("pF", "2025-09-27 23:00:00").dx("E14").add();
    f.visit("pG", "2025-02-16 10:00:00").add();
    f.visit("pG", "2025-09-28 00:00:00").dx("E11.9").add();
    // H: last seen 2025-01-20; observed a year on (persistence), so not censored
    f.visit("pH", "2025-01-20 10:00:00").add();
    // I: first visit 12 days before April's index (minimum prior observation 30 days)
    f.visit("pI", "2025-03-20 10:00:00").add();
    // J: no visit in the year before either index date
    f.visit("pJ", "2024-01-10 10:00:00").add();
    // K: I10 AT April's index instant: not prevalent then, its outcome at day 0; prevalent in May
    f.visit("pK", "2025-01-05 10:00:00").add();
    f.visit("pK", "2025-04-01 00:00:00").dx("I10").add();
    // Z: the end of the data
    f.visit("pZ", "2025-12-01 10:00:00").add();
    return f;
  }

  @BeforeAll
  static void createFixture() {
    cfg = CarelakeConfig.load(home);
    fixture().create(TestSessions.open(cfg));
  }

  static int runJob(String... extra) {
    TestSessions.open(cfg);
    List<String> args = new java.util.ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", START, "--interval-end", END));
    args.addAll(List.of(extra));
    return JobMain.run(new FeaturesJob(), args.toArray(String[]::new));
  }

  /** outcome|patient|date → row. */
  static Map<String, Row> rows(SparkSession spark) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark.table("carelake.features.chronic_risk").collectAsList()) {
      out.put(r.getAs("outcome") + "|" + r.getAs("patient_pseudonym") + "|"
          + r.<Date>getAs("index_date"), r);
    }
    return out;
  }

  static Row latestRun(SparkSession spark) {
    return spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'features' "
        + "ORDER BY ended_at DESC LIMIT 1").head();
  }

  static Map<String, Long> counts(Row run) {
    return scala.collection.JavaConverters.mapAsJavaMap(
        run.<scala.collection.Map<String, Long>>getAs("counts"));
  }

  /** Ordinary least squares slope of y on x, per 30 days (x in seconds). */
  static double ols(double[] x, double[] y) {
    double mx = java.util.Arrays.stream(x).average().orElseThrow();
    double my = java.util.Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx * 30 * DAY;
  }

  static double sd(double... y) {
    double m = java.util.Arrays.stream(y).average().orElseThrow();
    double ss = 0;
    for (double v : y) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (y.length - 1));
  }

  @Test
  @Order(1)
  void buildsTheCohortWithPointInTimeFeaturesOnTheDefaultClock() {
    assertThat(runJob()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Map<String, Row> rows = rows(spark);
    Row a = rows.get("type2_diabetes|pA|" + APRIL);
    assertThat(a).isNotNull();

    // SBP, 30 days [03-02, 04-01): 130 (the window's first instant) and 135 (recorded 1 s before
    // the index); not 150 (1 s early), 250 (recorded at the index) or 300 (at the index)
    assertThat(a.<Integer>getAs("sbp_count_30d")).isEqualTo(2);
    assertThat(a.<Double>getAs("sbp_last_30d")).isEqualTo(135.0);
    assertThat(a.<Double>getAs("sbp_mean_30d")).isEqualTo(132.5);
    assertThat(a.<Double>getAs("sbp_min_30d")).isEqualTo(130.0);
    assertThat(a.<Double>getAs("sbp_max_30d")).isEqualTo(135.0);
    assertThat(a.<Double>getAs("sbp_sd_30d")).isCloseTo(Math.sqrt(12.5), within(1e-12));
    // slope per 30 days: +5 mm[Hg] between 30 days and 2 hours before the index
    assertThat(a.<Double>getAs("sbp_slope_30d")).isCloseTo(5.0 / (2_592_000 - 7_200) * 2_592_000,
        within(1e-9));
    assertThat(a.<Integer>getAs("sbp_missing_30d")).isZero();
    // 90 days [01-01, 04-01): + 140 (its first instant) and 150; not 160 (1 s early)
    double[] x90 = {-90 * DAY, -30 * DAY - 1, -30 * DAY, -7_200};
    double[] y90 = {140, 150, 130, 135};
    assertThat(a.<Integer>getAs("sbp_count_90d")).isEqualTo(4);
    assertThat(a.<Double>getAs("sbp_mean_90d")).isEqualTo(138.75);
    assertThat(a.<Double>getAs("sbp_max_90d")).isEqualTo(150.0);
    assertThat(a.<Double>getAs("sbp_sd_90d")).isCloseTo(sd(y90), within(1e-9));
    assertThat(a.<Double>getAs("sbp_slope_90d")).isCloseTo(ols(x90, y90), within(1e-6));
    // 365 days [2024-04-01, 04-01): + 160 and 120 (its first instant); not 200 (1 s early)
    double[] x365 = {-365 * DAY, -90 * DAY - 1, -90 * DAY, -30 * DAY - 1, -30 * DAY, -7_200};
    double[] y365 = {120, 160, 140, 150, 130, 135};
    assertThat(a.<Integer>getAs("sbp_count_365d")).isEqualTo(6);
    assertThat(a.<Double>getAs("sbp_mean_365d")).isCloseTo(835.0 / 6, within(1e-12));
    assertThat(a.<Double>getAs("sbp_min_365d")).isEqualTo(120.0);
    assertThat(a.<Double>getAs("sbp_max_365d")).isEqualTo(160.0);
    assertThat(a.<Double>getAs("sbp_last_365d")).isEqualTo(135.0);
    assertThat(a.<Double>getAs("sbp_sd_365d")).isCloseTo(sd(y365), within(1e-9));
    assertThat(a.<Double>getAs("sbp_slope_365d")).isCloseTo(ols(x365, y365), within(1e-6));
    // no diastolic reading: missing, not zero
    assertThat(a.<Integer>getAs("dbp_count_365d")).isZero();
    assertThat(a.<Integer>getAs("dbp_missing_365d")).isEqualTo(1);
    assertThat(a.<Double>getAs("dbp_mean_365d")).isNull();
    // glucose from both LOINC codes, mmol/L only (108 mg/dL is not read)
    assertThat(a.<Integer>getAs("glucose_count_30d")).isEqualTo(2);
    assertThat(a.<Double>getAs("glucose_mean_30d")).isCloseTo(6.0, within(1e-12));
    assertThat(a.<Double>getAs("glucose_last_30d")).isEqualTo(5.9);
    // HbA1c 7.0 was drawn on 03-28 but reported on 04-02: not known on 04-01
    assertThat(a.<Double>getAs("hba1c_last_90d")).isEqualTo(6.2);
    assertThat(a.<Integer>getAs("hba1c_count_90d")).isEqualTo(1);
    assertThat(a.<Double>getAs("hba1c_sd_90d")).as("one value has no sd").isNull();
    assertThat(a.<Double>getAs("hba1c_slope_90d")).isNull();
    assertThat(a.<Integer>getAs("hba1c_missing_30d")).isEqualTo(1);
    // visits known: 2024-06-01 and 03-15; the 03-30 visit was signed on 04-02
    assertThat(a.<Integer>getAs("n_visits_30d")).isEqualTo(1);
    assertThat(a.<Integer>getAs("n_visits_90d")).isEqualTo(1);
    assertThat(a.<Integer>getAs("n_visits_365d")).isEqualTo(2);
    assertThat(a.<Integer>getAs("n_visits_chronic_review_365d")).isEqualTo(1);
    assertThat(a.<Integer>getAs("n_visits_follow_up_365d")).isZero();
    // history: hyperlipidaemia and a statin before; the family history comes after the index
    assertThat(a.<Integer>getAs("hx_hyperlipidaemia")).isEqualTo(1);
    assertThat(a.<Integer>getAs("rx_statin")).isEqualTo(1);
    assertThat(a.<Integer>getAs("fh_diabetes")).isZero();
    assertThat(a.<Integer>getAs("rx_antihypertensive")).isZero();
    // demographics from the latest visit known
    assertThat(a.<String>getAs("sex")).isEqualTo("1");
    assertThat(a.<Integer>getAs("age")).isEqualTo(55);
    assertThat(a.<String>getAs("age_band")).isEqualTo("50-59");
    assertThat(a.<Boolean>getAs("age_band_generalised")).isFalse();
    assertThat(a.<String>getAs("region")).isEqualTo("1101");
    assertThat(a.<String>getAs("facility_type")).isNull();
    assertThat(a.<Integer>getAs("label")).isZero();
    assertThat(a.<Boolean>getAs("censored")).isFalse();
    assertThat(a.<Integer>getAs("time_at_risk_days")).isEqualTo(180);

    // May: what arrived after April's index is known now
    Row may = rows.get("type2_diabetes|pA|" + MAY);
    assertThat(may.<Integer>getAs("sbp_count_30d")).as("the reading at April's index").isEqualTo(1);
    assertThat(may.<Double>getAs("sbp_last_30d")).isEqualTo(300.0);
    assertThat(may.<Double>getAs("hba1c_last_90d")).isEqualTo(7.0);
    assertThat(may.<Integer>getAs("fh_diabetes")).isEqualTo(1);
    assertThat(may.<Integer>getAs("n_visits_90d")).as("03-15, 03-30 and 04-01").isEqualTo(3);
  }

  @Test
  @Order(2)
  void labelsTimeToEventAndExclusionsFollowThePhenotypes() {
    SparkSession spark = TestSessions.open(cfg);
    Map<String, Row> rows = rows(spark);
    // prevalent (readings, code, readings), never rows: A, B, C for hypertension in April
    for (String p : List.of("pA", "pB", "pC")) {
      assertThat(rows).doesNotContainKey("hypertension|" + p + "|" + APRIL);
    }
    assertThat(rows.get("hypertension|pD|" + APRIL).<Integer>getAs("time_to_event_days"))
        .isEqualTo(75);
    assertThat(rows.get("hypertension|pD|" + MAY).<Integer>getAs("time_to_event_days"))
        .isEqualTo(45);
    // E's second raised home reading (05-12) is the onset
    assertThat(rows.get("hypertension|pE|" + APRIL).<Integer>getAs("time_to_event_days"))
        .isEqualTo(41);
    assertThat(rows.get("hypertension|pE|" + MAY).<Integer>getAs("label")).isEqualTo(1);
    // the time at risk's edges: 09-27 23:00 is inside April's, 09-28 00:00 is not
    assertThat(rows.get("type2_diabetes|pF|" + APRIL).<Integer>getAs("label")).isEqualTo(1);
    assertThat(rows.get("type2_diabetes|pF|" + APRIL).<Integer>getAs("time_to_event_days"))
        .isEqualTo(179);
    assertThat(rows.get("type2_diabetes|pG|" + APRIL).<Integer>getAs("label")).isZero();
    assertThat(rows.get("type2_diabetes|pG|" + MAY).<Integer>getAs("label")).isEqualTo(1);
    // an outcome at the index instant is incident (day 0), and makes May prevalent
    Row k = rows.get("hypertension|pK|" + APRIL);
    assertThat(k.<Integer>getAs("label")).isEqualTo(1);
    assertThat(k.<Integer>getAs("time_to_event_days")).isZero();
    assertThat(k.<Integer>getAs("n_visits_365d")).as("the visit at the index is not a past visit")
        .isEqualTo(1);
    assertThat(rows).doesNotContainKey("hypertension|pK|" + MAY);
    // target: I is too new in April, eligible in May; J has no visit in the year before
    assertThat(rows).doesNotContainKey("type2_diabetes|pI|" + APRIL)
        .containsKey("type2_diabetes|pI|" + MAY);
    assertThat(rows.keySet()).noneMatch(key -> key.contains("|pJ|") || key.contains("|pZ|"));
    // B's birth year was widened to a ten-year band: age from its middle, and flagged
    Row b = rows.get("type2_diabetes|pB|" + APRIL);
    assertThat(b.<Integer>getAs("age")).isEqualTo(2025 - 1960 - 4);
    assertThat(b.<Boolean>getAs("age_band_generalised")).isTrue();

    assertThat(rows).hasSize(31);
    Row run = latestRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(44L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(31L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(13L);
    assertThat(counts(run)).containsEntry("candidates", 22L)
        .containsEntry("hypertension.prevalent", 7L)
        .containsEntry("hypertension.no_visit_in_lookback", 2L)
        .containsEntry("hypertension.short_prior_observation", 1L)
        .containsEntry("hypertension.kept", 12L)
        .containsEntry("type2_diabetes.kept", 19L)
        .containsEntry("positive_labels", 8L)
        .containsEntry("audit_rows", 19L)
        .containsEntry("audit_findings", 0L);
    assertThat(scala.collection.JavaConverters.mapAsJavaMap(
            run.<scala.collection.Map<String, String>>getAs("parameters")))
        .containsEntry("clock", "available")
        .containsEntry("cohort_definition", "chronic-risk@1")
        .containsEntry("cohort_definition_hash", DefinitionLoader.builtIn().hash());
    assertThat(run.<String>getAs("spec_hash")).isEqualTo(DefinitionLoader.builtIn().hash());
    assertThat(rows.get("hypertension|pD|" + APRIL).<String>getAs("cohort_definition_hash"))
        .isEqualTo(DefinitionLoader.builtIn().hash());

    // the attrition table: April, hypertension, step by step
    List<Row> steps = spark.sql("SELECT step, reason, rows_removed, rows_remaining FROM"
        + " carelake.features.chronic_risk_attrition WHERE outcome = 'hypertension' AND"
        + " index_date = DATE '2025-04-01' ORDER BY step").collectAsList();
    assertThat(steps).extracting(r -> r.getString(1) + ":" + r.getLong(2) + ":" + r.getLong(3))
        .containsExactly("candidates:0:11", "no_visit_in_lookback:1:10",
            "short_prior_observation:1:9", "prevalent:3:6", "time_at_risk_beyond_data:0:6",
            "censored_before_min_time_at_risk:0:6");
  }

  static List<String> withoutRunId(SparkSession spark) {
    return spark.table("carelake.features.chronic_risk").drop("features_run_id")
        .orderBy("outcome", "patient_pseudonym", "index_date").toJSON().collectAsList();
  }

  @Test
  @Order(3)
  void aRerunGivesByteIdenticalRowsWhateverTheShuffle() {
    SparkSession spark = TestSessions.open(cfg);
    List<String> first = withoutRunId(spark);
    System.setProperty("spark.sql.shuffle.partitions", "7");
    try {
      assertThat(runJob()).isEqualTo(JobMain.EXIT_OK);
    } finally {
      System.clearProperty("spark.sql.shuffle.partitions");
    }
    spark = TestSessions.open(cfg);
    List<String> second = withoutRunId(spark);
    assertThat(second).hasSize(31).isEqualTo(first);
  }

  @Test
  @Order(4)
  void theEventClockCountsWhatHappenedBeforeTheIndexWheneverItWasRecorded() {
    assertThat(runJob("--clock", "event")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row a = rows(spark).get("type2_diabetes|pA|" + APRIL);
    // the HbA1c of 03-28 and the visit of 03-30 count now; the reading AT the index still does not
    assertThat(a.<Double>getAs("hba1c_last_90d")).isEqualTo(7.0);
    assertThat(a.<Integer>getAs("n_visits_30d")).isEqualTo(2);
    assertThat(a.<Double>getAs("sbp_max_30d")).isEqualTo(250.0);
    assertThat(a.<Integer>getAs("sbp_count_30d")).isEqualTo(3);
    Row run = latestRun(spark);
    assertThat(run.<scala.collection.Map<String, String>>getAs("parameters").get("clock").get())
        .isEqualTo("event");
    assertThat(counts(run)).containsEntry("facts_without_record_time", 0L);
  }
}
