package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.ObuchowskiAuroc;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Obuchowski's clustered AUROC covariance ({@link ObuchowskiAuroc}) from Spark: every row's DeLong
 * placement ({@link SparkReplicates#placements()}) is summed per patient, the patients of several
 * models on the same rows are joined, and the centred sums of products are one aggregation. Only
 * the k×k sums reach the driver.
 */
final class SparkObuchowski {

  private SparkObuchowski() {}

  /**
   * @param placements per model, rows of {@code patient_hash, label, placement} on the same rows
   * @param auroc      each model's AUROC (replicate 0 of its sweep)
   */
  static AurocCovariance covariance(List<Dataset<Row>> placements, double[] auroc) {
    int k = placements.size();
    Dataset<Row> clusters = null;
    for (int r = 0; r < k; r++) {
      Dataset<Row> perPatient = placements.get(r).groupBy("patient_hash").agg(
          sum(col("label")).cast("double").as("m_" + r),
          sum(lit(1).minus(col("label"))).cast("double").as("n_" + r),
          sum(when(col("label").equalTo(1), col("placement")).otherwise(0.0)).as("v10_" + r),
          sum(when(col("label").equalTo(0), col("placement")).otherwise(0.0)).as("v01_" + r));
      clusters = clusters == null ? perPatient : clusters.join(perPatient, "patient_hash");
    }
    List<Column> aggregates = new ArrayList<>(List.of(count(lit(1)), sum("m_0"), sum("n_0")));
    for (int r = 0; r < k; r++) {
      for (int s = 0; s < k; s++) {
        aggregates.add(sum(d10(r, auroc).multiply(d10(s, auroc))));
        aggregates.add(sum(d01(r, auroc).multiply(d01(s, auroc))));
        aggregates.add(sum(d10(r, auroc).multiply(d01(s, auroc))));
      }
    }
    Row m = clusters.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    long units = m.getLong(0);
    long positives = m.isNullAt(1) ? 0 : (long) m.getDouble(1);
    long negatives = m.isNullAt(2) ? 0 : (long) m.getDouble(2);
    double[][] ss10 = new double[k][k];
    double[][] ss01 = new double[k][k];
    double[][] ss11 = new double[k][k];
    int i = 3;
    for (int r = 0; r < k; r++) {
      for (int s = 0; s < k; s++) {
        ss10[r][s] = valueOrZero(m, i++);
        ss01[r][s] = valueOrZero(m, i++);
        ss11[r][s] = valueOrZero(m, i++);
      }
    }
    return ObuchowskiAuroc.covariance(new ObuchowskiAuroc.Moments(units, positives, negatives,
        auroc, ss10, ss01, ss11));
  }

  private static Column d10(int r, double[] auroc) {
    return col("v10_" + r).minus(col("m_0").multiply(lit(auroc[r])));
  }

  private static Column d01(int r, double[] auroc) {
    return col("v01_" + r).minus(col("n_0").multiply(lit(auroc[r])));
  }

  private static double valueOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getDouble(i);
  }
}
