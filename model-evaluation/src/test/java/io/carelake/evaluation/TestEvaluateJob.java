package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate job end to end through JobMain, on real Iceberg tables models.iterations and
 * models.predictions (the shapes train writes) in a JDBC catalog on SQLite, with the train runs
 * that registered the iterations in governance.runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestEvaluateJob {

  /** Longer than Iceberg's 16-character truncated string statistics, as train's ids are. */
  static final String OLD = "iter-2025-03-old-0000000000000001";
  static final String NEW = "iter-2025-04-new-0000000000000002";
  static final String EMPTY = "iter-2025-02-empty-000000000000003";

  @TempDir static Path home;
  @TempDir static Path emptyHome;
  static CarelakeConfig cfg;
  static int[] testLabels;
  static double[] testScores;

  @BeforeAll
  static void createTables() {
    cfg = CarelakeConfig.load(home);
    SparkSession spark = TestSessions.open(cfg);
    Object[] data = Reference.synthetic(24, 11, 1);
    testLabels = (int[]) data[0];
    testScores = (double[]) data[1];

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
    for (int i = 0; i < testLabels.length; i++) {
      rows.add(prediction(NEW, "p" + i, "test", String.valueOf(testLabels[i]),
          String.valueOf(testScores[i])));
    }
    // Set aside: a missing score and a label that is not 0/1.
    rows.add(prediction(NEW, "px", "test", "1", "NULL"));
    rows.add(prediction(NEW, "py", "test", "3", "0.5"));
    // Train rows that would ruin the metrics if they were read: positives scored 0.
    for (int i = 0; i < 8; i++) {
      rows.add(prediction(NEW, "t" + i, "train", String.valueOf(i % 2), i % 2 == 1 ? "0.0" : "1.0"));
    }
    // The old iteration: 4 test rows, perfectly ranked.
    rows.add(prediction(OLD, "p1", "test", "0", "0.1"));
    rows.add(prediction(OLD, "p2", "test", "0", "0.2"));
    rows.add(prediction(OLD, "p3", "test", "1", "0.8"));
    rows.add(prediction(OLD, "p4", "test", "1", "0.9"));
    // EMPTY has train predictions only.
    rows.add(prediction(EMPTY, "p1", "train", "1", "0.7"));
    spark.sql("INSERT INTO carelake.models.predictions VALUES " + String.join(", ", rows));
  }

  @AfterAll
  static void stop() {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  static String iteration(String id, String runId) {
    return String.format("('%s', 'logistic_regression', array('age', 'sbp_mean_180d'), "
        + "map('regParam', '0.01'), 100, 24, 1, '/models/%s', '%s')", id, id, runId);
  }

  static String prediction(String iteration, String patient, String split, String label,
      String score) {
    return String.format(Locale.ROOT, "('%s', 'k1:%s', DATE '2025-03-01', '%s', %s, %s)",
        iteration, patient, split, label, score.equals("NULL") ? "CAST(NULL AS double)" : score);
  }

  static int runJob(Path home, String... extra) {
    TestSessions.open(CarelakeConfig.load(home));
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", "2025-04-01", "--interval-end", "2025-05-01"));
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

  static Row result(SparkSession spark, String iteration, String metric) {
    List<Row> rows = spark.sql("SELECT * FROM carelake.evaluation.results WHERE iteration_id = '"
        + iteration + "' AND split = 'test' AND metric = '" + metric + "'").collectAsList();
    assertThat(rows).as(iteration + " " + metric).hasSize(1);
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
  void evaluatesTheLatestIterationsTestSplit() {
    assertThat(runJob(home)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(2);
    Row run = latestEvaluateRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(map(run, "parameters")).containsEntry("iteration", NEW).containsEntry("split", "test");

    long positives = java.util.Arrays.stream(testLabels).filter(l -> l == 1).count();
    double[] ref = Reference.aurocAndDelongVariance(testLabels, testScores);
    Row auroc = result(spark, NEW, "auroc");
    assertThat(auroc.<String>getAs("run_id")).isEqualTo(run.getAs("run_id"));
    assertThat(auroc.<Double>getAs("value")).isCloseTo(ref[0], within(1e-9));
    assertThat(auroc.<Double>getAs("ci_low"))
        .isCloseTo(Math.max(0, ref[0] - Reference.Z95 * Math.sqrt(ref[1])), within(1e-9));
    assertThat(auroc.<Double>getAs("ci_high"))
        .isCloseTo(Math.min(1, ref[0] + Reference.Z95 * Math.sqrt(ref[1])), within(1e-9));
    assertThat(auroc.<String>getAs("ci_method")).isEqualTo("delong");
    assertThat(auroc.<Long>getAs("n")).isEqualTo(24L);
    assertThat(auroc.<Long>getAs("n_positive")).isEqualTo(positives);

    double brierSum = 0;
    for (int i = 0; i < testLabels.length; i++) {
      brierSum += (testScores[i] - testLabels[i]) * (testScores[i] - testLabels[i]);
    }
    Row brier = result(spark, NEW, "brier");
    assertThat(brier.<Double>getAs("value")).isCloseTo(brierSum / 24, within(1e-12));
    assertThat(brier.<Double>getAs("ci_low")).isLessThan(brier.<Double>getAs("value"));
    assertThat(brier.<Long>getAs("n")).isEqualTo(24L);

    // The ledger: in = out + set aside, inputs pinned, output recorded.
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(26L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(24L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L);
    assertThat(TestEvaluateJob.<Long>map(run, "counts")).containsEntry("n", 24L)
        .containsEntry("n_positive", positives).containsEntry("null_score", 1L)
        .containsEntry("bad_label", 1L).containsEntry("metrics_written", 2L);
    Map<String, Long> inputs = map(run, "input_snapshots");
    assertThat(inputs).containsKeys("models.iterations", "models.predictions", "governance.runs");
    assertThat(auroc.<Long>getAs("predictions_snapshot_id"))
        .isEqualTo(inputs.get("models.predictions"));
    assertThat(map(run, "output_snapshots")).containsKey("evaluation.results");
  }

  @Test
  @Order(3)
  void rerunReplacesItsRowsInsteadOfDuplicating() {
    SparkSession before = TestSessions.open(cfg);
    double firstValue = result(before, NEW, "auroc").getAs("value");
    assertThat(runJob(home)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(2);
    Row run = latestEvaluateRun(spark);
    Row auroc = result(spark, NEW, "auroc");
    assertThat(auroc.<String>getAs("run_id")).isEqualTo(run.getAs("run_id"));
    assertThat(auroc.<Double>getAs("value")).isEqualTo(firstValue);
  }

  @Test
  @Order(4)
  void anotherIterationAddsItsOwnRowsAndLeavesTheOthers() {
    assertThat(runJob(home, "--iteration", OLD)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(4);
    assertThat(result(spark, OLD, "auroc").<Double>getAs("value")).isEqualTo(1.0);
    assertThat(result(spark, OLD, "brier").<Double>getAs("value"))
        .isCloseTo((0.01 + 0.04 + 0.04 + 0.01) / 4, within(1e-12));
    assertThat(result(spark, NEW, "auroc")).isNotNull();
  }

  @Test
  @Order(5)
  void anIterationWithoutTestPredictionsFailsWithExitCodeOne() {
    assertThat(runJob(home, "--iteration", EMPTY)).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestEvaluateRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(run.<String>getAs("message"))
        .contains("No 'test' predictions for iteration " + EMPTY)
        .contains("models.predictions").contains("run `train`");
    // Nothing was written or removed.
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(4);
    assertThat(spark.table("carelake.evaluation.results")
        .filter("iteration_id = '" + EMPTY + "'").count()).isZero();
  }

  @Test
  @Order(6)
  void anUnknownIterationIsAFailureNamingTheRegisteredOnes() {
    assertThat(runJob(home, "--iteration", "no-such-iteration")).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSessions.open(cfg);
    assertThat(latestEvaluateRun(spark).<String>getAs("message"))
        .contains("--iteration no-such-iteration is not registered").contains(NEW);
  }

  @Test
  @Order(7)
  void aBadConfidenceLevelIsAUsageError() {
    assertThat(runJob(home, "--confidence", "95")).isEqualTo(JobMain.EXIT_USAGE);
  }

  @Test
  @Order(8)
  void allIterationsReplacesEachAndSkipsThoseWithoutPredictions() {
    assertThat(runJob(home, "--all-iterations")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = latestEvaluateRun(spark);
    assertThat(spark.table("carelake.evaluation.results").count()).isEqualTo(4);
    assertThat(spark.table("carelake.evaluation.results")
        .filter("run_id = '" + run.<String>getAs("run_id") + "'").count()).isEqualTo(4);
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(30L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(28L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L);
    assertThat(TestEvaluateJob.<Long>map(run, "counts")).containsEntry("iterations_evaluated", 2L)
        .containsEntry("iterations_without_predictions", 1L).containsEntry("metrics_written", 4L);
  }

  @Test
  @Order(9)
  void oneIterationAndAllIterationsExcludeEachOther() {
    assertThat(runJob(home, "--all-iterations", "--iteration", OLD)).isEqualTo(JobMain.EXIT_USAGE);
  }
}
