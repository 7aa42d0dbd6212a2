package io.carelake.evaluation.stats;

/**
 * Net benefit of deciding by the model at a threshold probability t (Vickers &amp; Elkin, Med Decis
 * Making 2006;26:565-574): NB(t) = TP/n − FP/n · t/(1 − t), the true positives found per patient
 * less the false positives, each weighted by the odds at which a clinician is indifferent between
 * treating and not. A decision curve plots NB(t) over a range of t against the two default
 * strategies: treat all, NB = p̄ − (1 − p̄)·t/(1 − t), and treat none, NB = 0.
 *
 * <p>Edge cases: t must lie strictly between 0 and 1; undefined (NaN) on no weight.
 */
public final class NetBenefit {

  private NetBenefit() {}

  public static double model(ConfusionMatrix m) {
    return model(m.truePositive(), m.falsePositive(), m.total(), m.threshold());
  }

  public static double model(double truePositive, double falsePositive, double n,
      double threshold) {
    requireThreshold(threshold);
    if (!(n > 0)) {
      return Double.NaN;
    }
    return truePositive / n - falsePositive / n * threshold / (1 - threshold);
  }

  public static double treatAll(double prevalence, double threshold) {
    requireThreshold(threshold);
    return prevalence - (1 - prevalence) * threshold / (1 - threshold);
  }

  static void requireThreshold(double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("a net-benefit threshold must lie strictly between 0 and"
          + " 1, got " + threshold);
    }
  }
}
