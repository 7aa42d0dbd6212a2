package io.carelake.evaluation.stats;

/**
 * The 2×2 table at a decision threshold: a row is called positive when its score is {@code >=} the
 * threshold. Sensitivity TP/(TP+FN), specificity TN/(TN+FP), positive predictive value TP/(TP+FP),
 * negative predictive value TN/(TN+FN) (Altman &amp; Bland, BMJ 1994;308:1552 and 309:102); each is
 * undefined (NaN) when its denominator is 0. Weighted rows count with their weight.
 */
public record ConfusionMatrix(double threshold, double truePositive, double falsePositive,
    double trueNegative, double falseNegative) {

  public static ConfusionMatrix at(int[] labels, double[] scores, double threshold) {
    return at(LabelledScores.of(labels, scores), threshold);
  }

  public static ConfusionMatrix at(LabelledScores data, double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must be a number, got NaN");
    }
    double tp = 0;
    double fp = 0;
    double tn = 0;
    double fn = 0;
    for (int i = 0; i < data.size(); i++) {
      boolean called = data.scores()[i] >= threshold;
      double w = data.weights()[i];
      if (data.labels()[i] == 1) {
        if (called) {
          tp += w;
        } else {
          fn += w;
        }
      } else if (called) {
        fp += w;
      } else {
        tn += w;
      }
    }
    return new ConfusionMatrix(threshold, tp, fp, tn, fn);
  }

  /**
   * The operating point that first reaches a target sensitivity: the highest distinct score t such
   * that calling every row scoring {@code >= t} positive catches at least {@code target} of the
   * positive weight (scikit-learn: {@code thresholds[argmax(tpr >= target)]} of
   * {@code roc_curve(..., drop_intermediate=False)}). Null without positive weight.
   */
  public static ConfusionMatrix atSensitivity(LabelledScores data, double target) {
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("target sensitivity must lie in (0, 1], got " + target);
    }
    TieGroups groups = TieGroups.of(data);
    double positives = 0;
    for (double p : groups.positive()) {
      positives += p;
    }
    if (!(positives > 0)) {
      return null;
    }
    double tp = 0;
    for (int g = 0; g < groups.size(); g++) {
      tp += groups.positive()[g];
      if (tp / positives >= target) {
        return at(data, groups.score()[g]);
      }
    }
    throw new IllegalStateException("cumulative sensitivity never reached " + target);
  }

  public double sensitivity() {
    return ratio(truePositive, truePositive + falseNegative);
  }

  public double specificity() {
    return ratio(trueNegative, trueNegative + falsePositive);
  }

  public double positivePredictiveValue() {
    return ratio(truePositive, truePositive + falsePositive);
  }

  public double negativePredictiveValue() {
    return ratio(trueNegative, trueNegative + falseNegative);
  }

  public double total() {
    return truePositive + falsePositive + trueNegative + falseNegative;
  }

  static double ratio(double numerator, double denominator) {
    return denominator > 0 ? numerator / denominator : Double.NaN;
  }
}
