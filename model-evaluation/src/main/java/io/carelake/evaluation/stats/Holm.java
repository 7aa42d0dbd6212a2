package io.carelake.evaluation.stats;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down adjustment of p-values for multiple tests (Holm, Scand J Stat 1979;6:65-70),
 * which controls the family-wise error rate without assuming independence: with p-values sorted
 * ascending, p̃_(i) = max_{j &lt;= i} min(1, (m − j + 1) p_(j)). statsmodels'
 * {@code multipletests(p, method="holm")[1]}. NaN p-values (tests that could not be run) keep NaN
 * and do not count in m.
 */
public final class Holm {

  private Holm() {}

  public static double[] adjust(double[] pValues) {
    int[] order = IntStream.range(0, pValues.length).filter(i -> !Double.isNaN(pValues[i])).boxed()
        .sorted(Comparator.comparingDouble(i -> pValues[i])).mapToInt(Integer::intValue).toArray();
    double[] adjusted = new double[pValues.length];
    java.util.Arrays.fill(adjusted, Double.NaN);
    int m = order.length;
    double running = 0;
    for (int j = 0; j < m; j++) {
      double p = pValues[order[j]];
      if (p < 0 || p > 1) {
        throw new IllegalArgumentException("p-value " + p + " is outside [0, 1]");
      }
      running = Math.max(running, Math.min(1, (m - j) * p));
      adjusted[order[j]] = running;
    }
    return adjusted;
  }
}
