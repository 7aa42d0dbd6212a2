package io.carelake.evaluation.stats;

/**
 * Brier score, the mean squared difference between predicted probability and outcome,
 * Σ w (s − y)² / Σ w (Brier 1950): scikit-learn's {@code brier_score_loss}. Lower is better; 0 is
 * perfect, 0.25 is what a constant 0.5 earns.
 *
 * <p>The scaled Brier score (Steyerberg et al., Epidemiology 2010;21:128-138) compares it with the
 * non-informative model that predicts the observed prevalence p̄ for everyone:
 * 1 − Brier / (p̄ (1 − p̄)); 1 is perfect, 0 no better than the prevalence, negative worse.
 *
 * <p>Edge cases: scores must be probabilities in [0, 1] (a margin or log-odds has no Brier score:
 * refused with a message); undefined (NaN) on no weight; the scaled score is undefined when the
 * outcome does not vary (p̄ = 0 or 1).
 */
public final class BrierScore {

  private BrierScore() {}

  public static double of(int[] labels, double[] scores) {
    return of(LabelledScores.of(labels, scores));
  }

  public static double of(LabelledScores data) {
    requireProbabilities(data.scores());
    double total = data.totalWeight();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      double e = data.scores()[i] - data.labels()[i];
      sum += data.weights()[i] * e * e;
    }
    return sum / total;
  }

  public static double scaled(int[] labels, double[] scores) {
    return scaled(LabelledScores.of(labels, scores));
  }

  public static double scaled(LabelledScores data) {
    double total = data.totalWeight();
    return scaled(of(data), total > 0 ? data.positiveWeight() / total : Double.NaN);
  }

  /** 1 − brier / (p̄ (1 − p̄)), from a Brier score and the prevalence it was measured at. */
  public static double scaled(double brier, double prevalence) {
    double reference = prevalence * (1 - prevalence);
    return reference > 0 ? 1 - brier / reference : Double.NaN;
  }

  /** Refuses scores outside [0, 1], naming the first one. */
  static void requireProbabilities(double[] scores) {
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] < 0 || scores[i] > 1) {
        throw new IllegalArgumentException("score at row " + i + " is " + scores[i]
            + "; this metric needs probabilities in [0, 1]");
      }
    }
  }
}
