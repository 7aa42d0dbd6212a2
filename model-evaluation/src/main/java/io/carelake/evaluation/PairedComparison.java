package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.tables.Tables;
import io.carelake.evaluation.bootstrap.Calibrators;
import io.carelake.evaluation.bootstrap.Replicate;
import io.carelake.evaluation.bootstrap.ReplicateSet;
import io.carelake.evaluation.bootstrap.SweepPlan;
import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * An iteration against a baseline (another iteration, or a published score recorded as one) on the
 * same test rows: the rows of both are joined on (patient, index date, outcome), and every metric's
 * difference (iteration − baseline) gets a paired interval: the patient-level bootstrap with the
 * same resamples for both (the weights depend only on the seed and the patient), and for AUROC also
 * the paired clustered DeLong test (Obuchowski's covariance of the two AUROCs). Rows of only one
 * side, and rows whose label differs between the two, are counted and left out.
 */
final class PairedComparison {

  /** The metrics whose difference is compared. */
  static final List<String> METRICS = List.of("auroc", "auprc", "brier", "scaled_brier",
      "observed_expected_ratio", "calibration_intercept", "calibration_slope", "ici", "e50", "e90");

  /** The comparison's rows and the difference intervals the gate reads (metric|method). */
  record Outcome(List<Row> rows, Map<String, Interval> differences, long n) {

    Interval difference(String metric, String method) {
      return differences.get(metric + "|" + method);
    }
  }

  private PairedComparison() {}

  static Outcome compare(SparkSession spark, Dataset<Row> iteration, Dataset<Row> baseline,
      String baselineId, EvaluationUnit unit) {
    Dataset<Row> x = iteration.select(col("patient_pseudonym"), col("index_date"),
        col("patient_hash"), col("label").as("label_x"), col("score").as("score_x"));
    // both sides read the same table: every column of one side is renamed, so that the join
    // condition cannot resolve to the same attribute on both sides
    Dataset<Row> y = baseline.select(col("patient_pseudonym").as("patient_y"),
        col("index_date").as("index_date_y"), col("label").as("label_y"),
        col("score").as("score_y"));
    requireOneRowPerKey(x, "patient_pseudonym", "index_date", unit.iterationId());
    requireOneRowPerKey(y, "patient_y", "index_date_y", baselineId);
    Dataset<Row> joined = x.join(y, col("patient_pseudonym").equalTo(col("patient_y"))
        .and(col("index_date").eqNullSafe(col("index_date_y"))), "inner")
        .select(col("patient_hash"), col("label_x"), col("label_y"), col("score_x"),
            col("score_y")).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row c = joined.agg(count(lit(1)),
          sum(when(col("label_x").notEqual(col("label_y")), 1).otherwise(0)).cast("long")).head();
      long matched = c.getLong(0);
      long mismatched = c.isNullAt(1) ? 0 : c.getLong(1);
      long onlyIteration = x.count() - matched;
      long onlyBaseline = y.count() - matched;
      Dataset<Row> paired = joined.filter(col("label_x").equalTo(col("label_y")))
          .withColumnRenamed("label_x", "label").drop("label_y");
      Row s = paired.agg(count(lit(1)), sum("label").cast("long"), countDistinct("patient_hash"))
          .head();
      long n = s.getLong(0);
      long events = s.isNullAt(1) ? 0 : s.getLong(1);
      long patients = s.getLong(2);
      Side left = side(spark, paired, "score_x", n, unit);
      Side right = side(spark, paired, "score_y", n, unit);
      try {
        return rows(left, right, baselineId, unit, new long[] {n, events, patients, onlyIteration,
            onlyBaseline, mismatched});
      } finally {
        left.sweep.close();
        right.sweep.close();
      }
    } finally {
      joined.unpersist();
    }
  }

  /** A join would multiply rows that repeat a key; refuse them, naming the iteration. */
  private static void requireOneRowPerKey(Dataset<Row> rows, String patient, String indexDate,
      String iterationId) {
    long keys = rows.select(patient, indexDate).distinct().count();
    long all = rows.count();
    if (keys != all) {
      throw new IllegalStateException(Tables.MODELS_PREDICTIONS + " holds " + (all - keys)
          + " repeated (patient_pseudonym, index_date) rows for iteration " + iterationId
          + " in one outcome and split; a paired comparison needs one row per patient and index"
          + " date: check the train job that wrote them");
    }
  }

  /** One model's sweep on the paired rows. */
  private record Side(ReplicateSet set, LogisticCalibration.Fit[] fits, SparkReplicates sweep,
      Dataset<Row> placements, boolean probabilities) {}

  private static Side side(SparkSession spark, Dataset<Row> paired, String score, long n,
      EvaluationUnit unit) {
    Dataset<Row> rows = paired.select(col("patient_hash"), col("label"), col(score).as("score"));
    Row range = rows.agg(org.apache.spark.sql.functions.min("score"),
        org.apache.spark.sql.functions.max("score"),
        org.apache.spark.sql.functions.sum("label").cast("long")).head();
    boolean probabilities = n > 0 && range.getDouble(0) >= 0 && range.getDouble(1) <= 1;
    long events = range.isNullAt(2) ? 0 : range.getLong(2);
    LogisticCalibration.Fit[] fits = probabilities ? SparkCalibration.fit(rows, events,
        n - events, range.getDouble(0), range.getDouble(1))
        : new LogisticCalibration.Fit[] {IterationEvaluation.undefinedFit(),
            IterationEvaluation.undefinedFit()};
    SweepPlan plan = IterationEvaluation.plan(unit.spec(),
        IterationEvaluation.quantileEdges(rows, unit.spec()), 0);
    SparkReplicates sweep = SparkReplicates.of(spark, SubgroupCells.none().withCells(rows), n,
        plan, Calibrators.of(fits[0], fits[1]));
    ReplicateSet set = sweep.replicates();
    return new Side(set, fits, sweep, sweep.placements(), probabilities);
  }

  private static Outcome rows(Side x, Side y, String baselineId, EvaluationUnit unit,
      long[] counts) {
    double span = unit.spec().calibration().span();
    boolean probabilities = x.probabilities() && y.probabilities();
    Map<String, ToDoubleFunction<Replicate>> metrics = new LinkedHashMap<>();
    metrics.put("auroc", Replicate::auroc);
    metrics.put("auprc", Replicate::averagePrecision);
    metrics.put("brier", Replicate::brier);
    metrics.put("scaled_brier", Replicate::scaledBrier);
    metrics.put("observed_expected_ratio", Replicate::observedExpected);
    metrics.put("calibration_intercept", Replicate::calibrationIntercept);
    metrics.put("calibration_slope", Replicate::calibrationSlope);
    metrics.put("ici", r -> r.smoothedCalibration(span).ici());
    metrics.put("e50", r -> r.smoothedCalibration(span).e50());
    metrics.put("e90", r -> r.smoothedCalibration(span).e90());
    List<Row> out = new ArrayList<>();
    Map<String, Interval> differences = new LinkedHashMap<>();
    for (String metric : METRICS) {
      boolean rankOnly = "auroc".equals(metric) || "auprc".equals(metric);
      if (!probabilities && !rankOnly) {
        continue;
      }
      double[] vx = x.set().values(metrics.get(metric));
      double[] vy = y.set().values(metrics.get(metric));
      double[] diff = new double[vx.length];
      for (int r = 0; r < diff.length; r++) {
        diff[r] = vx[r] - vy[r];
      }
      double ex = estimate(metric, vx[0], x.fits());
      double ey = estimate(metric, vy[0], y.fits());
      ReplicateSet.Summary s = x.set().summarize(ex - ey, diff, unit.level());
      for (String method : List.of(Interval.BCA, Interval.PERCENTILE)) {
        double[] ci = Interval.BCA.equals(method) ? s.bca() : s.percentile();
        out.add(row(unit, baselineId, metric, ex, ey, s.value(), ci, method, null, counts,
            s.resamples(), s.undefined()));
        differences.put(metric + "|" + method, new Interval(metric, method, s.value(), ci[0],
            ci[1], false));
      }
    }
    AurocCovariance paired = SparkObuchowski.covariance(
        List.of(x.placements(), y.placements()),
        new double[] {x.set().point().auroc(), y.set().point().auroc()});
    double delta = paired.auroc()[0] - paired.auroc()[1];
    double[] ci = unit.level().wald(delta, Math.sqrt(paired.differenceVariance(0, 1)));
    out.add(row(unit, baselineId, "auroc", paired.auroc()[0], paired.auroc()[1], delta, ci,
        Interval.OBUCHOWSKI, paired.differencePValue(0, 1), counts, null, null));
    differences.put("auroc|" + Interval.OBUCHOWSKI, new Interval("auroc", Interval.OBUCHOWSKI,
        delta, ci[0], ci[1], false));
    return new Outcome(out, differences, counts[0]);
  }

  /** The exact calibration fits are the estimates (replicate 0 equals them to the tolerance). */
  private static double estimate(String metric, double replicateZero,
      LogisticCalibration.Fit[] fits) {
    return switch (metric) {
      case "calibration_intercept" -> fits[0].intercept();
      case "calibration_slope" -> fits[1].slope();
      default -> replicateZero;
    };
  }

  private static Row row(EvaluationUnit unit, String baselineId, String metric, double vx,
      double vy, double diff, double[] ci, String method, Double p, long[] counts,
      Integer resamples, Integer undefined) {
    return RowFactory.create(unit.runId(), unit.iterationId(), baselineId, unit.outcome(),
        unit.split(), metric, ResultRows.orNull(vx), ResultRows.orNull(vy),
        ResultRows.orNull(diff), ResultRows.orNull(ci[0]), ResultRows.orNull(ci[1]), method,
        unit.level().level(), p == null ? null : ResultRows.orNull(p), counts[0], counts[1],
        counts[2], counts[3], counts[4], counts[5], resamples, undefined,
        unit.spec().bootstrap().seed(), unit.spec().sha256(), unit.predictionsSnapshot());
  }
}
