package io.carelake.reports;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The model-evaluation section, in the order of the TRIPOD+AI (Collins et al., BMJ 2024) items a
 * pipeline can answer from what it recorded: data sources and dates (5a, 5b), predictors (9a),
 * sample size (10), missing data (11), model type (12c), performance measures (12e), fairness (14),
 * participants and events (21), performance with confidence intervals (23a) and across subgroups
 * (23b), then the comparison with the champion and the promotion gate (not a TRIPOD+AI item).
 *
 * <p>Today the evaluate run writes {@code evaluation.results} (a metric per iteration and split,
 * with n, events, an interval and its method; the level is the run's {@code confidence}
 * parameter) and train writes {@code models.iterations}. Calibration curves, subgroups,
 * comparisons and the gate decision have their place here and in report.json but are empty until
 * model-evaluation writes them; each item says what it is waiting for ({@link Item#status}).
 */
public record ModelEvaluation(
    String evaluateRunId,
    String confidenceLevel,
    List<Item> items,
    List<Metric> metrics,
    List<Iteration> iterations,
    List<CalibrationPoint> calibration,
    List<SubgroupRow> subgroups,
    List<Comparison> comparisons,
    GateDecision gate) {

  public ModelEvaluation {
    items = List.copyOf(items);
    metrics = List.copyOf(metrics);
    iterations = List.copyOf(iterations);
    calibration = List.copyOf(calibration);
    subgroups = List.copyOf(subgroups);
    comparisons = List.copyOf(comparisons);
  }

  /**
   * A TRIPOD+AI item as this report answers it: {@code REPORTED} (the content is below),
   * {@code PARTIAL}, or {@code NOT_RECORDED} (with what would record it).
   */
  public record Item(String item, String topic, String status, String statement) {}

  /** One row of evaluation.results for the evaluate run picked. */
  public record Metric(String runId, String iterationId, String split, String metric,
      Double value, Double ciLow, Double ciHigh, String ciMethod, Long n, Long nPositive,
      Long predictionsSnapshotId) {}

  /** An iteration the metrics are about, as models.iterations holds it. */
  public record Iteration(String iterationId, String modelType, List<String> features,
      Map<String, String> params, String intervalStart, String intervalEnd, Long trainRows,
      Long testRows, Long trainPositive, Long testPositive, Long nullLabelRows,
      Long featureSnapshotId, String runId) {}

  /** A point of a calibration curve (binned): mean predicted risk against observed rate. */
  public record CalibrationPoint(String iterationId, String split, Double meanPredicted,
      Double observed, Long n, Long events) {}

  /** A metric in a subgroup; {@code suppressed} cells carry no numbers. */
  public record SubgroupRow(String iterationId, String subgroup, String level, String metric,
      Double value, Double ciLow, Double ciHigh, Long n, Long events, boolean suppressed) {}

  /** A paired difference between two iterations on the same rows. */
  public record Comparison(String iterationId, String baselineId, String metric,
      Double difference, Double ciLow, Double ciHigh, String ciMethod, Long n) {}

  /** The promotion gate's decision and every reason for it. */
  public record GateDecision(String iterationId, String decision, List<String> reasons) {}

  static ModelEvaluation none() {
    return new ModelEvaluation(null, null, items(null, List.of(), List.of()), List.of(), List.of(),
        List.of(), List.of(), List.of(), null);
  }

  private static final String[] METRIC_COLUMNS = {"run_id", "iteration_id", "split", "metric",
      "value", "ci_low", "ci_high", "ci_method", "n", "n_positive", "predictions_snapshot_id"};

  private static final String[] ITERATION_COLUMNS = {"iteration_id", "model_type",
      "interval_start", "interval_end", "train_rows", "test_rows", "train_positive",
      "test_positive", "null_label_rows", "feature_snapshot_id", "run_id"};

  /**
   * @param results evaluation.results at the cited snapshot
   * @param iterations models.iterations at the cited snapshot
   * @param parameters the evaluate run's parameters ({@code confidence}: the CI level)
   */
  static ModelEvaluation read(Optional<Dataset<Row>> results,
      Optional<Dataset<Row>> iterations, String evaluateRunId, Map<String, String> parameters) {
    List<Metric> metrics = new ArrayList<>();
    if (results.isPresent() && evaluateRunId != null) {
      DataType[] types = new DataType[METRIC_COLUMNS.length];
      Arrays.fill(types, DataTypes.StringType);
      for (int i : new int[] {4, 5, 6}) {
        types[i] = DataTypes.DoubleType;
      }
      for (int i : new int[] {8, 9, 10}) {
        types[i] = DataTypes.LongType;
      }
      for (Row r : RunResults.select(results.get().filter(col("run_id").equalTo(evaluateRunId)),
          METRIC_COLUMNS, types).orderBy("iteration_id", "split", "metric").collectAsList()) {
        metrics.add(new Metric(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            RunResults.doubleOrNull(r, 4), RunResults.doubleOrNull(r, 5),
            RunResults.doubleOrNull(r, 6), r.getString(7), RunResults.longOrNull(r, 8),
            RunResults.longOrNull(r, 9), RunResults.longOrNull(r, 10)));
      }
    }
    List<Iteration> its = new ArrayList<>();
    List<String> ids = metrics.stream().map(Metric::iterationId).distinct().toList();
    if (iterations.isPresent() && !ids.isEmpty()) {
      Dataset<Row> rows = iterations.get().filter(col("iteration_id").isin(ids.toArray()));
      DataType[] types = new DataType[ITERATION_COLUMNS.length];
      Arrays.fill(types, DataTypes.StringType);
      for (int i : new int[] {4, 5, 6, 7, 8, 9}) {
        types[i] = DataTypes.LongType;
      }
      Dataset<Row> picked = RunResults.select(rows, ITERATION_COLUMNS, types);
      boolean hasFeatures = Arrays.asList(rows.columns()).contains("features");
      boolean hasParams = Arrays.asList(rows.columns()).contains("params");
      for (Row r : rows.select(col("iteration_id").as("_id"),
          hasFeatures ? col("features") : org.apache.spark.sql.functions.lit(null)
              .cast("array<string>").as("features"),
          hasParams ? col("params") : org.apache.spark.sql.functions.lit(null)
              .cast("map<string,string>").as("params"))
          .join(picked, col("_id").equalTo(picked.col("iteration_id")))
          .orderBy("_id").collectAsList()) {
        its.add(new Iteration(r.getString(0), r.getString(4),
            r.isNullAt(1) ? List.of() : r.getList(1), r.isNullAt(2) ? Map.of()
            : new TreeMap<>(r.<String, String>getJavaMap(2)), r.getString(5), r.getString(6),
            RunResults.longOrNull(r, 7), RunResults.longOrNull(r, 8), RunResults.longOrNull(r, 9),
            RunResults.longOrNull(r, 10), RunResults.longOrNull(r, 11),
            RunResults.longOrNull(r, 12), r.getString(13)));
      }
    }
    String level = parameters.get("confidence");
    return new ModelEvaluation(evaluateRunId, level, items(level, metrics, its), metrics, its,
        List.of(), List.of(), List.of(), null);
  }

  /** The TRIPOD+AI items this section answers, in the checklist's order. */
  static List<Item> items(String level, List<Metric> metrics, List<Iteration> iterations) {
    boolean any = !metrics.isEmpty();
    boolean described = !iterations.isEmpty();
    String reported = "REPORTED";
    String missing = "NOT_RECORDED";
    List<Item> items = new ArrayList<>();
    items.add(new Item("5a", "Data sources", any ? reported : missing, any
        ? "the predictions' snapshot of models.predictions, traced back to raw in the lineage"
            + " section" : "no evaluate run for this interval"));
    items.add(new Item("5b", "Data dates", described ? reported : missing, described
        ? "each iteration's data interval (below)" : "models.iterations has no row for the"
            + " evaluated iterations"));
    items.add(new Item("6b", "Eligibility (cohort)", missing, "a versioned cohort definition and"
        + " its hash on every iteration (risk-model issue 12)"));
    items.add(new Item("8a", "Outcome definition", missing, "a versioned outcome phenotype and"
        + " its hash on every iteration (risk-model issue 12)"));
    items.add(new Item("9a", "Predictors", described ? reported : missing, described
        ? "the features each iteration used (below)" : "no iteration row"));
    items.add(new Item("10", "Sample size", any ? reported : missing, any
        ? "n and events of every metric, train and test rows of every iteration" : "no metric"));
    items.add(new Item("11", "Missing data", described ? "PARTIAL" : missing, described
        ? "rows without a label are counted per iteration; per-feature missingness needs the"
            + " dataset's data card (issue 12)" : "no iteration row"));
    items.add(new Item("12c", "Model type and building", described ? reported : missing,
        described ? "model type and parameters (below)" : "no iteration row"));
    items.add(new Item("12e", "Performance measures", any ? "PARTIAL" : missing, any
        ? "discrimination (AUROC) and overall accuracy (Brier) with intervals; calibration"
            + " (intercept, slope, curve) and clinical utility need evaluation's calibration and"
            + " decision-curve tables (issue 13)" : "no metric"));
    items.add(new Item("14", "Fairness", missing, "metrics per subgroup (sex, age band, region)"
        + " with suppressed small cells, from evaluation's subgroup table (issue 13)"));
    items.add(new Item("21", "Participants and outcome events", any ? reported : missing, any
        ? "n and events per metric (below)" : "no metric"));
    items.add(new Item("23a", "Performance with confidence intervals", any ? reported : missing,
        any ? "every metric with n, events, its interval, the interval's method and level ("
            + (level == null ? "level not recorded by the evaluate run" : level) + ")"
            : "no metric"));
    items.add(new Item("23b", "Performance across subgroups", missing, "evaluation's subgroup"
        + " table (issue 13)"));
    items.add(new Item("gate", "Comparison and promotion gate (carelake)", missing,
        "evaluation.comparisons and the gate's decision table (issue 13)"));
    return items;
  }
}
