package io.carelake.evaluation;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Brier score, mean((score − label)²), with a normal-approximation interval
 * mean ± z·sd/√n of the per-row squared errors. Defined only for probabilities: when a score lies
 * outside [0, 1] the value is NaN (written as null), since a margin or log-odds has no Brier score.
 */
final class BrierScore {

  static final String METRIC = "brier";
  static final String CI_METHOD = "normal";

  private BrierScore() {}

  static MetricEstimate estimate(Dataset<Row> scored, ConfidenceLevel confidence) {
    Column squaredError = pow(col("score").minus(col("label")), 2);
    Row r = scored.agg(count(lit(1)), sum(col("label")).cast("long"), avg(squaredError),
        stddev_samp(squaredError), min("score"), max("score")).head();
    long n = r.getLong(0);
    long nPositive = r.isNullAt(1) ? 0 : r.getLong(1);
    if (n == 0 || r.getDouble(4) < 0 || r.getDouble(5) > 1) {
      return new MetricEstimate(METRIC, Double.NaN, Double.NaN, Double.NaN, CI_METHOD, n, nPositive);
    }
    double mean = r.getDouble(2);
    double se = n < 2 || r.isNullAt(3) ? Double.NaN : r.getDouble(3) / Math.sqrt(n);
    double[] ci = confidence.wald(mean, se);
    return new MetricEstimate(METRIC, mean, ci[0], ci[1], CI_METHOD, n, nPositive);
  }
}
