package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTrainJob {

  static final LocalDate START = LocalDate.parse("2025-01-01");
  static final LocalDate END = LocalDate.parse("2025-04-01");
  /** Three index dates in the interval, one on each side that training must not read. */
  static final List<LocalDate> INDEX_DATES = List.of(LocalDate.parse("2024-12-01"), START,
      LocalDate.parse("2025-02-01"), LocalDate.parse("2025-03-01"), END);
  static final int PATIENTS = 80;
  static final int NULL_LABEL_EVERY = 13;

  @TempDir
  Path home;

  CarelakeConfig cfg;

  @AfterEach
  void stopSpark() {
    LocalSpark.stop();
  }

  int runTrain(LocalDate start, LocalDate end, String... extra) {
    LocalSpark.session(cfg);
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", start.toString(), "--interval-end", end.toString()));
    args.addAll(List.of(extra));
    return JobMain.run(new TrainJob(), args.toArray(String[]::new));
  }

  record Prediction(String split, int label, double score) {}

  /** (patient_pseudonym|index_date) → prediction, for one iteration. */
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
    assertThat(pos).as("positives in the test split").isNotEmpty();
    assertThat(neg).as("negatives in the test split").isNotEmpty();
    double wins = 0;
    for (double s : pos) {
      for (double t : neg) {
        wins += s > t ? 1 : s == t ? 0.5 : 0;
      }
    }
    return wins / ((double) pos.size() * neg.size());
  }

  @Test
  void trainsScoresAndReplacesItsIterationOnRerun() throws Exception {
    cfg = CarelakeConfig.load(home);
    List<FeatureFixture.FeatureRow> rows = FeatureFixture.rows(PATIENTS, INDEX_DATES, 11,
        NULL_LABEL_EVERY, false);
    FeatureFixture.write(LocalSpark.session(cfg), rows);
    List<FeatureFixture.FeatureRow> inInterval = rows.stream()
        .filter(r -> !r.indexDate().isBefore(START) && r.indexDate().isBefore(END)).toList();
    Map<String, Integer> expectedLabels = new HashMap<>();
    inInterval.stream().filter(r -> r.label() != null)
        .forEach(r -> expectedLabels.put(r.pseudonym() + "|" + r.indexDate(), r.label()));
    long nullLabels = inInterval.size() - expectedLabels.size();
    assertThat(nullLabels).isPositive();

    assertThat(runTrain(START, END)).isEqualTo(JobMain.EXIT_OK);

    SparkSession spark = LocalSpark.session(cfg);
    long featureSnapshot = spark.sql("SELECT snapshot_id FROM carelake.features.chronic_risk"
        + ".snapshots ORDER BY committed_at DESC LIMIT 1").first().getLong(0);
    List<Row> iterations = spark.table("carelake.models.iterations").collectAsList();
    assertThat(iterations).hasSize(1);
    Row it = iterations.get(0);
    String iterationId = it.getAs("iteration_id");
    assertThat(iterationId).startsWith("lr-2025-01-01-2025-04-01-");
    assertThat(it.<String>getAs("model_type")).isEqualTo("logistic_regression");
    assertThat(it.<Long>getAs("feature_snapshot_id")).isEqualTo(featureSnapshot);
    assertThat(it.<Long>getAs("train_rows") + it.<Long>getAs("test_rows"))
        .isEqualTo(expectedLabels.size());
    assertThat(it.<Long>getAs("null_label_rows")).isEqualTo(nullLabels);
    assertThat(it.<java.sql.Date>getAs("interval_start").toLocalDate()).isEqualTo(START);
    assertThat(it.<java.sql.Date>getAs("interval_end").toLocalDate()).isEqualTo(END);
    assertThat(it.<java.sql.Timestamp>getAs("trained_at")).isNotNull();
    assertThat(it.<scala.collection.Seq<String>>getAs("features").contains("sbp_mean_180d"))
        .isTrue();
    assertThat(it.<scala.collection.Map<String, String>>getAs("params").get("reg_param").get())
        .isEqualTo("0.01");
    String modelPath = it.getAs("model_path");
    assertThat(Path.of(modelPath)).isEqualTo(
        Path.of(cfg.get(CarelakeConfig.MODELS_DIR)).resolve(iterationId));
    assertThat(Path.of(modelPath).resolve("metadata")).isDirectory();

    // predictions: one row per labelled feature row of the interval, label carried over
    Map<String, Prediction> first = predictions(spark, iterationId);
    assertThat(first).hasSize(expectedLabels.size());
    Map<String, Integer> labels = new HashMap<>();
    first.forEach((k, p) -> labels.put(k, p.label()));
    assertThat(labels).isEqualTo(expectedLabels);
    assertThat(first.values()).allSatisfy(p -> assertThat(p.score()).isBetween(0.0, 1.0));
    assertThat(first.values().stream().filter(p -> p.split().equals("train")).count())
        .isEqualTo(it.<Long>getAs("train_rows"));

    // a patient sits in one split; about 20 % of the patients are test patients
    Map<String, Set<String>> splitsByPatient = new HashMap<>();
    first.forEach((k, p) -> splitsByPatient.computeIfAbsent(k.substring(0, k.indexOf('|')),
        x -> new HashSet<>()).add(p.split()));
    assertThat(splitsByPatient.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    long testPatients = splitsByPatient.values().stream().filter(s -> s.contains("test")).count();
    assertThat(testPatients).isBetween(6L, 28L);

    // the model learnt the signal: held-out AUROC by pair counting
    double testAuroc = auroc(first.values().stream().filter(p -> p.split().equals("test")).toList());
    assertThat(testAuroc).isGreaterThan(0.7);

    // the saved model is the one that scored: reloading it gives the same scores
    PipelineModel model = PipelineModel.load(modelPath);
    List<Row> rescored = model.transform(spark.table("carelake.features.chronic_risk")
            .where(TrainJob.indexDateIn(new io.carelake.core.time.Interval(START, END)))
            .where(col("label").isNotNull()))
        .select(col("patient_pseudonym"), col("index_date"), RiskModel.score())
        .collectAsList();
    assertThat(rescored).hasSize(first.size());
    for (Row r : rescored) {
      assertThat(r.getDouble(2)).isCloseTo(
          first.get(r.getString(0) + "|" + r.getDate(1)).score(), within(1e-9));
    }

    // the ledger: inputs pinned, rows reconcile, null labels set aside and counted
    Row run = LocalSpark.latestRun(spark, "train");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(inInterval.size());
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(expectedLabels.size());
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(nullLabels);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("null_label").get())
        .isEqualTo(nullLabels);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("input_snapshots")
        .get("features.chronic_risk").get()).isEqualTo(featureSnapshot);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("output_snapshots")
        .contains("models.predictions")).isTrue();
    assertThat(run.<scala.collection.Map<String, String>>getAs("parameters")
        .get("iteration_id").get()).isEqualTo(iterationId);
    assertThat(it.<String>getAs("run_id")).isEqualTo(run.<String>getAs("run_id"));

    // rerun, same data and parameters: the same iteration, replaced, with the same split and scores
    assertThat(runTrain(START, END)).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    assertThat(spark.table("carelake.models.iterations").collectAsList())
        .singleElement().satisfies(r -> assertThat(r.<String>getAs("iteration_id"))
            .isEqualTo(iterationId));
    assertThat(spark.table("carelake.models.predictions").count()).isEqualTo(expectedLabels.size());
    Map<String, Prediction> second = predictions(spark, iterationId);
    assertThat(second.keySet()).isEqualTo(first.keySet());
    first.forEach((k, p) -> {
      assertThat(second.get(k).split()).isEqualTo(p.split());
      assertThat(second.get(k).score()).isCloseTo(p.score(), within(1e-9));
    });
    assertThat(LocalSpark.runCount(spark, "train")).isEqualTo(2);

    // other parameters: a new iteration next to the first, over the same patient split
    assertThat(runTrain(START, END, "--reg-param", "0.1")).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    List<String> ids = spark.table("carelake.models.iterations").select("iteration_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids).hasSize(2).contains(iterationId).doesNotHaveDuplicates();
    String other = ids.stream().filter(id -> !id.equals(iterationId)).findFirst().orElseThrow();
    Map<String, Prediction> third = predictions(spark, other);
    assertThat(third.keySet()).isEqualTo(first.keySet());
    first.forEach((k, p) -> assertThat(third.get(k).split()).isEqualTo(p.split()));
    assertThat(spark.table("carelake.models.predictions").count())
        .isEqualTo(2L * expectedLabels.size());
    assertThat(predictions(spark, iterationId)).isEqualTo(second);
  }

  @Test
  void refusesIntervalsWithoutRowsOrWithoutPositivesAndWritesNothing() throws Exception {
    cfg = CarelakeConfig.load(home);
    FeatureFixture.write(LocalSpark.session(cfg), FeatureFixture.rows(30,
        List.of(LocalDate.parse("2025-06-01")), 5, 0, true));

    assertThat(runTrain(LocalDate.parse("2025-06-01"), LocalDate.parse("2025-07-01")))
        .isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = LocalSpark.session(cfg);
    Row run = LocalSpark.latestRun(spark, "train");
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(run.<String>getAs("message")).contains("features.chronic_risk")
        .contains("all have label 0");
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("feature_rows").get())
        .isEqualTo(30L);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("train_positive").get())
        .isZero();

    assertThat(runTrain(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-02-01")))
        .isEqualTo(JobMain.EXIT_FAILED);
    spark = LocalSpark.session(cfg);
    assertThat(LocalSpark.latestRun(spark, "train").<String>getAs("message"))
        .contains("No rows in features.chronic_risk").contains("run `features`");

    assertThat(spark.catalog().tableExists("carelake.models.iterations")).isFalse();
    assertThat(spark.catalog().tableExists("carelake.models.predictions")).isFalse();
    Path models = Path.of(cfg.get(CarelakeConfig.MODELS_DIR));
    if (Files.exists(models)) {
      try (Stream<Path> files = Files.list(models)) {
        assertThat(files).isEmpty();
      }
    }
  }
}
