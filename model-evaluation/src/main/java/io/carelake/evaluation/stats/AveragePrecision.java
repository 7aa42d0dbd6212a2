package io.carelake.evaluation.stats;

/**
 * Area under the precision–recall curve as average precision, AP = Σ_k (R_k − R_{k−1}) P_k over the
 * distinct score thresholds from the highest down, with R_k and P_k the recall and precision when
 * every row scoring at or above threshold k is called positive: scikit-learn's
 * {@code average_precision_score} (a step function, not the trapezoid, which is optimistic; Davis
 * &amp; Goadrich 2006). Weighted rows count with their weight.
 *
 * <p>Edge cases: undefined (NaN) without positive weight; with no negative weight AP is 1; tied
 * scores enter as one threshold. The chance level is the prevalence, not 0.5.
 */
public final class AveragePrecision {

  private AveragePrecision() {}

  public static double of(int[] labels, double[] scores) {
    return of(LabelledScores.of(labels, scores));
  }

  public static double of(LabelledScores data) {
    TieGroups groups = TieGroups.of(data);
    double positives = 0;
    for (double p : groups.positive()) {
      positives += p;
    }
    if (!(positives > 0)) {
      return Double.NaN;
    }
    double truePositives = 0;
    double falsePositives = 0;
    double sum = 0;
    for (int g = 0; g < groups.size(); g++) {
      truePositives += groups.positive()[g];
      falsePositives += groups.negative()[g];
      if (groups.positive()[g] > 0) {
        sum += groups.positive()[g] * truePositives / (truePositives + falsePositives);
      }
    }
    return sum / positives;
  }
}
