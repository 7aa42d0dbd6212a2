package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.generator.Generator;
import io.carelake.generator.GeneratorSettings;
import io.carelake.generator.JsonlSink;
import io.carelake.generator.Manifest;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cohort against the generator's ground truth. A synthetic population (no damaged messages)
 * is loaded into safe.* as deidentify would publish it (resident ids standing in for pseudonyms:
 * this test needs no key), then the features job runs with the shipped definition. The
 * generator's manifest, which never reaches Kafka or the lake, says when each patient's disease
 * began: no patient diagnosed before an index date may be at risk at it, and every one diagnosed
 * inside a time at risk must be labelled 1. A leaky visibility rule on the same data is caught by
 * the audit.
 */
class TestGeneratedGroundTruth {

  static final LocalDate START = LocalDate.of(2025, 1, 1);
  static final int DAYS = 330;

  @TempDir static Path home;
  @TempDir static Path generated;
  static CarelakeConfig cfg;
  static Manifest manifest;

  @BeforeAll
  static void generateAndPublish() throws Exception {
    cfg = CarelakeConfig.load(home);
    try (JsonlSink sink = new JsonlSink(generated)) {
      manifest = new Generator(new GeneratorSettings(260, DAYS, 5, START, 0.0))
          .run(sink, generated.toString(), p -> { });
    }
    SparkSession spark = TestSessions.open(cfg);
    new SafeFixture().create(spark); // the empty tables, in deidentify's shapes
    spark.read().json(generated.resolve(JsonlSink.VISITS_FILE).toString())
        .selectExpr("event_id AS event_key", "patient.resident_id AS patient_pseudonym",
            "'k1' AS key_id", "to_timestamp(event_time) AS event_time",
            "to_timestamp(record_time) + INTERVAL 1 MINUTE AS ingest_time", "patient.sex AS sex",
            "year(to_date(patient.birth_date)) AS birth_year",
            "CAST(floor(months_between(to_timestamp(event_time), to_date(patient.birth_date)) / 12)"
                + " AS INT) AS age_at_visit", "facility_id", "visit_type", "diagnoses",
            "chief_complaint", "note", "prescriptions", "to_timestamp(record_time) AS record_time",
            "1 AS birth_year_band_years")
        .writeTo("carelake.safe.visits").append();
    spark.read().json(generated.resolve(JsonlSink.VITALS_FILE).toString())
        .selectExpr("event_id AS event_key", "patient.resident_id AS patient_pseudonym",
            "'k1' AS key_id", "to_timestamp(event_time) AS event_time",
            "to_timestamp(record_time) + INTERVAL 1 MINUTE AS ingest_time", "facility_id", "code",
            "CAST(value AS DOUBLE) AS value", "unit", "source",
            "to_timestamp(record_time) AS record_time")
        .writeTo("carelake.safe.vitals").append();
  }

  static int features(Visibility visibility, LocalDate from, LocalDate to) {
    TestSessions.open(cfg);
    FeaturesJob job = new FeaturesJob();
    job.visibility = visibility;
    return JobMain.run(job, new String[] {"--home", home.toString(), "--interval-start",
        from.toString(), "--interval-end", to.toString(), "--audit-sample", "100000"});
  }

  @Test
  void nobodyWhoseDiseaseHadBegunIsAtRiskAndEveryDiagnosisInTheTimeAtRiskIsALabel()
      throws Exception {
    assertThat(features(Visibility.POINT_IN_TIME, START.minusDays(1), START.plusDays(DAYS)))
        .isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Map<String, Manifest.PatientCourse> truth = new HashMap<>();
    manifest.diseaseCourses.forEach(c -> truth.put(c.residentId(), c));
    List<Row> rows = spark.table("carelake.features.chronic_risk")
        .select("patient_pseudonym", "index_date", "outcome", "label").collectAsList();
    assertThat(rows).hasSizeGreaterThan(500);
    int diagnosedInside = 0;
    int positives = 0;
    int positivesWithDisease = 0;
    for (Row r : rows) {
      LocalDate index = r.getDate(1).toLocalDate();
      Manifest.PatientCourse c = truth.get(r.getString(0));
      Manifest.Course course = c == null ? null
          : r.getString(2).equals("hypertension") ? c.hypertension() : c.type2Diabetes();
      String status = course == null ? "never" : course.status();
      assertThat(status).as("%s at %s: %s", r.getString(2), index, r.getString(0))
          .isNotEqualTo("prevalent");
      if (status.equals("incident")) {
        LocalDate diagnosed = LocalDate.parse(course.diagnosisDate());
        // diagnosed (a clinic-local morning, the same UTC day) before the index: not at risk
        assertThat(diagnosed).as("%s of %s at index %s", r.getString(2), r.getString(0), index)
            .isAfterOrEqualTo(index);
        if (diagnosed.isBefore(index.plusDays(180))) {
          diagnosedInside++;
          assertThat(r.getInt(3)).as("diagnosed %s inside the time at risk of %s", diagnosed,
              index).isEqualTo(1);
        }
      }
      if (r.getInt(3) == 1) {
        positives++;
        positivesWithDisease += status.equals("incident") ? 1 : 0;
      }
    }
    assertThat(diagnosedInside).isGreaterThan(20);
    // the phenotype also fires on raised readings alone; most positives still have the disease
    assertThat((double) positivesWithDisease / positives).isGreaterThan(0.8);
  }

  @Test
  void aLeakyFeatureOnGeneratedDataIsCaughtByTheAudit() {
    // results drawn before an index date but reported after it (the generator's lab delays);
    // one index date (March) is enough and keeps the run short
    assertThat(features(t -> col("event_time").lt(t), LocalDate.of(2025, 2, 28),
        LocalDate.of(2025, 3, 2))).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    Row run = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'features' "
        + "ORDER BY ended_at DESC LIMIT 1").head();
    assertThat(run.<String>getAs("message")).startsWith("leakage audit failed")
        .contains("not known at the index");
  }
}
