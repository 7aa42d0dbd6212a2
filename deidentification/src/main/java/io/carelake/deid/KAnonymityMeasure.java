package io.carelake.deid;

import static io.carelake.deid.KAnonymity.CLASS_SIZE_COLUMN;
import static io.carelake.deid.KAnonymity.KEY_COLUMN;
import static io.carelake.deid.KAnonymity.LEVEL_COLUMN;
import static io.carelake.deid.KAnonymity.SUPPRESSED;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.deid.KAnonymity.Policy;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link KAnonymity}'s step measured, over the released visits: classes and the minimum
 * class size among non-suppressed visits; prosecutor risk 1/class size per visit (max and mean
 * over non-suppressed visits, suppressed visits carry no quasi-identifier); records generalised and
 * suppressed; information loss = mean generalisation height per visit (0 as released, 1/3
 * generalised, 2/3 coarse, 1 suppressed); and the vitals' facility generalisation.
 */
public final class KAnonymityMeasure {

  private KAnonymityMeasure() {}

  /** What the step measured; class metrics are null when no visit is released with its QIs. */
  public record Metrics(long records, long generalised, long suppressed, long classes,
      Long minClassSize, Double riskMax, Double riskMean, double informationLoss,
      Map<String, Long> recordsByLevel, Map<String, Long> classSizes) {

    public Metrics {
      recordsByLevel = Map.copyOf(recordsByLevel);
      classSizes = Map.copyOf(classSizes);
    }

    double suppressionRate() {
      return records == 0 ? 0 : (double) suppressed / records;
    }

    boolean passes(Policy policy) {
      return suppressionRate() <= policy.maxSuppression()
          && (minClassSize == null || minClassSize >= policy.k());
    }
  }

  /**
   * Class sizes (distinct patients) are reported in these bands: their lower bounds, chosen so
   * that each release model's k (3, 5, 20) starts a band.
   */
  static final int[] CLASS_SIZE_BANDS = {1, 2, 3, 5, 10, 20, 50};

  /**
   * One aggregate over the generalised visits, and one over their released classes for the
   * class-size distribution (a handful of rows: one per band).
   */
  static Metrics measure(Dataset<Row> generalised) {
    Column released = col(LEVEL_COLUMN).lt(SUPPRESSED);
    Column risk = lit(1.0).divide(col(CLASS_SIZE_COLUMN));
    List<Column> aggs = new java.util.ArrayList<>(List.of(
        sum(when(col(LEVEL_COLUMN).between(1, SUPPRESSED - 1), 1).otherwise(0)),
        sum(when(col(LEVEL_COLUMN).equalTo(SUPPRESSED), 1).otherwise(0)),
        countDistinct(when(released, col(KEY_COLUMN))),
        min(when(released, col(CLASS_SIZE_COLUMN))),
        max(when(released, risk)),
        avg(when(released, risk)),
        avg(col(LEVEL_COLUMN).divide((double) SUPPRESSED))));
    for (int level = 0; level <= SUPPRESSED; level++) {
      aggs.add(sum(when(col(LEVEL_COLUMN).equalTo(level), 1).otherwise(0)));
    }
    Row r = generalised.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
    long records = r.getLong(0);
    Map<String, Long> byLevel = new java.util.TreeMap<>();
    for (int level = 0; level <= SUPPRESSED; level++) {
      byLevel.put(Integer.toString(level), r.isNullAt(8 + level) ? 0 : r.getLong(8 + level));
    }
    return new Metrics(records, r.isNullAt(1) ? 0 : r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2),
        r.getLong(3), r.isNullAt(4) ? null : r.getLong(4), r.isNullAt(5) ? null : r.getDouble(5),
        r.isNullAt(6) ? null : r.getDouble(6), r.isNullAt(7) ? 0.0 : r.getDouble(7), byLevel,
        classSizes(generalised.where(released)));
  }

  /** Released classes per size band ({@code "1"}, {@code "3-4"}, ..., {@code "50+"}). */
  private static Map<String, Long> classSizes(Dataset<Row> released) {
    Column size = min(col(CLASS_SIZE_COLUMN));
    Dataset<Row> classes = released.groupBy(col(KEY_COLUMN)).agg(size.as("_k_size"));
    Column band = lit(label(CLASS_SIZE_BANDS.length - 1));
    for (int i = CLASS_SIZE_BANDS.length - 2; i >= 0; i--) {
      band = when(col("_k_size").lt(CLASS_SIZE_BANDS[i + 1]), lit(label(i))).otherwise(band);
    }
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < CLASS_SIZE_BANDS.length; i++) {
      out.put(label(i), 0L);
    }
    for (Row b : classes.groupBy(band.as("band")).count().collectAsList()) {
      out.put(b.getString(0), b.getLong(1));
    }
    return out;
  }

  private static String label(int band) {
    int low = CLASS_SIZE_BANDS[band];
    if (band == CLASS_SIZE_BANDS.length - 1) {
      return low + "+";
    }
    int high = CLASS_SIZE_BANDS[band + 1] - 1;
    return low == high ? Integer.toString(low) : low + "-" + high;
  }

  /** Counts of the vitals' facility generalisation: rows, generalised, suppressed. */
  static long[] measureVitals(Dataset<Row> generalisedVitals) {
    Row r = generalisedVitals.agg(count(lit(1)),
        sum(when(col(LEVEL_COLUMN).equalTo(1), 1).otherwise(0)),
        sum(when(col(LEVEL_COLUMN).geq(2), 1).otherwise(0))).first();
    return new long[] {r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1),
        r.isNullAt(2) ? 0 : r.getLong(2)};
  }
}
