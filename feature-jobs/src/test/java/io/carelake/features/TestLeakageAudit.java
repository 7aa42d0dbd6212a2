package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leakage audit fires: the job run with a planted leaky visibility rule (facts at the index
 * instant, or results drawn before it but reported after it) fails with exit 1, names the feature
 * and the fact, and writes nothing. The fixture is {@link TestFeaturesJob}'s, whose future facts
 * (a reading at the index, a result reported after it, visits after it) are planted for this.
 */
class TestLeakageAudit {

  @TempDir static Path home;
  static CarelakeConfig cfg;

  @BeforeAll
  static void fixture() {
    cfg = CarelakeConfig.load(home);
    TestFeaturesJob.fixture().create(TestSessions.open(cfg));
  }

  static int run(Visibility leaky) {
    TestSessions.open(cfg);
    FeaturesJob job = new FeaturesJob();
    job.visibility = leaky;
    return JobMain.run(job, new String[] {"--home", home.toString(), "--interval-start",
        TestFeaturesJob.START, "--interval-end", TestFeaturesJob.END});
  }

  static Row latestRun(SparkSession spark) {
    return spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'features' "
        + "ORDER BY ended_at DESC LIMIT 1").head();
  }

  @Test
  void aRuleThatIgnoresRecordTimesIsCaughtAndNothingIsPublished() {
    assertThat(run(t -> col("event_time").lt(t))).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    // A's HbA1c of 03-28 was reported on 04-02: the job saw it at April's index, history did not
    // findings come sorted (patient, index date, column): A's HbA1c features lead
    assertThat(run.<String>getAs("message")).startsWith("leakage audit failed")
        .contains("nothing was written")
        .contains("hba1c_count_30d at index 2025-04-01 (patient pA): the job wrote 1, the history"
            + " gives 0")
        .contains("4548-4 at 2025-03-28T08:00:00Z available 2025-04-02T09:00:00Z");
    assertThat(TestFeaturesJob.counts(run).get("audit_findings")).isPositive();
    assertThat(spark.catalog().tableExists("carelake.features.chronic_risk")).isFalse();
    assertThat(spark.catalog().tableExists("carelake.features.chronic_risk_attrition")).isFalse();
  }

  @Test
  void aRuleThatLetsTheIndexInstantInIsCaught() {
    assertThat(run(t -> col("event_time").leq(t).and(col("available_time").leq(t))))
        .isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    // the reading of 250 recorded at exactly 2025-04-01 00:00 (300, taken then, was recorded five
    // minutes later: not even this rule lets it in)
    assertThat(latestRun(spark).<String>getAs("message"))
        .contains("sbp_count_30d at index 2025-04-01 (patient pA): the job wrote 3, the history"
            + " gives 2")
        .contains("8480-6 at 2025-03-31T23:00:00Z available 2025-04-01T00:00:00Z");
    assertThat(spark.catalog().tableExists("carelake.features.chronic_risk")).isFalse();
  }

  @Test
  void theAuditComparesEveryFeatureOfItsSampleWithItsOwnRecomputation() {
    SparkSession spark = TestSessions.open(cfg);
    var d = io.carelake.features.cohort.DefinitionLoader.builtIn();
    var visits = Facts.visits(spark.table("carelake.safe.visits"), Clock.AVAILABLE,
        io.carelake.features.cohort.DrugAtc.builtIn()).cache();
    var vitals = Facts.vitals(spark.table("carelake.safe.vitals"), Clock.AVAILABLE).cache();
    CohortBuilder b = new CohortBuilder(d, Visibility.POINT_IN_TIME);
    var pairs = IndexDates.pairs(spark, d.indexDates(),
        io.carelake.core.time.Interval.parse(TestFeaturesJob.START, TestFeaturesJob.END), visits);
    CohortBuilder.Classified c = b.classify(spark, b.candidates(pairs, visits, true), visits,
        vitals, Phenotypes.events(d, visits, vitals), java.time.LocalDate.of(2025, 12, 2));
    var rows = c.rows().cache();
    LeakageAudit audit = new LeakageAudit(d);
    LeakageAudit.Result clean = audit.run(rows, visits, vitals, 200, 7);
    assertThat(clean.passed()).as(String.join("\n", clean.findings())).isTrue();
    assertThat(clean.rowsChecked()).isEqualTo(19);
    assertThat(clean.valuesCompared()).isGreaterThan(19L * 200);
    // one value changed in one row is found; a sample that misses the row does not see it
    var tampered = rows.withColumn("n_visits_365d", when(col("patient_pseudonym").equalTo("pK"),
        col("n_visits_365d").plus(1)).otherwise(col("n_visits_365d")));
    LeakageAudit.Result found = audit.run(tampered, visits, vitals, 200, 7);
    assertThat(found.findings()).hasSize(2)
        .allSatisfy(f -> assertThat(f).startsWith("n_visits_365d at index")
            .contains("(patient pK)"));
    // the seed decides the sample: of 19 pairs, 3 drawn with two seeds differ
    List<String> first = audit.run(rows.withColumn("age", lit(-1)), visits, vitals, 3, 1)
        .findings();
    List<String> second = audit.run(rows.withColumn("age", lit(-1)), visits, vitals, 3, 2)
        .findings();
    assertThat(first).hasSize(3);
    assertThat(first).isNotEqualTo(second);
    assertThat(audit.run(rows.withColumn("age", lit(-1)), visits, vitals, 3, 1).findings())
        .isEqualTo(first);
    c.release();
  }
}
