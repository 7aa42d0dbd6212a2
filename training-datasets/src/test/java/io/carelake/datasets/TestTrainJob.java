package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * train on a risk dataset: two models and the published baseline (raw and recalibrated) per
 * outcome, the prediction contract evaluation reads, reproducible scores.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestTrainJob {

  @TempDir static Path home;
  static CarelakeConfig cfg;

  @BeforeAll
  static void dataset() {
    cfg = CarelakeConfig.load(home);
    FeatureFixture.write(LocalSpark.session(cfg), FeatureFixture.rows("k1", 120,
        TestRiskDatasetJob.INDEX_DATES, 11, false));
    assertThat(JobMain.run(new RiskDatasetJob(), args())).isEqualTo(JobMain.EXIT_OK);
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop();
  }

  static String[] args(String... extra) {
    List<String> a = new ArrayList<>(List.of("--home", home.toString(), "--interval-start",
        TestRiskDatasetJob.START, "--interval-end", TestRiskDatasetJob.END));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  static int train(String... extra) {
    LocalSpark.session(cfg);
    return JobMain.run(new TrainJob(), args(extra));
  }

  record Prediction(String split, int label, double score) {}

  static Map<String, Prediction> predictions(SparkSession spark, String iterationId) {
    Map<String, Prediction> out = new HashMap<>();
    for (Row r : spark.table("carelake.models.predictions")
        .where(col("iteration_id").equalTo(iterationId))
        .select("patient_pseudonym", "index_date", "split", "label", "score").collectAsList()) {
      Prediction previous = out.put(r.getString(0) + "|" + r.getDate(1),
          new Prediction(r.getString(2), r.getInt(3), r.getDouble(4)));
      assertThat(previous).as("duplicate prediction row").isNull();
    }
    return out;
  }

  /** AUROC by pair counting: P(score of a positive > score of a negative), ties count half. */
  static double auroc(Iterable<Prediction> predictions) {
    List<Double> pos = new ArrayList<>();
    List<Double> neg = new ArrayList<>();
    for (Prediction p : predictions) {
      (p.label() == 1 ? pos : neg).add(p.score());
    }
    double wins = 0;
    for (double s : pos) {
      for (double t : neg) {
        wins += s > t ? 1 : s == t ? 0.5 : 0;
      }
    }
    return wins / ((double) pos.size() * neg.size());
  }

  static Map<String, Row> iterations(SparkSession spark) {
    Map<String, Row> out = new HashMap<>();
    spark.table("carelake.models.iterations").collectAsList()
        .forEach(r -> out.put(r.getAs("outcome") + "/" + r.getAs("algorithm") + "/"
            + r.<scala.collection.Map<String, String>>getAs("params").get("recalibration")
                .getOrElse(() -> "-"), r));
    return out;
  }

  @Test
  @Order(1)
  void trainsTwoModelsAndScoresThePublishedBaselinePerOutcome() throws Exception {
    assertThat(train()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    Map<String, Row> its = iterations(spark);
    assertThat(its).hasSize(8).containsKeys("hypertension/logistic_regression/-",
        "hypertension/gbt/-", "hypertension/framingham_hypertension/none",
        "type2_diabetes/logistic_regression/-", "type2_diabetes/gbt/-",
        "type2_diabetes/ncdrs/none");
    assertThat(its.keySet()).filteredOn(k -> k.contains("logistic on")).hasSize(2);
    String datasetId = spark.table("carelake.datasets.chronic_risk_datasets").head()
        .getAs("dataset_id");
    Row lr = its.get("hypertension/logistic_regression/-");
    assertThat(lr.<String>getAs("iteration_id"))
        .startsWith("hypertension-lr-2025-01-15-2025-07-15-");
    assertThat(lr.<String>getAs("kind")).isEqualTo("model");
    assertThat(lr.<String>getAs("code_version")).isEqualTo(Version.CARELAKE);
    assertThat(lr.<String>getAs("definition_hash")).isEqualTo(FeatureFixture.DEFINITION_HASH);
    assertThat(lr.<String>getAs("dataset_id")).isEqualTo(datasetId);
    assertThat(lr.<Long>getAs("seed")).isEqualTo(7L);
    assertThat(lr.<scala.collection.Map<String, String>>getAs("params").get("reg_param").get())
        .isEqualTo("0.01");
    assertThat(lr.<java.sql.Timestamp>getAs("trained_at")).isNotNull();
    assertThat(its.get("type2_diabetes/ncdrs/none").<String>getAs("kind")).isEqualTo("baseline");
    assertThat(its.get("type2_diabetes/ncdrs/none").<String>getAs("model_path")).isNull();

    // the prediction contract, column for column
    assertThat(spark.table("carelake.models.predictions").schema().simpleString()).isEqualTo(
        "struct<iteration_id:string,outcome:string,split:string,patient_pseudonym:string,"
        + "index_date:date,label:int,score:double,sex:string,age_band:string,"
        + "age_band_generalised:boolean,region:string,facility_type:string>");
    long datasetRows = spark.table("carelake.datasets.chronic_risk")
        .where(col("outcome").equalTo("hypertension")).count();
    Map<String, Prediction> scored = predictions(spark, lr.getAs("iteration_id"));
    assertThat(scored).hasSize((int) datasetRows);
    assertThat(scored.values()).allSatisfy(p -> assertThat(p.score()).isBetween(0.0, 1.0));
    // the model learnt the fixture's signal: held-out AUROC by pair counting
    assertThat(auroc(scored.values().stream().filter(p -> p.split().equals("test")).toList()))
        .isGreaterThan(0.7);
    assertThat(auroc(predictions(spark, its.get("type2_diabetes/gbt/-")
        .<String>getAs("iteration_id")).values().stream()
        .filter(p -> p.split().equals("test")).toList())).isGreaterThan(0.65);
    // the saved pipeline (transforms + model) scores a dataset row as it is, to the same value
    PipelineModel model = PipelineModel.load(lr.getAs("model_path"));
    List<Row> again = model.transform(spark.table("carelake.datasets.chronic_risk")
            .where(col("outcome").equalTo("hypertension")))
        .select(col("patient_pseudonym"), col("index_date"), RiskModels.score()).collectAsList();
    for (Row r : again) {
      assertThat(r.getDouble(2)).isCloseTo(scored.get(r.getString(0) + "|" + r.getDate(1))
          .score(), within(1e-9));
    }
    Row run = LocalSpark.latestRun(spark, "train");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(run.<Long>getAs("rows_in"));
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("iterations").get())
        .isEqualTo(8L);
  }

  @Test
  @Order(2)
  void theSameDatasetAndParametersGiveTheSameIterationsAndScores() {
    SparkSession spark = LocalSpark.session(cfg);
    Map<String, Row> before = iterations(spark);
    Map<String, Map<String, Prediction>> first = new HashMap<>();
    before.values().forEach(r -> first.put(r.getAs("iteration_id"),
        predictions(spark, r.getAs("iteration_id"))));
    assertThat(train()).isEqualTo(JobMain.EXIT_OK);
    SparkSession again = LocalSpark.session(cfg);
    Map<String, Row> after = iterations(again);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (Row r : after.values()) {
      String id = r.getAs("iteration_id");
      assertThat(first).containsKey(id);
      // byte-identical scores, hence identical metrics
      assertThat(predictions(again, id)).as(id).isEqualTo(first.get(id));
    }
    // another seed is another gbt iteration, beside the first
    assertThat(train("--seed", "8")).isEqualTo(JobMain.EXIT_OK);
    assertThat(LocalSpark.session(cfg).table("carelake.models.iterations")
        .where(col("algorithm").equalTo("gbt")).count()).isEqualTo(4);
  }

  @Test
  @Order(3)
  void thePublishedScoresFollowTheirPapers() {
    SparkSession spark = LocalSpark.session(cfg);
    StructType schema = new StructType().add("sex", "string").add("age", "int")
        .add("bmi_last_365d", "double").add("sbp_mean_90d", "double")
        .add("sbp_mean_365d", "double").add("dbp_mean_90d", "double")
        .add("dbp_mean_365d", "double").add("smoking_packs_last_365d", "double")
        .add("fh_hypertension", "int").add("waist_last_365d", "double").add("fh_diabetes", "int");
    var rows = spark.createDataFrame(List.of(
        // a woman of 45, BMI 27, 125/82, non-smoker, a parent with hypertension
        RowFactory.create("2", 45, 27.0, 125.0, null, 82.0, null, 0.0, 1, 80.0, 0),
        // a man of 52, waist 92 cm, BMI 26, SBP 135 (the year's mean), family diabetes
        RowFactory.create("1", 52, 26.0, null, 135.0, null, 85.0, 1.0, 0, 92.0, 1)), schema);
    Map<String, Double> medians = new HashMap<>();
    for (String c : schema.fieldNames()) {
      medians.put(c, 0.0);
    }
    List<Row> out = rows.select(PublishedScores.Score.FRAMINGHAM_HYPERTENSION.raw(medians, 4.0),
        PublishedScores.ncdrsPoints(medians)).collectAsList();
    // mu = 22.94954 - 0.15641*45 - 0.20293 - 0.16612 - 0.03388*27 - 0.05933*125 - 0.12847*82
    //      + 0.00162*45*82 = 2.65429; 1 - exp(-exp((ln 4 - 2.65429) / 0.87692)) = 0.2098391
    assertThat(out.get(0).getDouble(0)).isCloseTo(0.2098391, within(1e-6));
    // age 50-54: 13; waist >= 90 (men): 8; BMI 24-29.9: 3; SBP 130-139: 6; family: 6; male: 2
    assertThat(out.get(1).getDouble(1)).isEqualTo(38.0);
    // woman of 45: 12; waist 80 (women 80-84.9): 7; BMI 3; SBP 120-129: 3; no family, female
    assertThat(out.get(0).getDouble(1)).isEqualTo(25.0);
  }

  @Test
  @Order(4)
  void aMissingDatasetIsExplained() {
    assertThat(JobMain.run(new TrainJob(), new String[] {"--home", home.toString(),
        "--interval-start", "2030-01-01", "--interval-end", "2030-02-01"}))
        .isEqualTo(JobMain.EXIT_FAILED);
    assertThat(LocalSpark.latestRun(LocalSpark.session(cfg), "train").<String>getAs("message"))
        .contains("No risk dataset in datasets.chronic_risk_datasets for [2030-01-01, 2030-02-01)")
        .contains("run `risk-dataset`");
  }
}
