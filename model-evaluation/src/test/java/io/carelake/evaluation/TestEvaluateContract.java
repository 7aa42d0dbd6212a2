package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.Auroc;
import io.carelake.evaluation.stats.ObuchowskiAuroc;
import io.carelake.spark.JobMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The evaluate job on tables in the risk-model contract (issue 12): two outcomes, subgroup columns,
 * a strong and a weak model on the same rows. Subgroups with suppression and Holm-adjusted gaps,
 * paired comparisons, the promotion gate with its exit code 3 and the registry's aliases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestEvaluateContract {

  static final String STRONG = "gbt-hypertension-2025-06-strong-01";
  static final String WEAK = "lr-hypertension-2025-05-weak-000002";
  static final String DM_STRONG = "gbt-t2dm-2025-06-strong-00000003";
  static final String DM_WEAK = "lr-t2dm-2025-05-weak-000000000004";
  static final int RESAMPLES = 300;

  @TempDir static Path home;
  @TempDir static Path specs;
  static CarelakeConfig cfg;
  static List<PredictionFixture.Prediction[]> hypertension;

  @BeforeAll
  static void createTables() {
    cfg = CarelakeConfig.load(home);
    SparkSession spark = TestSessions.open(cfg);
    PredictionFixture.createContractTables(spark);
    spark.sql("INSERT INTO carelake.models.iterations VALUES "
        + PredictionFixture.iterationSql(WEAK, "hypertension", "model", "2025-05-01 00:00:00")
        + ", " + PredictionFixture.iterationSql(STRONG, "hypertension", "model",
            "2025-06-01 00:00:00")
        + ", " + PredictionFixture.iterationSql(DM_WEAK, "type2_diabetes", "baseline",
            "2025-07-01 00:00:00")
        + ", " + PredictionFixture.iterationSql(DM_STRONG, "type2_diabetes", "model",
            "2025-06-02 00:00:00"));
    hypertension = PredictionFixture.pairs(STRONG, WEAK, "hypertension", 160, 5);
    List<PredictionFixture.Prediction[]> diabetes =
        PredictionFixture.pairs(DM_STRONG, DM_WEAK, "type2_diabetes", 60, 6);
    List<PredictionFixture.Prediction> rows = new ArrayList<>();
    for (List<PredictionFixture.Prediction[]> set : List.of(hypertension, diabetes)) {
      for (PredictionFixture.Prediction[] pair : set) {
        rows.add(pair[0]);
        rows.add(pair[1]);
      }
    }
    PredictionFixture.insert(spark, rows);
  }

  @AfterAll
  static void stop() {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  static int runJob(String... extra) {
    TestSessions.open(cfg);
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", "2025-06-01", "--interval-end", "2025-07-01",
        "--resamples", String.valueOf(RESAMPLES)));
    args.addAll(List.of(extra));
    return JobMain.run(new EvaluateJob(), args.toArray(String[]::new));
  }

  static Path spec(String name, String gate) throws Exception {
    String shipped = new String(TestEvaluateContract.class.getClassLoader()
        .getResourceAsStream("carelake/evaluation/evaluation-spec.yaml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    Path file = specs.resolve(name);
    Files.writeString(file, shipped.substring(0, shipped.indexOf("gate:")) + gate);
    return file;
  }

  static int[] labels(int model) {
    return hypertension.stream().mapToInt(p -> p[model].label()).toArray();
  }

  static double[] scores(int model) {
    return hypertension.stream().mapToDouble(p -> p[model].score()).toArray();
  }

  static long[] clusters() {
    return hypertension.stream().mapToLong(p -> p[0].patient().hashCode()).toArray();
  }

  @Test
  @Order(1)
  void subgroupsAreReportedSuppressedOrNotAvailableAndTheirGapsHolmAdjusted() {
    assertThat(runJob("--iteration", STRONG)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row overall = spark.sql("SELECT * FROM carelake.evaluation.results WHERE iteration_id = '"
        + STRONG + "' AND subgroup_dimension = 'all' AND metric = 'auroc' AND ci_method ="
        + " 'obuchowski'").head();
    assertThat(overall.<String>getAs("outcome")).isEqualTo("hypertension");
    assertThat(overall.<Double>getAs("value")).isCloseTo(Auroc.of(labels(0), scores(0)),
        within(1e-9));
    List<Row> cells = spark.sql("SELECT subgroup_dimension, subgroup_value, suppressed, n,"
        + " value FROM carelake.evaluation.results WHERE iteration_id = '" + STRONG + "' AND"
        + " metric = 'auroc' AND subgroup_dimension <> 'all' AND (ci_method IS NULL OR ci_method"
        + " = 'cluster-bootstrap-bca') ORDER BY subgroup_dimension, subgroup_value")
        .collectAsList();
    assertThat(cells).extracting(r -> r.getString(0)).contains("sex", "age_band", "region",
        "facility_type");
    // three patients in region "island": below the minimum cell size, reported with no number
    Row island = cells.stream().filter(r -> "island".equals(r.getString(1))).findFirst()
        .orElseThrow();
    assertThat(island.getBoolean(2)).isTrue();
    assertThat(island.isNullAt(3)).isTrue();
    assertThat(island.isNullAt(4)).isTrue();
    // a reported cell: the AUROC of exactly its rows
    Row male = cells.stream().filter(r -> "sex".equals(r.getString(0)) && "1".equals(
        r.getString(1))).findFirst().orElseThrow();
    int[] idx = java.util.stream.IntStream.range(0, hypertension.size())
        .filter(i -> "1".equals(hypertension.get(i)[0].sex())).toArray();
    assertThat(male.<Double>getAs("value")).isCloseTo(Auroc.of(
        java.util.Arrays.stream(idx).map(i -> labels(0)[i]).toArray(),
        java.util.Arrays.stream(idx).mapToDouble(i -> scores(0)[i]).toArray()), within(1e-9));
    List<Row> gaps = spark.sql("SELECT * FROM carelake.evaluation.subgroup_gaps WHERE"
        + " iteration_id = '" + STRONG + "'").collectAsList();
    assertThat(gaps).isNotEmpty().allSatisfy(g -> {
      assertThat(g.<Double>getAs("p_holm")).isGreaterThanOrEqualTo(g.<Double>getAs("p_value"));
      assertThat(g.<String>getAs("subgroup_value")).isNotEqualTo("island");
      assertThat(g.<String>getAs("reference_value")).isNotEqualTo("island");
    });
  }

  @Test
  @Order(2)
  void aBaselineGivesPairedDifferencesWithTheClusteredDelongTest() {
    assertThat(runJob("--iteration", STRONG, "--baseline", WEAK)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row delong = spark.sql("SELECT * FROM carelake.evaluation.comparisons WHERE iteration_id = '"
        + STRONG + "' AND baseline_id = '" + WEAK + "' AND metric = 'auroc' AND ci_method ="
        + " 'obuchowski'").head();
    AurocCovariance paired = ObuchowskiAuroc.of(labels(0), clusters(), scores(0), scores(1));
    double diff = paired.auroc()[0] - paired.auroc()[1];
    double se = Math.sqrt(paired.differenceVariance(0, 1));
    assertThat(delong.<Double>getAs("difference")).isCloseTo(diff, within(1e-9));
    assertThat(delong.<Double>getAs("ci_low")).isCloseTo(diff - 1.959963984540054 * se,
        within(1e-9));
    assertThat(delong.<Double>getAs("p_value")).isCloseTo(paired.differencePValue(0, 1),
        within(1e-9));
    assertThat(delong.<Long>getAs("n")).isEqualTo(hypertension.size());
    assertThat(delong.<Long>getAs("rows_only_in_iteration")).isZero();
    List<String> metrics = spark.sql("SELECT DISTINCT metric FROM carelake.evaluation.comparisons")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(metrics).contains("auroc", "brier", "calibration_slope", "ici");
  }

  @Test
  @Order(3)
  void aRejectingGateExitsThreeRecordsEveryReasonAndMovesNoAlias() throws Exception {
    Path strict = spec("strict.yaml", """
        gate:
          interval: cluster-bootstrap-bca
          when_no_comparator: not_applicable
          criteria:
            - id: auroc-floor
              scope: iteration
              metric: auroc
              lower_bound_at_least: 0.99
              rationale: An impossible floor, to see a rejection.
            - id: slope
              scope: iteration
              metric: calibration_slope
              within: [0.2, 5.0]
              rationale: Wide.
        """);
    assertThat(runJob("--iteration", STRONG, "--gate", "--spec", strict.toString()))
        .isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = TestSessions.open(cfg);
    Row decision = spark.sql("SELECT * FROM carelake.evaluation.gate_decisions").head();
    assertThat(decision.<String>getAs("decision")).isEqualTo("rejected");
    assertThat(decision.getList(decision.fieldIndex("reasons"))).hasSize(2)
        .anySatisfy(r -> assertThat((String) r).startsWith("auroc-floor: FAIL"))
        .anySatisfy(r -> assertThat((String) r).startsWith("slope: PASS"));
    assertThat(decision.<String>getAs("spec_sha256")).isEqualTo(
        io.carelake.evaluation.spec.EvaluationSpecs.load(strict).sha256());
    Row run = TestEvaluateJob.latestEvaluateRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("promotion gate rejected " + STRONG)
        .contains("auroc-floor");
    assertThat(spark.catalog().tableExists("carelake.models.registry")).isFalse();
  }

  @Test
  @Order(4)
  void aPassingGateMovesTheAliasAndTheNextIterationIsComparedWithTheChampion() throws Exception {
    Path lenient = spec("lenient.yaml", """
        gate:
          interval: cluster-bootstrap-bca
          when_no_comparator: not_applicable
          criteria:
            - id: auroc-floor
              scope: iteration
              metric: auroc
              lower_bound_at_least: 0.5
              rationale: Better than chance.
            - id: not-worse
              scope: difference
              metric: auroc
              interval: obuchowski
              lower_bound_at_least: -0.05
              rationale: Non-inferior to the champion.
        """);
    assertThat(runJob("--iteration", WEAK, "--gate", "--spec", lenient.toString()))
        .isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row champion = spark.sql("SELECT * FROM carelake.models.registry WHERE outcome ="
        + " 'hypertension' AND alias = 'champion' ORDER BY version DESC").head();
    assertThat(champion.<String>getAs("iteration_id")).isEqualTo(WEAK);
    assertThat(champion.<Long>getAs("version")).isEqualTo(1L);
    // the strong model is compared with the champion (the weak one) and replaces it
    assertThat(runJob("--iteration", STRONG, "--gate", "--spec", lenient.toString()))
        .isEqualTo(JobMain.EXIT_OK);
    spark = TestSessions.open(cfg);
    Row decision = spark.sql("SELECT * FROM carelake.evaluation.gate_decisions WHERE"
        + " iteration_id = '" + STRONG + "' AND decision = 'promoted'").head();
    assertThat(decision.<String>getAs("comparator_id")).isEqualTo(WEAK);
    assertThat(decision.<String>getAs("comparator_kind")).isEqualTo("champion");
    Row moved = spark.sql("SELECT * FROM carelake.models.registry WHERE outcome = 'hypertension'"
        + " AND alias = 'champion' ORDER BY version DESC").head();
    assertThat(moved.<String>getAs("iteration_id")).isEqualTo(STRONG);
    assertThat(moved.<String>getAs("previous_iteration_id")).isEqualTo(WEAK);
    assertThat(moved.<Long>getAs("version")).isEqualTo(2L);
  }

  @Test
  @Order(5)
  void withoutAnIterationTheLatestModelOfEachOutcomeIsEvaluatedNeverABaseline() {
    assertThat(runJob()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSessions.open(cfg);
    Row run = TestEvaluateJob.latestEvaluateRun(spark);
    assertThat(TestEvaluateJob.<String>map(run, "parameters"))
        .containsEntry("iteration", STRONG + "," + DM_STRONG);
  }
}
