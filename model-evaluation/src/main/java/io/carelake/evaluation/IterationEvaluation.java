package io.carelake.evaluation;

import io.carelake.evaluation.bootstrap.Calibrators;
import io.carelake.evaluation.bootstrap.Replicate;
import io.carelake.evaluation.bootstrap.ReplicateSet;
import io.carelake.evaluation.bootstrap.SweepPlan;
import io.carelake.evaluation.spec.EvaluationSpec;
import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.CalibrationIndex;
import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Evaluates one (iteration, outcome, split): every metric of the spec with its patient-level
 * intervals, the curves, and the subgroups with their gap tests, as rows of evaluation.results,
 * evaluation.curves and evaluation.subgroup_gaps, plus the intervals the promotion gate reads.
 */
final class IterationEvaluation {

  /** The metrics of the whole test set with no operating point. */
  static final List<String> SCALAR_METRICS = List.of("auroc", "auprc", "brier", "scaled_brier",
      "prevalence", "mean_predicted", "observed_expected_ratio", "calibration_intercept",
      "calibration_slope", "ici", "e50", "e90");

  /** What one evaluation produced. */
  record Outcome(List<Row> results, List<Row> curves, List<Row> gaps,
      Map<String, Interval> overall, List<CellIntervals> cells, long n, long events,
      long patients) {

    /** The overall interval of a metric by method, or null. */
    Interval overall(String metric, String method) {
      return overall.get(metric + "|" + method);
    }
  }

  /** A subgroup cell's intervals (empty when suppressed). */
  record CellIntervals(String label, boolean suppressed, Map<String, Interval> byMetricAndMethod) {}

  private final EvaluationUnit unit;
  private final EvaluationSpec spec;
  private final ResultRows rows;

  private IterationEvaluation(EvaluationUnit unit) {
    this.unit = unit;
    this.spec = unit.spec();
    this.rows = new ResultRows(unit);
  }

  static Outcome evaluate(SparkSession spark, Dataset<Row> outcomeRows, List<String> subgroupColumns,
      EvaluationUnit unit) {
    return new IterationEvaluation(unit).run(spark, outcomeRows, subgroupColumns);
  }

  private Outcome run(SparkSession spark, Dataset<Row> outcomeRows, List<String> subgroupColumns) {
    Dataset<Row> data = outcomeRows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SubgroupCells.Profile profile = SubgroupCells.profile(data, subgroupColumns);
      long n = profile.n();
      long events = profile.events();
      long patients = profile.patients();
      boolean probabilities = n > 0 && profile.minScore() >= 0 && profile.maxScore() <= 1;
      SubgroupCells cells = profile.cells();
      LogisticCalibration.Fit[] fits = probabilities ? SparkCalibration.fit(data, events,
          n - events, profile.minScore(), profile.maxScore())
          : new LogisticCalibration.Fit[] {undefinedFit(), undefinedFit()};
      Calibrators calibrators = Calibrators.of(fits[0], fits[1]);
      SweepPlan plan = plan(spec, quantileEdges(data, spec), cells.size());
      SparkReplicates sweep = SparkReplicates.of(spark, cells.withCells(data), n, plan,
          calibrators);
      try {
        ReplicateSet set = sweep.replicates();
        AurocCovariance clustered = SparkObuchowski.covariance(List.of(sweep.placements()),
            new double[] {set.point().auroc()});
        Counts counts = new Counts(n, events, patients, probabilities);
        Map<String, Interval> overall = new LinkedHashMap<>();
        List<Row> results = new ArrayList<>();
        overallMetrics(set, fits, clustered, counts, results, overall);
        operatingPoints(set, counts, results);
        List<CellIntervals> cellIntervals = new ArrayList<>();
        subgroupMetrics(set, cells, counts, results, cellIntervals);
        List<Row> curves = curves(set, counts);
        List<Row> gaps = SubgroupGaps.tests(set, cells, cellIntervals, unit, spec);
        return new Outcome(results, curves, gaps, overall, cellIntervals, n, events, patients);
      } finally {
        sweep.close();
      }
    } finally {
      data.unpersist();
    }
  }

  /** Row counts of the evaluated rows, and whether the scores are probabilities. */
  record Counts(long n, long events, long patients, boolean probabilities) {
    boolean fewEvents(int minEvents) {
      return events < minEvents || n - events < minEvents;
    }
  }

  static LogisticCalibration.Fit undefinedFit() {
    return new LogisticCalibration.Fit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, false);
  }

  /** The sweep's plan: every threshold of the operating points and the decision curve. */
  static SweepPlan plan(EvaluationSpec spec, double[] quantileEdges, int cells) {
    TreeSet<Double> thresholds = new TreeSet<>(spec.operatingPoints().thresholds());
    for (double t : spec.decisionCurve().thresholds()) {
      thresholds.add(t);
    }
    return new SweepPlan(spec.bootstrap().seed(), spec.bootstrap().resamples(),
        spec.bootstrap().jackknifeGroups(),
        thresholds.stream().mapToDouble(Double::doubleValue).toArray(),
        spec.calibration().bins(), quantileEdges,
        spec.operatingPoints().sensitivities().stream().mapToDouble(Double::doubleValue).toArray(),
        cells);
  }

  /** Edges of equal-count score bins for the smoothed calibration curve (approximate quantiles). */
  static double[] quantileEdges(Dataset<Row> data, EvaluationSpec spec) {
    int bins = spec.calibration().smoothingBins();
    double[] probabilities = new double[bins - 1];
    for (int k = 1; k < bins; k++) {
      probabilities[k - 1] = (double) k / bins;
    }
    return Arrays.stream(data.stat().approxQuantile("score", probabilities, 1e-4))
        .distinct().sorted().toArray();
  }

  private void overallMetrics(ReplicateSet set, LogisticCalibration.Fit[] fits,
      AurocCovariance clustered, Counts counts, List<Row> out, Map<String, Interval> overall) {
    double span = spec.calibration().span();
    Map<String, ToDoubleFunction<Replicate>> metrics = new LinkedHashMap<>();
    metrics.put("auroc", Replicate::auroc);
    metrics.put("auprc", Replicate::averagePrecision);
    metrics.put("brier", probabilistic(counts, Replicate::brier));
    metrics.put("scaled_brier", probabilistic(counts, Replicate::scaledBrier));
    metrics.put("prevalence", Replicate::prevalence);
    metrics.put("mean_predicted", Replicate::meanPredicted);
    metrics.put("observed_expected_ratio", probabilistic(counts, Replicate::observedExpected));
    metrics.put("calibration_intercept", Replicate::calibrationIntercept);
    metrics.put("calibration_slope", Replicate::calibrationSlope);
    metrics.put("ici", probabilistic(counts, r -> r.smoothedCalibration(span).ici()));
    metrics.put("e50", probabilistic(counts, r -> r.smoothedCalibration(span).e50()));
    metrics.put("e90", probabilistic(counts, r -> r.smoothedCalibration(span).e90()));
    for (Map.Entry<String, ToDoubleFunction<Replicate>> m : metrics.entrySet()) {
      double[] values = set.values(m.getValue());
      // the exact fits are the estimates; replicate 0 equals them to the fit's tolerance
      double estimate = switch (m.getKey()) {
        case "calibration_intercept" -> fits[0].intercept();
        case "calibration_slope" -> fits[1].slope();
        default -> values[0];
      };
      ReplicateSet.Summary summary = set.summarize(estimate, values, unit.level());
      List<String> flags = flags(counts, summary, !counts.probabilities()
          && !"auroc".equals(m.getKey()) && !"auprc".equals(m.getKey())
          && !"prevalence".equals(m.getKey()));
      rows.bootstrap(out, null, null, m.getKey(), null, null, summary, counts.n(),
          counts.events(), counts.patients(), flags);
      overall.put(m.getKey() + "|" + Interval.BCA, new Interval(m.getKey(), Interval.BCA,
          summary.value(), summary.bca()[0], summary.bca()[1], false));
      overall.put(m.getKey() + "|" + Interval.PERCENTILE, new Interval(m.getKey(),
          Interval.PERCENTILE, summary.value(), summary.percentile()[0],
          summary.percentile()[1], false));
    }
    double auroc = clustered.auroc()[0];
    double[] ci = unit.level().wald(auroc, clustered.standardError(0), 0, 1);
    List<String> flags = new ArrayList<>();
    if (counts.fewEvents(spec.minEvents())) {
      flags.add("few_events");
    }
    if (!Double.isNaN(ci[0]) && ci[0] == ci[1]) {
      flags.add("zero_width_interval");
    }
    rows.analytic(out, null, null, "auroc", auroc, ci, Interval.OBUCHOWSKI, counts.n(),
        counts.events(), counts.patients(), flags);
    overall.put("auroc|" + Interval.OBUCHOWSKI, new Interval("auroc", Interval.OBUCHOWSKI, auroc,
        ci[0], ci[1], false));
  }

  /** A probability metric is undefined when the scores are not probabilities. */
  private static ToDoubleFunction<Replicate> probabilistic(Counts counts,
      ToDoubleFunction<Replicate> metric) {
    return counts.probabilities() ? metric : r -> Double.NaN;
  }

  /** Flags of one estimate: what a reader must know before trusting its interval. */
  List<String> flags(Counts counts, ReplicateSet.Summary s, boolean notProbabilities) {
    List<String> flags = new ArrayList<>();
    if (notProbabilities) {
      flags.add("scores_not_probabilities");
    }
    if (counts.fewEvents(spec.minEvents())) {
      flags.add("few_events");
    }
    if (s.undefined() > 0) {
      flags.add("undefined_in_resamples");
    }
    if (s.defined() && !Double.isNaN(s.percentile()[0]) && s.percentile()[0] == s.percentile()[1]) {
      flags.add("zero_width_interval");
    }
    if (s.defined() && Double.isNaN(s.bca()[0]) && !Double.isNaN(s.percentile()[0])) {
      flags.add("bca_undefined");
    }
    return flags;
  }

  private void operatingPoints(ReplicateSet set, Counts counts, List<Row> out) {
    for (double t : spec.operatingPoints().thresholds()) {
      String op = "threshold=" + t;
      Map<String, ToDoubleFunction<Replicate>> at = new LinkedHashMap<>();
      at.put("sensitivity", r -> ratio(r.confusionAt(t), 0, 3));
      at.put("specificity", r -> ratio(r.confusionAt(t), 2, 1));
      at.put("ppv", r -> ratio(r.confusionAt(t), 0, 1));
      at.put("npv", r -> ratio(r.confusionAt(t), 2, 3));
      at.put("net_benefit", r -> r.netBenefit(t));
      for (Map.Entry<String, ToDoubleFunction<Replicate>> m : at.entrySet()) {
        ReplicateSet.Summary s = set.summarize(set.values(m.getValue()), unit.level());
        rows.bootstrap(out, null, null, m.getKey(), op, t, s, counts.n(), counts.events(),
            counts.patients(), flags(counts, s, false));
      }
    }
    double[] targets = spec.operatingPoints().sensitivities().stream()
        .mapToDouble(Double::doubleValue).toArray();
    for (int i = 0; i < targets.length; i++) {
      final int target = i;
      String op = "sensitivity=" + targets[i];
      double[] point = set.point().atSensitivity(target);
      Double threshold = point == null ? null : point[0];
      Map<String, ToDoubleFunction<Replicate>> at = new LinkedHashMap<>();
      at.put("threshold", r -> pick(r.atSensitivity(target), 0));
      at.put("sensitivity", r -> ratioAt(r.atSensitivity(target), 1, 4));
      at.put("specificity", r -> ratioAt(r.atSensitivity(target), 3, 2));
      at.put("ppv", r -> ratioAt(r.atSensitivity(target), 1, 2));
      at.put("npv", r -> ratioAt(r.atSensitivity(target), 3, 4));
      for (Map.Entry<String, ToDoubleFunction<Replicate>> m : at.entrySet()) {
        ReplicateSet.Summary s = set.summarize(set.values(m.getValue()), unit.level());
        rows.bootstrap(out, null, null, m.getKey(), op, threshold, s, counts.n(),
            counts.events(), counts.patients(), flags(counts, s, false));
      }
    }
  }

  /** a / (a + b) of a {tp, fp, tn, fn} array. */
  static double ratio(double[] confusion, int a, int b) {
    double d = confusion[a] + confusion[b];
    return d > 0 ? confusion[a] / d : Double.NaN;
  }

  /** The same on a {threshold, tp, fp, tn, fn} array, NaN when there is none. */
  static double ratioAt(double[] point, int a, int b) {
    return point == null ? Double.NaN : ratio(point, a, b);
  }

  static double pick(double[] point, int i) {
    return point == null ? Double.NaN : point[i];
  }

  private void subgroupMetrics(ReplicateSet set, SubgroupCells cells, Counts overall,
      List<Row> out, List<CellIntervals> intervals) {
    EvaluationSpec.Subgroups sg = spec.subgroups();
    for (SubgroupCells.Cell cell : cells.cells()) {
      int c = cell.index();
      Replicate point = set.point();
      long n = Math.round(point.cellWeight(c));
      long events = Math.round(point.cellPositives(c));
      boolean suppressed = n < sg.minRows() || events < sg.minEvents()
          || n - events < sg.minEvents();
      Map<String, Interval> byMetric = new LinkedHashMap<>();
      Map<String, ToDoubleFunction<Replicate>> metrics = new LinkedHashMap<>();
      metrics.put("auroc", r -> r.cellAuroc(c));
      metrics.put("brier", probabilistic(overall, r -> r.cellBrier(c)));
      metrics.put("observed_expected_ratio", probabilistic(overall,
          r -> r.cellObservedExpected(c)));
      for (Map.Entry<String, ToDoubleFunction<Replicate>> m : metrics.entrySet()) {
        if (suppressed) {
          rows.suppressed(out, cell.dimension(), cell.value(), m.getKey(), sg.minRows(),
              sg.minEvents());
          continue;
        }
        ReplicateSet.Summary s = set.summarize(set.values(m.getValue()), unit.level());
        Counts cellCounts = new Counts(n, events, cell.patients(), overall.probabilities());
        rows.bootstrap(out, cell.dimension(), cell.value(), m.getKey(), null, null, s, n, events,
            cell.patients(), flags(cellCounts, s, !overall.probabilities()
                && !"auroc".equals(m.getKey())));
        byMetric.put(m.getKey() + "|" + Interval.BCA, new Interval(m.getKey(), Interval.BCA,
            s.value(), s.bca()[0], s.bca()[1], false));
        byMetric.put(m.getKey() + "|" + Interval.PERCENTILE, new Interval(m.getKey(),
            Interval.PERCENTILE, s.value(), s.percentile()[0], s.percentile()[1], false));
      }
      intervals.add(new CellIntervals(cell.label(), suppressed, byMetric));
    }
  }

  private List<Row> curves(ReplicateSet set, Counts counts) {
    List<Row> out = new ArrayList<>();
    CurveRows curves = new CurveRows(unit);
    Replicate point = set.point();
    // binned calibration curve: the non-empty uniform bins
    for (int k = 0; k < spec.calibration().bins(); k++) {
      final int bin = k;
      double[] sums = point.calibrationBin(k);
      if (!(sums[0] > 0) || !counts.probabilities()) {
        continue;
      }
      double[] observed = set.values(r -> {
        double[] b = r.calibrationBin(bin);
        return b[0] > 0 ? b[1] / b[0] : Double.NaN;
      });
      ReplicateSet.Summary s = set.summarize(observed, unit.level());
      curves.add(out, "calibration_binned", k, sums[2] / sums[0], s, Math.round(sums[0]),
          Math.round(sums[1]), "uniform bins over [0, 1], " + spec.calibration().bins()
              + " bins (scikit-learn calibration_curve)");
    }
    // smoothed calibration curve, with a pointwise band at the point estimate's bin means
    double span = spec.calibration().span();
    CalibrationIndex.Result smooth = counts.probabilities() ? point.smoothedCalibration(span)
        : null;
    if (smooth != null && smooth.defined()) {
      double[] x = smooth.predicted();
      double[][] band = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        final double at = x[i];
        band[i] = set.values(r -> interpolate(r.smoothedCalibration(span), at));
      }
      String method = "LOWESS (local linear, tricube, span " + span + ") of the observed rate on "
          + "the mean score of " + spec.calibration().smoothingBins() + " equal-count score bins";
      for (int i = 0; i < x.length; i++) {
        band[i][0] = smooth.smoothed()[i];
        curves.add(out, "calibration_smoothed", i, x[i], set.summarize(band[i], unit.level()),
            Math.round(smooth.weight()[i]), null, method);
      }
    }
    // decision curve: the model, treat all, treat none
    double[] grid = spec.decisionCurve().thresholds();
    for (int i = 0; i < grid.length; i++) {
      double t = grid[i];
      curves.add(out, "decision_model", i, t, set.summarize(set.values(r -> r.netBenefit(t)),
          unit.level()), counts.n(), counts.events(), "net benefit TP/n - FP/n * t/(1-t)");
      curves.add(out, "decision_treat_all", i, t, set.summarize(
          set.values(r -> r.netBenefitTreatAll(t)), unit.level()), counts.n(), counts.events(),
          "net benefit of treating everyone: prevalence - (1 - prevalence) * t/(1-t)");
      curves.add(out, "decision_treat_none", i, t, null, counts.n(), counts.events(),
          "net benefit of treating no one: 0");
    }
    return out;
  }

  /** The smoothed curve at x, linearly interpolated (NaN outside its range or when undefined). */
  static double interpolate(CalibrationIndex.Result r, double x) {
    double[] xs = r.predicted();
    double[] ys = r.smoothed();
    if (!r.defined() || x < xs[0] || x > xs[xs.length - 1]) {
      return Double.NaN;
    }
    int i = Arrays.binarySearch(xs, x);
    if (i >= 0) {
      return ys[i];
    }
    int hi = -i - 1;
    int lo = hi - 1;
    return ys[lo] + (ys[hi] - ys[lo]) * (x - xs[lo]) / (xs[hi] - xs[lo]);
  }
}
