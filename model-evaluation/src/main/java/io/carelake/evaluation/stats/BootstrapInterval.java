package io.carelake.evaluation.stats;

import java.util.Arrays;

/**
 * Confidence intervals from bootstrap replicates of a statistic (Efron &amp; Tibshirani, An
 * Introduction to the Bootstrap, 1993, ch. 13-14; DiCiccio &amp; Efron, Stat Sci 1996;11:189-228):
 * <ul>
 *   <li><b>percentile</b>: the α/2 and 1−α/2 quantiles of the replicates;</li>
 *   <li><b>BCa</b> (bias-corrected and accelerated, Efron, JASA 1987;82:171-185): the quantiles at
 *       α₁ = Φ(z₀ + (z₀ + z_{α/2}) / (1 − a(z₀ + z_{α/2}))) and likewise α₂ with z_{1−α/2}, where
 *       z₀ = Φ⁻¹(share of replicates below the estimate, ties counted ½) corrects the median bias
 *       and the acceleration a = Σ d³ / (6 (Σ d²)^{3/2}), d = mean(θ_(·)) − θ_(g), comes from
 *       jackknife estimates θ_(g) that leave out one cluster (or one group of clusters) each.</li>
 * </ul>
 * Quantiles interpolate linearly between order statistics (numpy's default, R's type 7).
 * Replicates that are NaN (the statistic was undefined in that resample, e.g. no event drawn) are
 * left out and counted by the caller.
 *
 * <p>Edge cases: fewer than two defined replicates give no interval (NaN); BCa is undefined (NaN)
 * when every replicate lies on one side of the estimate (z₀ infinite); with fewer than three
 * defined jackknife estimates, or when they do not vary, a = 0 (bias correction only).
 */
public final class BootstrapInterval {

  private BootstrapInterval() {}

  public static double[] percentile(double[] replicates, ConfidenceLevel level) {
    double[] sorted = defined(replicates);
    if (sorted.length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {quantile(sorted, level.tail()), quantile(sorted, 1 - level.tail())};
  }

  public static double[] bca(double[] replicates, double estimate, double[] jackknife,
      ConfidenceLevel level) {
    double[] sorted = defined(replicates);
    if (sorted.length < 2 || Double.isNaN(estimate)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double z0 = biasCorrection(sorted, estimate);
    if (Double.isInfinite(z0) || Double.isNaN(z0)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double a = acceleration(jackknife);
    double zLow = ConfidenceLevel.STANDARD_NORMAL.inverseCumulativeProbability(level.tail());
    double zHigh = -zLow;
    double a1 = adjusted(z0, a, zLow);
    double a2 = adjusted(z0, a, zHigh);
    if (Double.isNaN(a1) || Double.isNaN(a2)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {quantile(sorted, a1), quantile(sorted, a2)};
  }

  /** z₀ = Φ⁻¹((#{θ* &lt; θ̂} + ½ #{θ* = θ̂}) / B). */
  public static double biasCorrection(double[] sortedReplicates, double estimate) {
    double below = 0;
    for (double r : sortedReplicates) {
      if (r < estimate) {
        below += 1;
      } else if (r == estimate) {
        below += 0.5;
      }
    }
    double share = below / sortedReplicates.length;
    if (share <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (share >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return ConfidenceLevel.STANDARD_NORMAL.inverseCumulativeProbability(share);
  }

  /** a = Σ d³ / (6 (Σ d²)^{3/2}) over the defined jackknife estimates, d = mean − θ_(g). */
  public static double acceleration(double[] jackknife) {
    double[] j = defined(jackknife);
    if (j.length < 3) {
      return 0;
    }
    double mean = Arrays.stream(j).average().orElse(Double.NaN);
    double s2 = 0;
    double s3 = 0;
    for (double v : j) {
      double d = mean - v;
      s2 += d * d;
      s3 += d * d * d;
    }
    return s2 > 0 ? s3 / (6 * Math.pow(s2, 1.5)) : 0;
  }

  private static double adjusted(double z0, double a, double z) {
    double denominator = 1 - a * (z0 + z);
    if (!(denominator > 0)) {
      return Double.NaN;
    }
    return ConfidenceLevel.STANDARD_NORMAL.cumulativeProbability(z0 + (z0 + z) / denominator);
  }

  /** Linear interpolation between order statistics: h = (n − 1)·q. */
  public static double quantile(double[] sorted, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must lie in [0, 1], got " + q);
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The non-NaN values, sorted. */
  static double[] defined(double[] values) {
    return Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
  }

  /** How many of the values are NaN. */
  public static int undefinedCount(double[] values) {
    return (int) Arrays.stream(values).filter(Double::isNaN).count();
  }
}
