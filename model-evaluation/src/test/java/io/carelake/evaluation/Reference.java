package io.carelake.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Independent reference computations in plain Java loops, sharing no code with the Spark side:
 * AUROC by counting every (positive, negative) pair, and DeLong's variance from the structural
 * components of DeLong, DeLong &amp; Clarke-Pearson (1988), Biometrics 44:837-845.
 */
final class Reference {

  /** z for a two-sided 95 % interval, written out rather than computed by the code under test. */
  static final double Z95 = 1.959963984540054;

  static final StructType SCORED = new StructType()
      .add("label", DataTypes.IntegerType, false)
      .add("score", DataTypes.DoubleType, false);

  private Reference() {}

  /** ψ(x, y): 1 if the positive outranks the negative, ½ on a tie, else 0. */
  static double psi(double x, double y) {
    return x > y ? 1.0 : x == y ? 0.5 : 0.0;
  }

  /** {auc, variance}: brute force over all n1·n0 pairs, then the structural components. */
  static double[] aurocAndDelongVariance(int[] labels, double[] scores) {
    List<Double> pos = new ArrayList<>();
    List<Double> neg = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      (labels[i] == 1 ? pos : neg).add(scores[i]);
    }
    int m = pos.size();
    int n = neg.size();
    double sum = 0;
    for (double x : pos) {
      for (double y : neg) {
        sum += psi(x, y);
      }
    }
    double auc = sum / ((double) m * n);
    // V10(X_i) = (1/n) Σ_j ψ(X_i, Y_j); V01(Y_j) = (1/m) Σ_i ψ(X_i, Y_j)
    double s10 = 0;
    for (double x : pos) {
      double v10 = 0;
      for (double y : neg) {
        v10 += psi(x, y);
      }
      v10 /= n;
      s10 += (v10 - auc) * (v10 - auc);
    }
    s10 /= (m - 1);
    double s01 = 0;
    for (double y : neg) {
      double v01 = 0;
      for (double x : pos) {
        v01 += psi(x, y);
      }
      v01 /= m;
      s01 += (v01 - auc) * (v01 - auc);
    }
    s01 /= (n - 1);
    return new double[] {auc, s10 / m + s01 / n};
  }

  static Dataset<Row> frame(SparkSession spark, int[] labels, double[] scores) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(labels[i], scores[i]));
    }
    // Several partitions, so that the Spark side really combines partial aggregates.
    return spark.createDataFrame(rows, SCORED).repartition(3);
  }

  /**
   * A deterministic data set: {@code n} rows, positives scoring higher on average, scores rounded
   * to {@code decimals} places so that ties occur within and across the classes.
   */
  static Object[] synthetic(int n, long seed, int decimals) {
    java.util.Random random = new java.util.Random(seed);
    int[] labels = new int[n];
    double[] scores = new double[n];
    double scale = Math.pow(10, decimals);
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
      double s = 1 / (1 + Math.exp(-(random.nextGaussian() + (labels[i] == 1 ? 1.0 : 0.0))));
      scores[i] = Math.round(s * scale) / scale;
    }
    return new Object[] {labels, scores};
  }
}
