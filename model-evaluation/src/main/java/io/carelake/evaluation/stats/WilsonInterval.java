package io.carelake.evaluation.stats;

/**
 * The Wilson score interval for a binomial proportion (Wilson, JASA 1927;22:209-212), the interval
 * recommended over the Wald interval by Brown, Cai &amp; DasGupta (Stat Sci 2001;16:101-133):
 * (p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Never leaves [0, 1] and never has zero width
 * at 0 or n successes. statsmodels' {@code proportion_confint(x, n, method="wilson")}.
 *
 * <p>Edge cases: {@code 0 <= successes <= n}; n = 0 gives no interval (NaN).
 */
public final class WilsonInterval {

  private WilsonInterval() {}

  public static double[] of(long successes, long n, ConfidenceLevel level) {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + " of " + n);
    }
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double z = level.z();
    double p = (double) successes / n;
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
