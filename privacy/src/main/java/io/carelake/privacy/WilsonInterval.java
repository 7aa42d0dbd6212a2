package io.carelake.privacy;

/**
 * The Wilson score interval of a proportion (Wilson 1927), at 95 %: what the recall and precision
 * figures of the scrubber are reported with. For k = n = 1,000 the lower bound is 0.9962 (zero
 * misses in 1,000 plants bound the miss rate at about 3.8 / 1,000).
 */
public final class WilsonInterval {

  static final double Z = 1.959964;

  private WilsonInterval() {}

  /** The lower bound for {@code k} successes in {@code n} trials; 0 when n is 0. */
  public static double lower(long k, long n) {
    if (n < 0 || k < 0 || k > n) {
      throw new IllegalArgumentException("need 0 <= k <= n, got k=" + k + ", n=" + n);
    }
    if (n == 0) {
      return 0;
    }
    double p = (double) k / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2.0 * n);
    double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return (centre - margin) / (1 + z2 / n);
  }
}
