package io.carelake.evaluation.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * McNemar's exact test for paired binary outcomes (McNemar, Psychometrika 1947;12:153-157; Agresti,
 * Categorical Data Analysis, 3rd ed., §11.1): only the discordant pairs count, b (first right,
 * second wrong) and c (first wrong, second right); under H0 b ~ Binomial(b + c, ½), and the
 * two-sided p-value is min(1, 2·P(X ≤ min(b, c))). statsmodels' {@code mcnemar(table, exact=True)}.
 *
 * <p>Edge cases: b + c = 0 gives p = 1 (no evidence either way); counts must be {@code >= 0}.
 */
public final class McNemar {

  private McNemar() {}

  public static double exactPValue(long b, long c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("discordant counts must be >= 0, got b=" + b + ", c=" + c);
    }
    long n = b + c;
    if (n == 0) {
      return 1.0;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many discordant pairs for the exact test: " + n);
    }
    double tail = new BinomialDistribution(null, (int) n, 0.5)
        .cumulativeProbability((int) Math.min(b, c));
    return Math.min(1.0, 2 * tail);
  }
}
