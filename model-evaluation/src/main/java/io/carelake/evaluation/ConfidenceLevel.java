package io.carelake.evaluation;

import org.apache.commons.math3.distribution.NormalDistribution;

/** A two-sided confidence level and its standard normal quantile (1.96 for 95 %). */
record ConfidenceLevel(double level) {

  static final double DEFAULT = 0.95;

  ConfidenceLevel {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("--confidence must lie in (0, 1), got " + level);
    }
  }

  /** z with P(|Z| <= z) = level, from commons-math3 (no hand-written inverse normal). */
  double z() {
    // A null random generator: only the quantile function is used, never sampling.
    return new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - level) / 2);
  }

  /** {@code estimate ± z · se}, clipped to the metric's range [0, 1]. */
  double[] wald(double estimate, double standardError) {
    if (Double.isNaN(standardError)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double half = z() * standardError;
    return new double[] {Math.max(0, estimate - half), Math.min(1, estimate + half)};
  }
}
