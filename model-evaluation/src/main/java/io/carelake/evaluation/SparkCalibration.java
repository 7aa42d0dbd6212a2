package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.evaluation.stats.LogisticCalibration;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The calibration fits of {@link LogisticCalibration} on a Spark frame: the same Newton iterations,
 * each step's sums computed by one Spark job over the rows (so the rows never reach the driver).
 * Takes {@code score} (a probability) and {@code label}.
 *
 * <p>Each partition's covariate x = logit(clip(score)) (with Spark's {@code StrictMath.log}, as
 * the aggregation this replaced computed it) and labels are cached once as two arrays; a step is
 * {@link LogisticCalibration#newtonSums} per partition (the plain-Java fit's loop), and the driver
 * adds the partitions' sums in partition order. So a step is one job of one stage — no shuffle, no
 * query plan or generated code per step — and the sums are added in the same order on every
 * run.
 */
final class SparkCalibration {

  private SparkCalibration() {}

  /**
   * {intercept fit, slope fit}: each Newton step of both models is one job. The support (events,
   * non-events, whether the covariate varies) comes from counts the caller already has: the logit
   * of the clipped score is monotone (Java's and Spark's {@code log} are semi-monotonic), so it
   * varies exactly when it differs at the lowest and the highest score; no job is spent on it.
   */
  static LogisticCalibration.Fit[] fit(Dataset<Row> rows, long events, long nonEvents,
      double minScore, double maxScore) {
    JavaRDD<Part> xy = rows.select(col("score"), col("label")).javaRDD()
        .mapPartitions(SparkCalibration::covariates, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
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

  /** A partition's covariates and labels. */
  private record Part(double[] x, int[] y) implements Serializable {}

  /** A partition's rows as one {@link Part}. */
  private static Iterator<Part> covariates(Iterator<Row> rows) {
    double[] x = new double[1024];
    int[] y = new int[1024];
    int n = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (n == x.length) {
        x = java.util.Arrays.copyOf(x, 2 * n);
        y = java.util.Arrays.copyOf(y, 2 * n);
      }
      x[n] = logitOfClipped(r.getDouble(0));
      y[n] = r.getInt(1);
      n++;
    }
    return List.of(new Part(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)))
        .iterator();
  }

  /** The sums of up to two models in one job; a null point is skipped. */
  private static double[][] newtonSums(JavaRDD<Part> xy, double[] first, double[] second) {
    List<double[][]> parts = xy.map(part -> new double[][] {
        first == null ? null
            : LogisticCalibration.newtonSums(part.x(), part.y(), null, first[0], first[1]),
        second == null ? null
            : LogisticCalibration.newtonSums(part.x(), part.y(), null, second[0], second[1])})
        .collect();
    double[][] out = {first == null ? null : new double[5], second == null ? null : new double[5]};
    for (double[][] part : parts) {
      for (int m = 0; m < 2; m++) {
        for (int k = 0; out[m] != null && k < 5; k++) {
          out[m][k] += part[m][k];
        }
      }
    }
    return out;
  }
}
