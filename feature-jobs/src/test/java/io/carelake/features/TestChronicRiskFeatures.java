package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.time.Interval;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformations on the fixture of {@link TestFeaturesJob}, including the set-aside rows. */
class TestChronicRiskFeatures {

  @TempDir static Path home;
  static SparkSession spark;
  static Map<String, Row> byKey;

  @BeforeAll
  static void classify() {
    spark = TestSessions.open(CarelakeConfig.load(home));
    TestFeaturesJob.fixture().create(spark);
    Dataset<Row> visits = spark.table("carelake.safe.visits");
    List<LocalDate> dates = IndexDates.in(Interval.parse("2025-03-01", "2025-05-01"));
    Dataset<Row> classified = new ChronicRiskFeatures(180, 120).classified(visits,
        spark.table("carelake.safe.vitals"), IndexDates.frame(spark, dates),
        FeaturesJob.lastEventDay(visits), "run-x");
    byKey = new HashMap<>();
    for (Row r : classified.collectAsList()) {
      byKey.put(r.getAs("patient_pseudonym") + "@" + r.getAs("index_date"), r);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String status(String key) {
    return byKey.get(key).getAs(ChronicRiskFeatures.STATUS);
  }

  @Test
  void indexDatesAreTheMonthStartsInTheInterval() {
    assertThat(IndexDates.in(Interval.parse("2025-01-15", "2025-04-01")))
        .containsExactly(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 3, 1));
    assertThat(IndexDates.in(Interval.parse("2025-03-01", "2025-03-02")))
        .containsExactly(LocalDate.of(2025, 3, 1));
    assertThat(IndexDates.in(Interval.parse("2025-03-02", "2025-04-01"))).isEmpty();
  }

  @Test
  void lastEventDayIsTheLastVisitDay() {
    assertThat(FeaturesJob.lastEventDay(spark.table("carelake.safe.visits")))
        .isEqualTo(LocalDate.of(2025, 7, 10));
  }

  @Test
  void everyCandidateHasExactlyOneStatus() {
    assertThat(byKey).containsOnlyKeys("pA@2025-03-01", "pB@2025-03-01", "pC@2025-03-01",
        "pD@2025-03-01", "pD2@2025-03-01", "pA@2025-04-01", "pB@2025-04-01", "pC@2025-04-01",
        "pD@2025-04-01", "pD2@2025-04-01", "pE@2025-04-01", "pF@2025-03-01", "pF@2025-04-01",
        "pG@2025-03-01", "pG@2025-04-01");
    assertThat(status("pB@2025-03-01")).isEqualTo("prevalent");
    assertThat(status("pB@2025-04-01")).isEqualTo("prevalent");
    assertThat(status("pA@2025-04-01")).isEqualTo("horizon_incomplete");
    assertThat(status("pE@2025-04-01")).isEqualTo("horizon_incomplete");
    assertThat(status("pA@2025-03-01")).isEqualTo("kept");
    // Diagnosed AT the March index date: incident in March, prevalent by April.
    assertThat(status("pF@2025-03-01")).isEqualTo("kept");
    assertThat(status("pF@2025-04-01")).isEqualTo("prevalent");
    // Diagnosed before March but ingested after it: prevalent all the same.
    assertThat(status("pG@2025-03-01")).isEqualTo("prevalent");
  }

  @Test
  void lateResultsAppearOnceTheyHaveBeenIngested() {
    Row march = byKey.get("pA@2025-03-01");
    Row april = byKey.get("pA@2025-04-01");
    assertThat(march.<Double>getAs("sbp_max_180d")).isEqualTo(140.0);
    assertThat(march.<Double>getAs("hba1c_last")).isEqualTo(6.0);
    // Ingested 03-02 and 03-05, so known on 04-01.
    assertThat(april.<Double>getAs("sbp_max_180d")).isEqualTo(180.0);
    assertThat(april.<Double>getAs("sbp_mean_180d")).isEqualTo(160.0);
    assertThat(april.<Double>getAs("hba1c_last")).isEqualTo(7.5);
    assertThat(april.<Integer>getAs("n_vitals_180d")).isEqualTo(9);
  }

  @Test
  void patientUnknownAtTheIndexDateIsNoCandidate() {
    assertThat(byKey).doesNotContainKey("pE@2025-03-01");
    Row e = byKey.get("pE@2025-04-01");
    assertThat(e.<String>getAs("sex")).isEqualTo("2");
    assertThat(e.<Integer>getAs("age")).isEqualTo(45);
  }

  @Test
  void rejectsNonPositiveWindows() {
    assertThatThrownBy(() -> new ChronicRiskFeatures(0, 180))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--lookback-days (0)");
  }
}
