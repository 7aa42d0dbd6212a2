package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.tables.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
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
 * <p>Everything is read from the tables the evaluate run wrote, at the snapshots the report cites:
 * {@code evaluation.results} (every metric of the whole split and at each operating point, each
 * row with its interval, the interval's method and level, n, events, patients and flags; subgroup
 * cells, suppressed ones without numbers), {@code evaluation.curves} (the binned calibration
 * curve), {@code evaluation.subgroup_gaps}, {@code evaluation.comparisons} and
 * {@code evaluation.gate_decisions}, each filtered to the evaluate run the report picked, and
 * {@code models.iterations}. The rows are a few hundred per run at most (metrics × interval methods
 * × subgroup cells): they are collected, the predictions never are.
 */
public record ModelEvaluation(
    String evaluateRunId,
    String confidenceLevel,
    List<Item> items,
    List<Metric> metrics,
    List<Iteration> iterations,
    List<CalibrationPoint> calibration,
    List<CurvePoint> smoothedCalibration,
    List<CurvePoint> decisionCurves,
    List<SubgroupRow> subgroups,
    List<SubgroupGap> subgroupGaps,
    List<Comparison> comparisons,
    List<GateDecision> gates) {

  public ModelEvaluation {
    items = List.copyOf(items);
    metrics = List.copyOf(metrics);
    iterations = List.copyOf(iterations);
    calibration = List.copyOf(calibration);
    smoothedCalibration = List.copyOf(smoothedCalibration);
    decisionCurves = List.copyOf(decisionCurves);
    subgroups = List.copyOf(subgroups);
    subgroupGaps = List.copyOf(subgroupGaps);
    comparisons = List.copyOf(comparisons);
    gates = List.copyOf(gates);
  }

  /**
   * A TRIPOD+AI item as this report answers it: {@code REPORTED} (the content is below),
   * {@code PARTIAL}, or {@code NOT_RECORDED} (with what would record it).
   */
  public record Item(String item, String topic, String status, String statement) {}

  /**
   * One whole-split row of evaluation.results: a metric of the split ({@code operatingPoint}
   * null) or at an operating point, with its interval, the interval's method and level, rows,
   * events and patients behind it, and the evaluate run's flags (few events, undefined in
   * resamples, ...).
   */
  public record Metric(String runId, String iterationId, String outcome, String split,
      String metric, String operatingPoint, Double value, Double ciLow, Double ciHigh,
      String ciMethod, Double ciLevel, Long n, Long nPositive, Long nPatients,
      List<String> flags, Long predictionsSnapshotId) {

    public Metric {
      flags = flags == null ? List.of() : List.copyOf(flags);
    }
  }

  /** An iteration the metrics are about, as models.iterations holds it. */
  public record Iteration(String iterationId, String modelType, List<String> features,
      Map<String, String> params, String intervalStart, String intervalEnd, Long trainRows,
      Long testRows, Long trainPositive, Long testPositive, Long nullLabelRows,
      Long featureSnapshotId, String runId) {}

  /**
   * A point of the binned calibration curve: mean predicted risk ({@code x}) against the
   * observed rate ({@code y}) of a bin, with the observed rate's pointwise interval.
   */
  public record CalibrationPoint(String iterationId, String outcome, String split, int point,
      Double meanPredicted, Double observed, Double ciLow, Double ciHigh, String ciMethod,
      Double ciLevel, Long n, Long events) {}

  /**
   * A point of a curve of evaluation.curves other than the binned calibration: the smoothed
   * calibration curve ({@code calibration_smoothed}: x the predicted risk, y the LOWESS observed
   * rate, with its pointwise interval; n the rows weighing on it) or a decision curve
   * ({@code decision_model}, {@code decision_treat_all}, {@code decision_treat_none}: x the
   * threshold, y the net benefit with its interval). {@code method} is evaluate's description.
   */
  public record CurvePoint(String iterationId, String outcome, String split, String curve,
      int point, Double x, Double y, Double ciLow, Double ciHigh, String ciMethod,
      Double ciLevel, Long n, Long events, String method) {}

  /** A metric in a subgroup cell; a {@code suppressed} cell carries no value, interval or count. */
  public record SubgroupRow(String iterationId, String outcome, String split, String subgroup,
      String level, String metric, Double value, Double ciLow, Double ciHigh, String ciMethod,
      Double ciLevel, Long n, Long events, boolean suppressed) {}

  /** A subgroup's difference from the reference level, with its Holm-adjusted p-value. */
  public record SubgroupGap(String iterationId, String outcome, String split, String subgroup,
      String metric, String level, String reference, Double difference, Double ciLow,
      Double ciHigh, String ciMethod, Double ciLevel, Double pHolm, Boolean significant) {}

  /** A paired difference between two iterations on the same rows. */
  public record Comparison(String iterationId, String baselineId, String outcome, String split,
      String metric, Double valueIteration, Double valueBaseline, Double difference,
      Double ciLow, Double ciHigh, String ciMethod, Double ciLevel, Double pValue, Long n,
      Long nPositive, Long nPatients) {}

  /** One criterion of a gate decision, as evaluate recorded it. */
  public record Criterion(String id, String scope, String metric, String interval, String rule,
      String status, String subgroup, Double value, Double ciLow, Double ciHigh, String detail) {}

  /** The promotion gate's decision on an iteration, every criterion and reason for it. */
  public record GateDecision(String iterationId, String outcome, String split, String alias,
      String comparatorId, String comparatorKind, String decision, List<Criterion> criteria,
      List<String> reasons, String specVersion, String specSha256, Double ciLevel,
      String decidedAt) {

    public GateDecision {
      criteria = List.copyOf(criteria);
      reasons = List.copyOf(reasons);
    }
  }

  /** What the evaluate run wrote, each table at the snapshot the report cites (absent: none). */
  record Sources(Optional<Dataset<Row>> results, Optional<Dataset<Row>> curves,
      Optional<Dataset<Row>> subgroupGaps, Optional<Dataset<Row>> comparisons,
      Optional<Dataset<Row>> gateDecisions, Optional<Dataset<Row>> iterations) {}

  static ModelEvaluation none() {
    return new ModelEvaluation(null, null, TripodItems.items(null, List.of(), List.of(),
        List.of(), List.of(), List.of(), List.of()), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), List.of());
  }

  private static final String[] RESULT_COLUMNS = {"run_id", "iteration_id", "outcome", "split",
      "metric", "operating_point", "value", "ci_low", "ci_high", "ci_method", "ci_level", "n",
      "n_positive", "n_patients", "predictions_snapshot_id", "subgroup_dimension",
      "subgroup_value", "suppressed"};

  private static final String[] CURVE_COLUMNS = {"iteration_id", "outcome", "split", "point", "x",
      "y", "ci_low", "ci_high", "ci_method", "ci_level", "n", "n_positive", "curve", "run_id",
      "method"};

  private static final String[] GAP_COLUMNS = {"iteration_id", "outcome", "split",
      "subgroup_dimension", "metric", "subgroup_value", "reference_value", "difference",
      "ci_low", "ci_high", "ci_method", "ci_level", "p_holm", "significant", "run_id"};

  private static final String[] COMPARISON_COLUMNS = {"iteration_id", "baseline_id", "outcome",
      "split", "metric", "value_iteration", "value_baseline", "difference", "ci_low", "ci_high",
      "ci_method", "ci_level", "p_value", "n", "n_positive", "n_patients", "run_id"};

  private static final String[] ITERATION_COLUMNS = {"iteration_id", "model_type",
      "interval_start", "interval_end", "train_rows", "test_rows", "train_positive",
      "test_positive", "null_label_rows", "feature_snapshot_id", "run_id"};

  /**
   * @param sources the evaluation tables and models.iterations at the cited snapshots
   * @param parameters the evaluate run's parameters ({@code confidence}: the CI level it ran at)
   */
  static ModelEvaluation read(Sources sources, String evaluateRunId,
      Map<String, String> parameters) {
    if (evaluateRunId == null) {
      return none();
    }
    List<Metric> metrics = new ArrayList<>();
    List<SubgroupRow> subgroups = new ArrayList<>();
    if (sources.results().isPresent()) {
      Dataset<Row> df = sources.results().get();
      boolean hasFlags = Arrays.asList(df.columns()).contains("flags");
      Dataset<Row> rows = RunResults.select(df.filter(col("run_id").equalTo(evaluateRunId))
              .withColumn("_flags", hasFlags ? col("flags") : lit(null).cast("array<string>")),
          with(RESULT_COLUMNS, "_flags"), with(types(RESULT_COLUMNS, "value", "ci_low",
              "ci_high", "ci_level"), DataTypes.createArrayType(DataTypes.StringType)));
      Column whole = col("subgroup_dimension").isNull()
          .or(col("subgroup_dimension").equalTo("all"));
      for (Row r : rows.filter(whole).orderBy(col("iteration_id"), col("outcome"),
          col("split"), col("operating_point").asc_nulls_first(), col("metric"),
          col("ci_method")).collectAsList()) {
        metrics.add(new Metric(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.getString(5), RunResults.doubleOrNull(r, 6),
            RunResults.doubleOrNull(r, 7), RunResults.doubleOrNull(r, 8), r.getString(9),
            RunResults.doubleOrNull(r, 10), RunResults.longOrNull(r, 11),
            RunResults.longOrNull(r, 12), RunResults.longOrNull(r, 13),
            r.isNullAt(18) ? List.of() : r.<String>getList(18), RunResults.longOrNull(r, 14)));
      }
      for (Row r : rows.filter(whole.unary_$bang()).orderBy("iteration_id", "outcome", "split",
          "subgroup_dimension", "subgroup_value", "metric", "ci_method").collectAsList()) {
        boolean suppressed = "true".equals(r.getString(17));
        // a suppressed cell is shown without numbers, whatever a row might carry
        subgroups.add(new SubgroupRow(r.getString(1), r.getString(2), r.getString(3),
            r.getString(15), r.getString(16), r.getString(4),
            suppressed ? null : RunResults.doubleOrNull(r, 6),
            suppressed ? null : RunResults.doubleOrNull(r, 7),
            suppressed ? null : RunResults.doubleOrNull(r, 8), r.getString(9),
            RunResults.doubleOrNull(r, 10), suppressed ? null : RunResults.longOrNull(r, 11),
            suppressed ? null : RunResults.longOrNull(r, 12), suppressed));
      }
    }
    List<CalibrationPoint> calibration = new ArrayList<>();
    sources.curves().ifPresent(df -> {
      for (Row r : ofRun(df, CURVE_COLUMNS, types(CURVE_COLUMNS, "x", "y", "ci_low", "ci_high",
          "ci_level"), evaluateRunId).filter(col("curve").equalTo(CALIBRATION_CURVE))
          .orderBy("iteration_id", "outcome", "split", "point").collectAsList()) {
        calibration.add(new CalibrationPoint(r.getString(0), r.getString(1), r.getString(2),
            r.isNullAt(3) ? 0 : (int) r.getLong(3), RunResults.doubleOrNull(r, 4),
            RunResults.doubleOrNull(r, 5), RunResults.doubleOrNull(r, 6),
            RunResults.doubleOrNull(r, 7), r.getString(8), RunResults.doubleOrNull(r, 9),
            RunResults.longOrNull(r, 10), RunResults.longOrNull(r, 11)));
      }
    });
    List<CurvePoint> smoothed = new ArrayList<>();
    List<CurvePoint> decision = new ArrayList<>();
    sources.curves().ifPresent(df -> {
      for (Row r : ofRun(df, CURVE_COLUMNS, types(CURVE_COLUMNS, "x", "y", "ci_low", "ci_high",
          "ci_level"), evaluateRunId).filter(col("curve").isin(SMOOTHED_CURVE, DECISION_MODEL,
          DECISION_TREAT_ALL, DECISION_TREAT_NONE)).orderBy("iteration_id", "outcome", "split",
          "curve", "point").collectAsList()) {
        CurvePoint p = new CurvePoint(r.getString(0), r.getString(1), r.getString(2),
            r.getString(12), r.isNullAt(3) ? 0 : (int) r.getLong(3),
            RunResults.doubleOrNull(r, 4), RunResults.doubleOrNull(r, 5),
            RunResults.doubleOrNull(r, 6), RunResults.doubleOrNull(r, 7), r.getString(8),
            RunResults.doubleOrNull(r, 9), RunResults.longOrNull(r, 10),
            RunResults.longOrNull(r, 11), r.getString(14));
        (SMOOTHED_CURVE.equals(p.curve()) ? smoothed : decision).add(p);
      }
    });
    List<SubgroupGap> gaps = new ArrayList<>();
    sources.subgroupGaps().ifPresent(df -> {
      for (Row r : ofRun(df, GAP_COLUMNS, types(GAP_COLUMNS, "difference", "ci_low", "ci_high",
          "ci_level", "p_holm"), evaluateRunId).orderBy("iteration_id", "outcome", "split",
          "subgroup_dimension", "metric", "subgroup_value", "ci_method").collectAsList()) {
        gaps.add(new SubgroupGap(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.getString(5), r.getString(6), RunResults.doubleOrNull(r, 7),
            RunResults.doubleOrNull(r, 8), RunResults.doubleOrNull(r, 9), r.getString(10),
            RunResults.doubleOrNull(r, 11), RunResults.doubleOrNull(r, 12),
            r.isNullAt(13) ? null : "true".equals(r.getString(13))));
      }
    });
    List<Comparison> comparisons = new ArrayList<>();
    sources.comparisons().ifPresent(df -> {
      for (Row r : ofRun(df, COMPARISON_COLUMNS, types(COMPARISON_COLUMNS, "value_iteration",
          "value_baseline", "difference", "ci_low", "ci_high", "ci_level", "p_value"),
          evaluateRunId).orderBy("iteration_id", "baseline_id", "outcome", "split", "metric",
          "ci_method").collectAsList()) {
        comparisons.add(new Comparison(r.getString(0), r.getString(1), r.getString(2),
            r.getString(3), r.getString(4), RunResults.doubleOrNull(r, 5),
            RunResults.doubleOrNull(r, 6), RunResults.doubleOrNull(r, 7),
            RunResults.doubleOrNull(r, 8), RunResults.doubleOrNull(r, 9), r.getString(10),
            RunResults.doubleOrNull(r, 11), RunResults.doubleOrNull(r, 12),
            RunResults.longOrNull(r, 13), RunResults.longOrNull(r, 14),
            RunResults.longOrNull(r, 15)));
      }
    });
    List<GateDecision> gates = sources.gateDecisions()
        .map(df -> gateDecisions(df, evaluateRunId)).orElse(List.of());
    List<Iteration> its = sources.iterations()
        .map(df -> iterations(df, metrics.stream().map(Metric::iterationId).distinct().toList()))
        .orElse(List.of());
    String level = parameters.get("confidence");
    List<Item> items = TripodItems.items(level, metrics, its, calibration, smoothed, decision,
        subgroups, comparisons, gates);
    return new ModelEvaluation(evaluateRunId, level, items, metrics, its, calibration, smoothed,
        decision, subgroups, gaps, comparisons, gates);
  }

  /** The curve of evaluation.curves the calibration plot draws. */
  static final String CALIBRATION_CURVE = "calibration_binned";
  /** The LOWESS calibration curve with its pointwise band, and the decision curves. */
  static final String SMOOTHED_CURVE = "calibration_smoothed";
  static final String DECISION_MODEL = "decision_model";
  static final String DECISION_TREAT_ALL = "decision_treat_all";
  static final String DECISION_TREAT_NONE = "decision_treat_none";

  private static Dataset<Row> ofRun(Dataset<Row> df, String[] columns, DataType[] types,
      String runId) {
    return RunResults.select(df.filter(col("run_id").equalTo(runId)), columns, types);
  }

  /** Strings, except the named doubles; counts ({@code n*}, {@code point}) are longs. */
  private static DataType[] types(String[] columns, String... doubles) {
    List<String> asDouble = Arrays.asList(doubles);
    DataType[] types = new DataType[columns.length];
    for (int i = 0; i < columns.length; i++) {
      String c = columns[i];
      types[i] = asDouble.contains(c) ? DataTypes.DoubleType
          : c.equals("n") || c.startsWith("n_") || c.equals("point")
              || c.endsWith("_snapshot_id") ? DataTypes.LongType
          : DataTypes.StringType;
    }
    return types;
  }

  private static String[] with(String[] columns, String more) {
    String[] all = Arrays.copyOf(columns, columns.length + 1);
    all[columns.length] = more;
    return all;
  }

  private static DataType[] with(DataType[] types, DataType more) {
    DataType[] all = Arrays.copyOf(types, types.length + 1);
    all[types.length] = more;
    return all;
  }

  private static List<GateDecision> gateDecisions(Dataset<Row> df, String runId) {
    List<String> columns = Arrays.asList(df.columns());
    for (String needed : List.of("iteration_id", "decision", "criteria", "reasons")) {
      if (!columns.contains(needed)) {
        throw new IllegalStateException(Tables.EVALUATION_GATE_DECISIONS + " has no column "
            + needed + " (columns: " + columns + "): is it from another carelake version?");
      }
    }
    List<GateDecision> gates = new ArrayList<>();
    for (Row r : df.filter(col("run_id").equalTo(runId)).orderBy("outcome", "iteration_id")
        .select(col("iteration_id"), col("outcome"), col("split"), col("alias"),
            col("comparator_id"), col("comparator_kind"), col("decision"), col("criteria"),
            col("reasons"), col("spec_version"), col("spec_sha256"), col("ci_level"),
            col("decided_at")).collectAsList()) {
      List<Criterion> criteria = new ArrayList<>();
      for (Row c : r.<Row>getList(7)) {
        criteria.add(new Criterion(c.getAs("id"), c.getAs("scope"), c.getAs("metric"),
            c.getAs("interval"), c.getAs("rule"), c.getAs("status"), c.getAs("subgroup"),
            c.getAs("value"), c.getAs("ci_low"), c.getAs("ci_high"), c.getAs("detail")));
      }
      gates.add(new GateDecision(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
          r.getString(4), r.getString(5), r.getString(6), criteria, r.getList(8),
          r.getString(9), r.getString(10), RunResults.doubleOrNull(r, 11),
          LedgerStages.iso(r.get(12))));
    }
    return gates;
  }

  private static List<Iteration> iterations(Dataset<Row> iterations, List<String> ids) {
    List<Iteration> its = new ArrayList<>();
    if (ids.isEmpty()) {
      return its;
    }
    Dataset<Row> rows = iterations.filter(col("iteration_id").isin(ids.toArray()));
    DataType[] types = new DataType[ITERATION_COLUMNS.length];
    Arrays.fill(types, DataTypes.StringType);
    for (int i : new int[] {4, 5, 6, 7, 8, 9}) {
      types[i] = DataTypes.LongType;
    }
    Dataset<Row> picked = RunResults.select(rows, ITERATION_COLUMNS, types);
    boolean hasFeatures = Arrays.asList(rows.columns()).contains("features");
    boolean hasParams = Arrays.asList(rows.columns()).contains("params");
    for (Row r : rows.select(col("iteration_id").as("_id"),
        hasFeatures ? col("features") : lit(null).cast("array<string>").as("features"),
        hasParams ? col("params").cast("map<string,string>")
            : lit(null).cast("map<string,string>").as("params"))
        .join(picked, col("_id").equalTo(picked.col("iteration_id")))
        .orderBy("_id").collectAsList()) {
      its.add(new Iteration(r.getString(0), r.getString(4),
          r.isNullAt(1) ? List.of() : r.getList(1), r.isNullAt(2) ? Map.of()
          : new TreeMap<>(r.<String, String>getJavaMap(2)), r.getString(5), r.getString(6),
          RunResults.longOrNull(r, 7), RunResults.longOrNull(r, 8), RunResults.longOrNull(r, 9),
          RunResults.longOrNull(r, 10), RunResults.longOrNull(r, 11),
          RunResults.longOrNull(r, 12), r.getString(13)));
    }
    return its;
  }
}
