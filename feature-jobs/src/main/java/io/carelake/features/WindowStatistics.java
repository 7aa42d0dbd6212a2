package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import io.carelake.features.cohort.CohortDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The window statistics of a measurement (last, mean, min, max, sd, slope, count, missing) from
 * the exact sums {@link PatientWindows} adds per (index date, measurement, window): values are
 * summed in units of 1e-4 ({@link #VALUE_SCALE}) and times in seconds, as whole numbers, so every
 * sum is exact and the statistics do not depend on the order facts were added in.
 */
final class WindowStatistics {

  /** Values are summed in units of 1e-4 (see {@link CohortBuilder#measurements}). */
  static final double VALUE_SCALE = 10_000.0;
  private static final double SLOPE_PER = 30 * 86_400L;

  private WindowStatistics() {}

  /**
   * The sums in the types Spark's own sums of the whole decimals have (value decimal(18,0), time
   * decimal(12,0)), so that {@link #statistics} meets the same types, and an overflow the same
   * null, as a Spark aggregation would give.
   */
  static Column[] typed(List<CohortDefinition.Measurement> ms, List<Integer> windows) {
    Map<String, String> types = Map.of("sy", "decimal(28,0)", "syy", "decimal(38,0)",
        "sx", "decimal(22,0)", "sxx", "decimal(35,0)", "sxy", "decimal(38,0)");
    List<Column> out = new ArrayList<>(List.of(col(Facts.PATIENT), col(IndexDates.INDEX_DATE)));
    for (CohortDefinition.Measurement m : ms) {
      for (int w : windows) {
        for (String s : CohortBuilder.SUMS) {
          String c = PatientWindows.column(m.name(), w, s);
          out.add(types.containsKey(s) ? col(c).cast(types.get(s)).as(c) : col(c));
        }
      }
    }
    return out.toArray(Column[]::new);
  }

  /**
   * The eight statistics of one measurement and window from its exact sums (values scaled by
   * {@link #VALUE_SCALE}): the differences {@code n syy - sy^2} and {@code n sxy - sx sy} are taken
   * in decimals, exactly (0 for a constant series), and only then divided in doubles.
   */
  static List<Column> statistics(String m, int w) {
    String p = "_" + m + "_" + w + "_";
    Column count = col(p + "n");
    Column n = count.cast("decimal(20,0)");
    Column nd = count.cast("double");
    Column sy = col(p + "sy");
    Column sx = col(p + "sx");
    Column two = count.geq(2);
    Column spread = n.multiply(col(p + "syy")).minus(sy.multiply(sy)).cast("double");
    Column variance = spread.divide(nd.multiply(nd.minus(1))).divide(VALUE_SCALE * VALUE_SCALE);
    Column denominator = n.multiply(col(p + "sxx")).minus(sx.multiply(sx)).cast("double");
    Column slope = n.multiply(col(p + "sxy")).minus(sx.multiply(sy)).cast("double")
        .divide(denominator).divide(VALUE_SCALE).multiply(SLOPE_PER);
    return List.of(
        col(p + "last").as(FeatureNames.stat(m, "last", w)),
        when(count.gt(0), sy.cast("double").divide(nd).divide(VALUE_SCALE))
            .as(FeatureNames.stat(m, "mean", w)),
        col(p + "min").as(FeatureNames.stat(m, "min", w)),
        col(p + "max").as(FeatureNames.stat(m, "max", w)),
        when(two, sqrt(variance)).as(FeatureNames.stat(m, "sd", w)),
        when(two.and(denominator.gt(0)), slope).as(FeatureNames.stat(m, "slope", w)),
        count.cast("int").as(FeatureNames.stat(m, "count", w)),
        when(count.equalTo(0), 1).otherwise(0).as(FeatureNames.stat(m, "missing", w)));
  }
}
