package io.carelake.evaluation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * AUROC with DeLong's confidence interval, computed with Spark aggregates and windows; the driver
 * only sees a handful of sums.
 *
 * <p>With n1 positives X and n0 negatives Y, ψ(x, y) = 1 if x > y, ½ if x = y, 0 otherwise:
 * <ul>
 *   <li>AUROC = U / (n1·n0), U = R1 − n1(n1+1)/2 (Mann–Whitney), R1 the sum of the positives'
 *       mid-ranks among all scores;</li>
 *   <li>placements V10(x) = (1/n0) Σ_y ψ(x, y), V01(y) = (1/n1) Σ_x ψ(x, y);</li>
 *   <li>S10 = Σ_x (V10(x) − AUROC)² / (n1 − 1), S01 = Σ_y (V01(y) − AUROC)² / (n0 − 1);</li>
 *   <li>Var(AUROC) = S10/n1 + S01/n0 (DeLong, DeLong &amp; Clarke-Pearson 1988), and the interval
 *       AUROC ± z·√Var, clipped to [0, 1].</li>
 * </ul>
 *
 * <p>Rows are first reduced to one row per distinct score (positives and negatives at that score),
 * so ties share one mid-rank and one placement. The cumulative counts below each score come from a
 * window: a window needs a partition key to run in parallel, so scores are cut into buckets at
 * approximate quantiles (monotone in score, ties in one bucket), ranked inside each bucket, and
 * offset by the cumulative totals of the earlier buckets (a table of at most {@link #BUCKETS} rows).
 */
final class DelongAuroc {

  static final String METRIC = "auroc";
  static final String CI_METHOD = "delong";
  /** Window partitions for the ranking; more gives more parallelism and a larger offset table. */
  static final int BUCKETS = 32;

  private DelongAuroc() {}

  /** {@code scored} holds a non-null int {@code label} (0/1) and a non-null double {@code score}. */
  static MetricEstimate estimate(Dataset<Row> scored, ConfidenceLevel confidence) {
    Dataset<Row> byScore = scored.groupBy("score")
        .agg(sum(col("label")).cast("long").as("pos"),
            sum(lit(1).minus(col("label"))).cast("long").as("neg"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row totals = byScore.agg(coalesce(sum("pos"), lit(0L)), coalesce(sum("neg"), lit(0L))).head();
      long n1 = totals.getLong(0);
      long n0 = totals.getLong(1);
      if (n1 == 0 || n0 == 0) {
        return new MetricEstimate(METRIC, Double.NaN, Double.NaN, Double.NaN, CI_METHOD, n1 + n0, n1);
      }
      Dataset<Row> ranked = withCountsBelow(byScore)
          // 1-based mid-rank of the tie group: rows below it, plus the middle of the group.
          .withColumn("mid_rank", col("neg_below").plus(col("pos_below"))
              .plus(col("pos").plus(col("neg")).plus(1).divide(2.0)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        double r1 = ranked.agg(sum(col("pos").multiply(col("mid_rank")))).head().getDouble(0);
        double u = r1 - n1 * (n1 + 1.0) / 2.0;
        double auc = u / ((double) n1 * n0);

        // V10 of the positives at a score: negatives below, plus half of those tied with it.
        Column v10 = col("neg_below").plus(col("neg").multiply(0.5)).divide((double) n0);
        // V01 of the negatives at a score: positives above, plus half of those tied with it.
        Column v01 = lit(n1).minus(col("pos_below")).minus(col("pos"))
            .plus(col("pos").multiply(0.5)).divide((double) n1);
        Row ss = ranked.agg(
            sum(col("pos").multiply(pow(v10.minus(auc), 2))),
            sum(col("neg").multiply(pow(v01.minus(auc), 2)))).head();
        double variance = (n1 < 2 || n0 < 2)
            ? Double.NaN
            : ss.getDouble(0) / (n1 - 1) / n1 + ss.getDouble(1) / (n0 - 1) / n0;
        double[] ci = confidence.wald(auc, Math.sqrt(variance));
        return new MetricEstimate(METRIC, auc, ci[0], ci[1], CI_METHOD, n1 + n0, n1);
      } finally {
        ranked.unpersist();
      }
    } finally {
      byScore.unpersist();
    }
  }

  /**
   * Adds {@code neg_below} and {@code pos_below}: negatives and positives with a strictly lower
   * score, to a frame of distinct scores with their {@code pos} and {@code neg} counts.
   */
  static Dataset<Row> withCountsBelow(Dataset<Row> byScore) {
    Dataset<Row> bucketed = byScore.withColumn("bucket", bucketOf(byScore));
    WindowSpec earlierInBucket = Window.partitionBy("bucket").orderBy("score")
        .rowsBetween(Window.unboundedPreceding(), -1);
    // Bucket offsets: at most BUCKETS rows, so a window without a partition key is fine here.
    WindowSpec earlierBuckets = Window.orderBy("bucket").rowsBetween(Window.unboundedPreceding(), -1);
    Dataset<Row> offsets = bucketed.groupBy("bucket")
        .agg(sum("neg").as("bucket_neg"), sum("pos").as("bucket_pos"))
        .select(col("bucket"),
            coalesce(sum("bucket_neg").over(earlierBuckets), lit(0L)).as("neg_before"),
            coalesce(sum("bucket_pos").over(earlierBuckets), lit(0L)).as("pos_before"));
    return bucketed
        .withColumn("neg_in", coalesce(sum("neg").over(earlierInBucket), lit(0L)))
        .withColumn("pos_in", coalesce(sum("pos").over(earlierInBucket), lit(0L)))
        .join(broadcast(offsets), "bucket")
        .withColumn("neg_below", col("neg_before").plus(col("neg_in")))
        .withColumn("pos_below", col("pos_before").plus(col("pos_in")))
        .drop("neg_in", "pos_in", "neg_before", "pos_before");
  }

  /** A bucket number monotone in score: how many approximate quantiles lie at or below it. */
  private static Column bucketOf(Dataset<Row> byScore) {
    double[] probabilities = new double[BUCKETS - 1];
    for (int i = 1; i < BUCKETS; i++) {
      probabilities[i - 1] = (double) i / BUCKETS;
    }
    double[] cuts = Arrays.stream(byScore.stat().approxQuantile("score", probabilities, 0.01))
        .distinct().sorted().toArray();
    Column bucket = lit(0);
    for (double cut : cuts) {
      bucket = bucket.plus(when(col("score").geq(cut), 1).otherwise(0));
    }
    return bucket;
  }
}
