package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.time.Interval;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.DefinitionLoader;
import io.carelake.features.cohort.DrugAtc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cohort's rules under definitions other than the shipped one, on {@link TestFeaturesJob}'s
 * fixture, through {@link CohortBuilder} (no job run, one session for the class): washout,
 * censoring, a time at risk past the data, and the other index-date samplings.
 */
class TestCohortRules {

  @TempDir static Path home;
  static SparkSession spark;
  static Dataset<Row> visits;
  static Dataset<Row> vitals;
  static final LocalDate APRIL = LocalDate.of(2025, 4, 1);
  static final LocalDate DATA_END = LocalDate.of(2025, 12, 2);

  @BeforeAll
  static void fixture() {
    spark = TestSessions.open(CarelakeConfig.load(home));
    TestFeaturesJob.fixture().create(spark);
    visits = Facts.visits(spark.table("carelake.safe.visits"), Clock.AVAILABLE, DrugAtc.builtIn())
        .cache();
    vitals = Facts.vitals(spark.table("carelake.safe.vitals"), Clock.AVAILABLE).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static CohortDefinition variant(String from, String to) throws Exception {
    String text = TestCohortDefinition.builtInText();
    assertThat(text).contains(from);
    Path f = Files.createTempDirectory(home, "def").resolve("cohort.yaml");
    Files.writeString(f, text.replace(from, to));
    return DefinitionLoader.load(f);
  }

  /** outcome|patient|date → status, and the kept rows by the same key. */
  record Result(Map<String, String> status, Map<String, Row> rows) {}

  static Result classify(CohortDefinition d, String start, String end) {
    CohortBuilder b = new CohortBuilder(d, Visibility.POINT_IN_TIME);
    Dataset<Row> pairs = IndexDates.pairs(spark, d.indexDates(), Interval.parse(start, end),
        visits);
    boolean monthly = d.indexDates().sampling() == CohortDefinition.Sampling.MONTHLY;
    CohortBuilder.Classified c = b.classify(spark, b.candidates(pairs, visits, monthly), visits,
        vitals, Phenotypes.events(d, visits, vitals), DATA_END);
    Map<String, String> status = new HashMap<>();
    for (Row r : c.statuses().collectAsList()) {
      status.put(r.getAs("outcome") + "|" + r.getAs("patient_pseudonym") + "|"
          + r.getAs("index_date"), r.getAs(CohortBuilder.STATUS));
    }
    Map<String, Row> rows = new HashMap<>();
    for (Row r : c.rows().collectAsList()) {
      rows.put(r.getAs("outcome") + "|" + r.getAs("patient_pseudonym") + "|"
          + r.getAs("index_date"), r);
    }
    c.release();
    return new Result(status, rows);
  }

  @Test
  void aFiniteWashoutLooksBackOnlyThatFar() throws Exception {
    // B's I10 of 01-10 is 81 days before April's index: prevalent with "all", at risk with 30 days
    assertThat(classify(DefinitionLoader.builtIn(), "2025-04-01", "2025-04-02").status()
        .get("hypertension|pB|" + APRIL)).isEqualTo("prevalent");
    Result thirty = classify(variant("prior_outcome_lookback_days: all",
        "prior_outcome_lookback_days: 30"), "2025-04-01", "2025-04-02");
    assertThat(thirty.status().get("hypertension|pB|" + APRIL)).isEqualTo("kept");
    assertThat(thirty.rows().get("hypertension|pB|" + APRIL).<Integer>getAs("label")).isZero();
    // C's raised readings (02-01, 02-10) met the phenotype on 02-10, 50 days back: at risk too
    assertThat(thirty.status().get("hypertension|pC|" + APRIL)).isEqualTo("kept");
  }

  @Test
  void observationEndsAtTheLastRecordPlusThePersistenceWindow() throws Exception {
    // H's last record is 2025-01-20: observed until 01-20 + 121 days = 05-21, 50 days of April's
    // time at risk; with the full 180 days required H is censored, with 30 H is a censored 0
    CohortDefinition strict = variant("observation_persistence_days: 365",
        "observation_persistence_days: 120");
    assertThat(classify(strict, "2025-04-01", "2025-04-02").status()
        .get("hypertension|pH|" + APRIL)).isEqualTo("censored_before_min_time_at_risk");
    String text = TestCohortDefinition.builtInText()
        .replace("observation_persistence_days: 365", "observation_persistence_days: 120")
        .replace("min_days: 180", "min_days: 30");
    Path f = Files.createTempDirectory(home, "def").resolve("cohort.yaml");
    Files.writeString(f, text);
    Result kept = classify(DefinitionLoader.load(f), "2025-04-01", "2025-04-02");
    Row h = kept.rows().get("hypertension|pH|" + APRIL);
    assertThat(h.<Integer>getAs("label")).isZero();
    assertThat(h.<Boolean>getAs("censored")).isTrue();
    assertThat(h.<Integer>getAs("time_at_risk_days")).isEqualTo(50);
    assertThat(h.<java.sql.Date>getAs("observation_end_date").toLocalDate())
        .isEqualTo(LocalDate.of(2025, 5, 21));
    // an outcome observed within the time at risk counts, whatever the persistence window
    assertThat(kept.rows().get("hypertension|pD|" + APRIL).<Integer>getAs("label")).isEqualTo(1);
  }

  @Test
  void aTimeAtRiskPastTheDataIsSetAsideNotCountedNegative() throws Exception {
    // April + 300 days runs past 2025-12-02: nobody's outcome is known yet
    Result r = classify(variant("end_days: 180\n  min_days: 180", "end_days: 300\n  min_days: 300"),
        "2025-04-01", "2025-04-02");
    assertThat(r.rows()).isEmpty();
    assertThat(r.status().get("hypertension|pD|" + APRIL)).isEqualTo("time_at_risk_beyond_data");
    assertThat(r.status().get("type2_diabetes|pF|" + APRIL)).isEqualTo("time_at_risk_beyond_data");
  }

  @Test
  void everyVisitAndOneRandomVisitSampleVisitDays() throws Exception {
    Result every = classify(variant("sampling: monthly", "sampling: every-visit"), "2025-01-01",
        "2025-03-01");
    // visit days in [01-01, 03-01): B 01-10, C 01-05, D 02-01, E 02-20, F 02-15, G 02-16,
    // H 01-20, K 01-05 -- each the patient's first visit, so none has one in the year before
    assertThat(every.status().keySet()).hasSize(8 * 2);
    assertThat(every.status().values()).containsOnly("no_visit_in_lookback");
    Result april = classify(variant("sampling: monthly", "sampling: every-visit"), "2025-03-10",
        "2025-04-10");
    // A's visits of 03-15, 03-30 (its day counts, though signed on 04-02: sampling is by the
    // visit day; what the index may see is judged apart) and 04-01, I's of 03-20, K's of 04-01
    assertThat(april.status().keySet()).extracting(k -> k.substring(k.indexOf('|') + 1))
        .containsOnly("pA|2025-03-15", "pA|2025-03-30", "pA|2025-04-01", "pI|2025-03-20",
            "pK|2025-04-01");
    Result one = classify(variant("sampling: monthly", "sampling: one-random-per-patient"),
        "2025-03-10", "2025-04-10");
    assertThat(one.status().keySet()).extracting(k -> k.substring(k.indexOf('|') + 1,
        k.lastIndexOf('|'))).containsOnly("pA", "pI", "pK");
    assertThat(one.status()).hasSize(3 * 2);
    // the same seed draws the same day; the draw depends on the seed, not on row order
    assertThat(classify(variant("sampling: monthly", "sampling: one-random-per-patient"),
        "2025-03-10", "2025-04-10").status()).isEqualTo(one.status());
  }
}
