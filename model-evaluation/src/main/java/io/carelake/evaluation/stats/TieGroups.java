package io.carelake.evaluation.stats;

/**
 * Rows grouped by distinct score, highest score first, with the positive and negative weight of
 * each group: the thresholds of a ROC or precision-recall curve. Predicting "positive" at the
 * threshold of group k means every row scoring {@code >= score[k]} is positive, so a run of tied
 * scores moves the curve in one step (as scikit-learn's {@code _binary_clf_curve} does).
 */
record TieGroups(double[] score, double[] positive, double[] negative) {

  static TieGroups of(LabelledScores data) {
    int[] order = data.descendingOrder();
    int n = order.length;
    double[] s = new double[n];
    double[] pos = new double[n];
    double[] neg = new double[n];
    int g = -1;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      if (g < 0 || data.scores()[i] != s[g]) {
        g++;
        s[g] = data.scores()[i];
      }
      if (data.labels()[i] == 1) {
        pos[g] += data.weights()[i];
      } else {
        neg[g] += data.weights()[i];
      }
    }
    return new TieGroups(java.util.Arrays.copyOf(s, g + 1), java.util.Arrays.copyOf(pos, g + 1),
        java.util.Arrays.copyOf(neg, g + 1));
  }

  int size() {
    return score.length;
  }
}
