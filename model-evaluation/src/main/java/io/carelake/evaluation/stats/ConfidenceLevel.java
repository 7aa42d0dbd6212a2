package io.carelake.evaluation.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/** A two-sided confidence level and its standard normal quantile (1.96 for 95 %). */
public record ConfidenceLevel(double level) {

  public static final double DEFAULT = 0.95;
  /** N(0, 1) from commons-math3; a null random generator: only its (inverse) CDF is used. */
  public static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  public ConfidenceLevel {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("--confidence must lie in (0, 1), got " + level);
    }
  }

  /** z with P(|Z| <= z) = level. */
  public double z() {
    return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - level) / 2);
  }

  /** α/2, the probability left in each tail. */
  public double tail() {
    return (1 - level) / 2;
  }

  /** {@code estimate ± z · se}, not clipped (a difference may be negative). */
  public double[] wald(double estimate, double standardError) {
    if (!(standardError >= 0)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double half = z() * standardError;
    return new double[] {estimate - half, estimate + half};
  }

  /** {@code estimate ± z · se}, clipped to [lo, hi] (e.g. [0, 1] for an AUROC). */
  public double[] wald(double estimate, double standardError, double lo, double hi) {
    double[] ci = wald(estimate, standardError);
    return new double[] {Math.max(lo, ci[0]), Math.min(hi, ci[1])};
  }
}
