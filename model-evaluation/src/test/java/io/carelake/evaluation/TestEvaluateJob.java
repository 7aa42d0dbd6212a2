package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.time.Interval;
import io.carelake.evaluation.bootstrap.Calibrators;
import io.carelake.evaluation.bootstrap.Chunk;
import io.carelake.evaluation.bootstrap.ReplicateSet;
import io.carelake.evaluation.bootstrap.ReplicateSweep;
import io.carelake.evaluation.bootstrap.SweepPlan;
import io.carelake.evaluation.spec.EvaluationSpecs;
import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.Auroc;
import io.carelake.evaluation.stats.BrierScore;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.LogisticCalibration;
import io.carelake.evaluation.stats.ObuchowskiAuroc;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate job end to end through JobMain on the tables train writes today (before the
 * risk-model contract: no outcome, no subgroup columns), in a JDBC catalog on SQLite, with the train
 * runs that registered the iterations in governance.runs. Its numbers are held against the plain
 * statistics (themselves checked against scikit-learn and statsmodels) and the plain-Java sweep on
 * the same rows: Spark's partitioned sweep must give the same replicates as one chunk.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestEvaluateJob {

  /** Longer than Iceberg's 16-character truncated string statistics, as train's ids are. */
  static final String OLD = "iter-2025-03-old-0000000000000001";
  static final String NEW = "iter-2025-04-new-0000000000000002";
  static final String EMPTY = "iter-2025-02-empty-000000000000003";
  static final int RESAMPLES = 300;

  @TempDir static Path home;
  @TempDir static Path emptyHome;
  static CarelakeConfig cfg;
  static int[] labels;
  static double[] scores;
  static long[] patients;

  @BeforeAll
  static void createTables() {
    cfg = CarelakeConfig.load(home);
    SparkSession spark = TestSessions.open(cfg);
    // 40 patients with 1-3 rows each, scores rounded (ties)
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    List<int[]> rowsOf = new ArrayList<>();
    List<Double> s = new ArrayList<>();
    for (int p = 0; p < 40; p++) {
      double effect = r.nextGaussian() * 0.5;
      int n = 1 + r.nextInt(3);
      for (int d = 0; d < n; d++) {
        int label = r.nextDouble() < 0.35 ? 1 : 0;
        rowsOf.add(new int[] {p, d, label});
        s.add(Math.round(PredictionFixture.expit(label + effect + r.nextGaussian() - 0.8) * 100)
            / 100.0);
      }
    }
    labels = rowsOf.stream().mapToInt(x -> x[2]).toArray();
    scores = s.stream().mapToDouble(Double::doubleValue).toArray();

    // Train runs in the ledger, in the order they ended: EMPTY, OLD, NEW (the latest).
    RunLedger ledger = new RunLedger(CatalogFactory.open(cfg));
    Interval interval = Interval.parse("2025-01-01", "2025-05-01");
    String[] runIds = new String[3];
    for (int i = 0; i < 3; i++) {
      Run run = Run.start("train", interval).rows(10, 10, 0);
      runIds[i] = run.id();
      ledger.record(run.succeeded());
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.models");
    spark.sql("CREATE TABLE carelake.models.iterations (iteration_id string, model_type string, "
        + "features array<string>, params map<string, string>, train_rows bigint, test_rows bigint, "
        + "feature_snapshot_id bigint, model_path string, run_id string) USING iceberg "
        + "PARTITIONED BY (iteration_id)");
    spark.sql("INSERT INTO carelake.models.iterations VALUES "
        + iteration(EMPTY, runIds[0]) + ", " + iteration(OLD, runIds[1]) + ", "
        + iteration(NEW, runIds[2]));
    spark.sql("CREATE TABLE carelake.models.predictions (iteration_id string, "
        + "patient_pseudonym string, index_date date, split string, label int, score double) "
        + "USING iceberg PARTITIONED BY (iteration_id)");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(prediction(NEW, "p" + rowsOf.get(i)[0], 1 + rowsOf.get(i)[1], "test",
          String.valueOf(labels[i]), String.valueOf(scores[i])));
    }
    patients = rowsOf.stream().mapToLong(x -> xxhash64("k1:p" + x[0])).toArray();
    // Set aside: a missing score and a label that is not 0/1.
    rows.add(prediction(NEW, "px", 1, "test", "1", "NULL"));
    rows.add(prediction(NEW, "py", 1, "test", "3", "0.5"));
    // Train rows that would ruin the metrics if they were read: positives scored 0.
    for (int i = 0; i < 8; i++) {
      rows.add(prediction(NEW, "t" + i, 1, "train", String.valueOf(i % 2),
          i % 2 == 1 ? "0.0" : "1.0"));
    }
    // The old iteration: 4 test rows, perfectly ranked.
    rows.add(prediction(OLD, "p1", 1, "test", "0", "0.1"));
    rows.add(prediction(OLD, "p2", 1, "test", "0", "0.2"));
    rows.add(prediction(OLD, "p3", 1, "test", "1", "0.8"));
    rows.add(prediction(OLD, "p4", 1, "test", "1", "0.9"));
    // EMPTY has train predictions only.
    rows.add(prediction(EMPTY, "p1", 1, "train", "1", "0.7"));
    spark.sql("INSERT INTO carelake.models.predictions VALUES " + String.join(", ", rows));
  }

  @AfterAll
  static void stop() {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  /** Spark's xxhash64 of a pseudonym, as the job hashes patients. */
  static long xxhash64(String pseudonym) {
    return SparkSession.active().range(1).select(functions.xxhash64(functions.lit(pseudonym)))
        .head().getLong(0);
  }

  static String iteration(String id, String runId) {
    return String.format("('%s', 'logistic_regression', array('age', 'sbp_mean_180d'), "
        + "map('regParam', '0.01'), 100, 24, 1, '/models/%s', '%s')", id, id, runId);
  }

  static String prediction(String iteration, String patient, int month, String split,
      String label, String score) {
    return String.format(Locale.ROOT, "('%s', 'k1:%s', DATE '2025-%02d-01', '%s', %s, %s)",
        iteration, patient, month, split, label,
        score.equals("NULL") ? "CAST(NULL AS double)" : score);
  }

  static int runJob(Path home, String... extra) {
    TestSessions.open(CarelakeConfig.load(home));
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", "2025-04-01", "--interval-end", "2025-05-01",
        "--resamples", String.valueOf(RESAMPLES)));
    args.addAll(List.of(extra));
    return JobMain.run(new EvaluateJob(), args.toArray(String[]::new));
  }

  static Row latestEvaluateRun(SparkSession spark) {
    return spark.sql("SELECT * FROM carelake.governance.runs WHERE job = 'evaluate' "
        + "ORDER BY ended_at DESC LIMIT 1").head();
  }

  static <V> Map<String, V> map(Row row, String column) {
    return scala.collection.JavaConverters.mapAsJavaMap(
        row.<scala.collection.Map<String, V>>getAs(column));
  }

  static Row result(SparkSession spark, String iteration, String metric, String method) {
    List<Row> rows = spark.sql("SELECT * FROM carelake.evaluation.results WHERE iteration_id = '"
        + iteration + "' AND split = 'test' AND metric = '" + metric + "' AND ci_method = '"
        + method + "' AND subgroup_dimension = 'all' AND operating_point IS NULL")
        .collectAsList();
    assertThat(rows).as(iteration + " " + metric + " " + method).hasSize(1);
    return rows.get(0);
  }

  @Test
  @Order(1)
  void withoutModelTablesItFailsSayingWhatToRun() {
    assertThat(runJob(emptyHome)).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(CarelakeConfig.load(emptyHome));
    Row run = latestEvaluateRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(run.<String>getAs("message")).contains("models.iterations")
        .contains("does not exist").contains("run `train` first");
  }

  @Test
  @Order(2)
  void evaluatesTheLatestIterationsTestSplitOnTodaysTables() {
    assertThat(runJob(home)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestEvaluateRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(map(run, "parameters")).containsEntry("iteration", NEW)
        .containsEntry("split", "test").containsEntry("confidence", "0.95")
        .containsEntry("resamples", String.valueOf(RESAMPLES));
    assertThat(run.<String>getAs("spec_hash")).isEqualTo(EvaluationSpecs.defaults().sha256());

    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    Row auroc = result(spark, NEW, "auroc", "obuchowski");
    AurocCovariance clustered = ObuchowskiAuroc.of(labels, patients, scores);
    assertThat(auroc.<Double>getAs("value")).isCloseTo(Auroc.of(labels, scores), within(1e-9));
    double half = 1.959963984540054 * clustered.standardError(0);
    assertThat(auroc.<Double>getAs("ci_low"))
        .isCloseTo(Math.max(0, clustered.auroc()[0] - half), within(1e-9));
    assertThat(auroc.<Double>getAs("ci_high"))
        .isCloseTo(Math.min(1, clustered.auroc()[0] + half), within(1e-9));
    assertThat(auroc.<Long>getAs("n")).isEqualTo(labels.length);
    assertThat(auroc.<Long>getAs("n_positive")).isEqualTo(positives);
    assertThat(auroc.<Long>getAs("n_patients")).isEqualTo(40L);
    assertThat(auroc.<Double>getAs("ci_level")).isEqualTo(0.95);
    assertThat(auroc.<String>getAs("outcome")).isEqualTo(PredictionFrame.UNSPECIFIED);
    assertThat(auroc.<String>getAs("run_id")).isEqualTo(run.getAs("run_id"));
    assertThat(auroc.<String>getAs("spec_sha256")).isEqualTo(EvaluationSpecs.defaults().sha256());
    assertThat(result(spark, NEW, "brier", "cluster-bootstrap-bca").<Double>getAs("value"))
        .isCloseTo(BrierScore.of(labels, scores), within(1e-12));
    assertThat(result(spark, NEW, "calibration_slope", "cluster-bootstrap-bca")
        .<Double>getAs("value"))
        .isCloseTo(LogisticCalibration.slope(labels, scores).slope(), within(1e-9));

    // Spark's partitioned sweep gives the same intervals as the plain-Java sweep on one chunk.
    SweepPlan plan = IterationEvaluation.plan(EvaluationSpecs.defaults(), new double[] {0.5}, 0);
    SweepPlan same = new SweepPlan(plan.seed(), RESAMPLES, plan.jackknifeGroups(),
        plan.thresholds(), plan.calibrationBins(), plan.quantileEdges(),
        plan.sensitivityTargets(), 0);
    Calibrators cal = Calibrators.of(LogisticCalibration.intercept(labels, scores),
        LogisticCalibration.slope(labels, scores));
    Chunk chunk = Chunk.of(scores, labels, patients, new int[labels.length][0], same, cal);
    ReplicateSet set = new ReplicateSet(same, ReplicateSweep.run(chunk, same),
        ReplicateSweep.totals(0, chunk, same).groupRows(), cal);
    ConfidenceLevel level = new ConfidenceLevel(0.95);
    ReplicateSet.Summary aurocs = set.summarize(set.values(r -> r.auroc()), level);
    Row bca = result(spark, NEW, "auroc", "cluster-bootstrap-bca");
    Row percentile = result(spark, NEW, "auroc", "cluster-bootstrap-percentile");
    assertThat(bca.<Double>getAs("ci_low")).isCloseTo(aurocs.bca()[0], within(1e-9));
    assertThat(bca.<Double>getAs("ci_high")).isCloseTo(aurocs.bca()[1], within(1e-9));
    assertThat(percentile.<Double>getAs("ci_low")).isCloseTo(aurocs.percentile()[0],
        within(1e-9));
    assertThat(percentile.<Integer>getAs("resamples")).isEqualTo(RESAMPLES);
    ReplicateSet.Summary slope = set.summarize(set.values(r -> r.calibrationSlope()), level);
    assertThat(result(spark, NEW, "calibration_slope", "cluster-bootstrap-percentile")
        .<Double>getAs("ci_high")).isCloseTo(slope.percentile()[1], within(1e-9));

    // every metric row carries n, events, the level and the method
    List<Row> all = spark.sql("SELECT * FROM carelake.evaluation.results").collectAsList();
    assertThat(all).hasSizeGreaterThan(40).allSatisfy(row -> {
      assertThat(row.<Double>getAs("ci_level")).isEqualTo(0.95);
      assertThat(row.<String>getAs("ci_method")).isNotNull();
      assertThat(row.<Long>getAs("n")).isEqualTo(labels.length);
      assertThat(row.<String>getAs("subgroup_dimension")).isEqualTo("all");
    });
    // curves: calibration (binned and smoothed) and the decision curve with its references
    List<String> curves = spark.sql("SELECT DISTINCT curve FROM carelake.evaluation.curves")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(curves).contains("calibration_binned", "decision_model", "decision_treat_all",
        "decision_treat_none");

    // The ledger: in = out + set aside, inputs pinned, outputs recorded.
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(labels.length + 2L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(labels.length);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L);
    assertThat(TestEvaluateJob.<Long>map(run, "counts")).containsEntry("n", (long) labels.length)
        .containsEntry("n_positive", positives).containsEntry("null_score", 1L)
        .containsEntry("bad_label", 1L).containsEntry("outcomes_evaluated", 1L);
    Map<String, Long> inputs = map(run, "input_snapshots");
    assertThat(inputs).containsKeys("models.iterations", "models.predictions", "governance.runs");
    assertThat(auroc.<Long>getAs("predictions_snapshot_id"))
        .isEqualTo(inputs.get("models.predictions"));
    assertThat(map(run, "output_snapshots")).containsKeys("evaluation.results",
        "evaluation.curves");
  }

  @Test
  @Order(3)
  void rerunReplacesItsRowsInsteadOfDuplicating() {
    SparkSession before = TestSessions.open(cfg);
    long count = before.table("carelake.evaluation.results").count();
    double firstValue = result(before, NEW, "auroc", "obuchowski").getAs("value");
    assertThat(runJob(home, "--confidence", "0.9")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(count);
    Row auroc = result(spark, NEW, "auroc", "obuchowski");
    assertThat(auroc.<String>getAs("run_id")).isEqualTo(latestEvaluateRun(spark).getAs("run_id"));
    assertThat(auroc.<Double>getAs("value")).isEqualTo(firstValue);
    // the recorded level is the one asked for
    assertThat(auroc.<Double>getAs("ci_level")).isEqualTo(0.9);
  }

  @Test
  @Order(4)
  void anotherIterationAddsItsOwnRowsAndFlagsItsTinySample() {
    SparkSession before = TestSessions.open(cfg);
    long count = before.table("carelake.evaluation.results").count();
    assertThat(runJob(home, "--iteration", OLD)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(spark.table("carelake.evaluation.results").count()).isGreaterThan(count);
    Row auroc = result(spark, OLD, "auroc", "obuchowski");
    assertThat(auroc.<Double>getAs("value")).isEqualTo(1.0);
    // four rows, two events: never a certain-looking interval without a warning
    assertThat(auroc.getList(auroc.fieldIndex("flags"))).contains("few_events");
    assertThat(result(spark, NEW, "auroc", "obuchowski")).isNotNull();
  }

  @Test
  @Order(5)
  void anIterationWithoutTestPredictionsFailsWithExitCodeOne() {
    SparkSession before = TestSessions.open(cfg);
    long count = before.table("carelake.evaluation.results").count();
    assertThat(runJob(home, "--iteration", EMPTY)).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestEvaluateRun(spark);
    assertThat(run.<String>getAs("message"))
        .contains("No 'test' predictions for iteration " + EMPTY)
        .contains("models.predictions").contains("run `train`");
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(count);
  }

  @Test
  @Order(6)
  void usageErrorsExitTwoBeforeSparkStarts(@TempDir Path specs) throws Exception {
    assertThat(runJob(home, "--iteration", "no-such-iteration")).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(latestEvaluateRun(TestSessions.open(cfg)).<String>getAs("message"))
        .contains("--iteration no-such-iteration is not registered").contains(NEW);
    assertThat(runJob(home, "--confidence", "95")).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(runJob(home, "--all-iterations", "--iteration", OLD)).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(runJob(home, "--all-iterations", "--gate")).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(runJob(home, "--resamples", "10")).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(runJob(home, "--promote-to", "production")).isEqualTo(JobMain.EXIT_USAGE);
    Path bad = specs.resolve("bad.yaml");
    java.nio.file.Files.writeString(bad, "spec: {name: x, version: \"1\"}\nbootstrap: 3\n");
    assertThat(runJob(home, "--spec", bad.toString())).isEqualTo(JobMain.EXIT_USAGE);
  }

  @Test
  @Order(7)
  void allIterationsReplacesEachAndSkipsThoseWithoutPredictions() {
    assertThat(runJob(home, "--all-iterations")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestEvaluateRun(spark);
    assertThat(spark.table("carelake.evaluation.results")
        .filter("run_id <> '" + run.<String>getAs("run_id") + "'").count()).isZero();
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(labels.length + 2L + 4);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L);
    assertThat(TestEvaluateJob.<Long>map(run, "counts")).containsEntry("iterations_evaluated", 2L)
        .containsEntry("iterations_without_predictions", 1L);
  }
}
