package io.carelake.evaluation.stats;

/**
 * Area under the ROC curve as the Mann–Whitney probability that a positive outscores a negative,
 * ties counted one half: AUROC = Σ_{i pos} Σ_{j neg} w_i w_j ψ(s_i, s_j) / (W₊ W₋), ψ = 1, ½, 0 for
 * s_i &gt; s_j, =, &lt; (Bamber 1975; Hanley &amp; McNeil 1982). This equals the trapezoidal area
 * under the empirical ROC curve, which is what scikit-learn's {@code roc_auc_score} computes (also
 * with {@code sample_weight}).
 *
 * <p>Edge cases: undefined (NaN) when there is no positive or no negative weight; 0.5 when every
 * score is tied; 1 (0) when the classes are perfectly (inversely) separated. O(n log n).
 */
public final class Auroc {

  private Auroc() {}

  public static double of(int[] labels, double[] scores) {
    return of(LabelledScores.of(labels, scores));
  }

  public static double of(LabelledScores data) {
    TieGroups groups = TieGroups.of(data);
    double positives = 0;
    double negatives = 0;
    for (int g = 0; g < groups.size(); g++) {
      positives += groups.positive()[g];
      negatives += groups.negative()[g];
    }
    if (!(positives > 0) || !(negatives > 0)) {
      return Double.NaN;
    }
    // Descending: a positive outscores every negative of the groups below its own.
    double negativesAtOrAbove = 0;
    double pairs = 0;
    for (int g = 0; g < groups.size(); g++) {
      double below = negatives - negativesAtOrAbove - groups.negative()[g];
      pairs += groups.positive()[g] * (below + 0.5 * groups.negative()[g]);
      negativesAtOrAbove += groups.negative()[g];
    }
    return pairs / (positives * negatives);
  }
}
