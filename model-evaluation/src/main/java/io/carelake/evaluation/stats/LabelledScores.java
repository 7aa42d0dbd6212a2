package io.carelake.evaluation.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Binary labels with one score and one non-negative weight per row, checked once: every metric of
 * this package takes its input through here, so that every metric refuses the same bad input with
 * the same message.
 *
 * <p>Rules: labels are 0 or 1; scores are finite (NaN or infinite scores are refused, not skipped:
 * the caller sets such rows aside and counts them); weights are finite and {@code >= 0} (a bootstrap
 * resample gives weight 0 to patients it did not draw); all arrays have the same length. An empty
 * input is allowed here: each metric decides whether it is defined on it.
 */
public record LabelledScores(int[] labels, double[] scores, double[] weights) {

  public LabelledScores {
    if (labels == null || scores == null || weights == null) {
      throw new IllegalArgumentException("labels, scores and weights must not be null");
    }
    if (labels.length != scores.length || labels.length != weights.length) {
      throw new IllegalArgumentException("labels, scores and weights must have the same length,"
          + " got " + labels.length + ", " + scores.length + " and " + weights.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("label at row " + i + " is " + labels[i]
            + "; labels must be 0 or 1");
      }
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("score at row " + i + " is " + scores[i]
            + "; scores must be finite (set such rows aside before computing a metric)");
      }
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("weight at row " + i + " is " + weights[i]
            + "; weights must be finite and >= 0");
      }
    }
  }

  /** Unit weights. */
  public static LabelledScores of(int[] labels, double[] scores) {
    double[] ones = new double[labels == null ? 0 : labels.length];
    Arrays.fill(ones, 1.0);
    return new LabelledScores(labels, scores, ones);
  }

  public static LabelledScores weighted(int[] labels, double[] scores, double[] weights) {
    return new LabelledScores(labels, scores, weights);
  }

  public int size() {
    return labels.length;
  }

  /** Σ w over rows with label 1. */
  public double positiveWeight() {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      s += labels[i] * weights[i];
    }
    return s;
  }

  public double totalWeight() {
    double s = 0;
    for (double w : weights) {
      s += w;
    }
    return s;
  }

  public double negativeWeight() {
    return totalWeight() - positiveWeight();
  }

  /**
   * Row indexes by score, highest first; ties keep row order (a stable sort), and every metric
   * here treats a run of equal scores as one threshold, so the order inside a tie never matters.
   */
  public int[] descendingOrder() {
    return IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
        .mapToInt(Integer::intValue).toArray();
  }

  /** Requires that the arrays also match {@code n} rows (for a second score or a cluster id). */
  static void requireLength(String what, int length, int n) {
    if (length != n) {
      throw new IllegalArgumentException(what + " has " + length + " rows, the labels " + n);
    }
  }
}
