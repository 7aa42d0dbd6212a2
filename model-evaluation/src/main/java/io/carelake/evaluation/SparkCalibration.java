package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;

import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The calibration fits of {@link LogisticCalibration} on a Spark frame: the same Newton iterations,
 * each step's sums computed by one aggregation over the rows (so the rows never reach the driver).
 * Takes {@code score} (a probability) and {@code label}.
 */
final class SparkCalibration {

  private SparkCalibration() {}

  /**
   * {intercept fit, slope fit}: each Newton step of both models is one aggregation. The support
   * (events, non-events, whether the covariate varies) comes from counts the caller already has:
   * the logit of the clipped score is monotone (Java's and Spark's {@code log} are semi-monotonic),
   * so it varies exactly when it differs at the lowest and the highest score, computed here as
   * Spark computes it; no aggregation is spent on it.
   */
  static LogisticCalibration.Fit[] fit(Dataset<Row> rows, long events, long nonEvents,
      double minScore, double maxScore) {
    double eps = LogisticCalibration.EPSILON;
    Column clipped = least(lit(1 - eps), greatest(lit(eps), col("score")));
    Dataset<Row> xy = rows.select(log(clipped.divide(lit(1).minus(clipped))).as("x"),
        col("label").cast("double").as("y")).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      boolean varies = logitOfClipped(minScore) < logitOfClipped(maxScore);
      return LogisticCalibration.fit(
          new LogisticCalibration.Support(events, nonEvents, varies),
          (intercept, slope) -> newtonSums(xy, intercept == null ? null
              : new double[] {intercept[0], 1}, slope));
    } finally {
      xy.unpersist();
    }
  }

  /** The covariate x of one score, with the operations (and {@code StrictMath.log}) of Spark's. */
  static double logitOfClipped(double score) {
    double eps = LogisticCalibration.EPSILON;
    double c = Math.min(1 - eps, Math.max(eps, score));
    return StrictMath.log(c / (1 - c));
  }

  /** The sums of up to two models in one aggregation; a null point is skipped. */
  private static double[][] newtonSums(Dataset<Row> xy, double[] first, double[] second) {
    List<Column> aggregates = new ArrayList<>();
    for (double[] at : new double[][] {first, second}) {
      if (at != null) {
        aggregates.addAll(sums(at[0], at[1]));
      }
    }
    Row s = xy.agg(aggregates.get(0), aggregates.subList(1, aggregates.size())
        .toArray(Column[]::new)).head();
    double[][] out = new double[2][];
    int i = 0;
    for (int m = 0; m < 2; m++) {
      if ((m == 0 ? first : second) != null) {
        out[m] = new double[5];
        for (int k = 0; k < 5; k++, i++) {
          out[m][k] = s.isNullAt(i) ? 0 : s.getDouble(i);
        }
      }
    }
    return out;
  }

  /** Σ(y − p), Σ(y − p)x, Σp(1−p), Σp(1−p)x, Σp(1−p)x² at p = expit(a + b·x). */
  private static List<Column> sums(double a, double b) {
    Column eta = lit(a).plus(lit(b).multiply(col("x")));
    Column p = lit(1).divide(lit(1).plus(exp(eta.multiply(-1))));
    Column r = col("y").minus(p);
    Column v = p.multiply(lit(1).minus(p));
    return List.of(sum(r), sum(r.multiply(col("x"))), sum(v), sum(v.multiply(col("x"))),
        sum(v.multiply(col("x")).multiply(col("x"))));
  }
}
