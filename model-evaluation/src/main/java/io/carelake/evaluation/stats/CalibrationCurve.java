package io.carelake.evaluation.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The binned calibration (reliability) curve: [0, 1] cut into {@code bins} equal-width bins; for each
 * bin that holds weight, the mean predicted probability and the observed event rate. scikit-learn's
 * {@code calibration_curve(y, p, n_bins=bins, strategy="uniform")}, bin for bin: edges
 * {@code k·(1/bins)} (as {@code numpy.linspace} makes them), and a score on an inner edge belongs to
 * the bin below it ({@code numpy.searchsorted(edges[1:-1], p)}, side left), so bin 0 is [0, e₁] and
 * bin k is (e_k, e_{k+1}].
 *
 * <p>Edge cases: scores must lie in [0, 1]; empty bins are left out (as scikit-learn does); no rows
 * give an empty curve.
 */
public final class CalibrationCurve {

  private CalibrationCurve() {}

  /** One non-empty bin. */
  public record Bin(int index, double lower, double upper, double meanPredicted, double observed,
      double weight, double positiveWeight) {}

  public static List<Bin> uniform(int[] labels, double[] scores, int bins) {
    return uniform(LabelledScores.of(labels, scores), bins);
  }

  public static List<Bin> uniform(LabelledScores data, int bins) {
    BrierScore.requireProbabilities(data.scores());
    double[] edges = edges(bins);
    double[] weight = new double[bins];
    double[] positive = new double[bins];
    double[] predicted = new double[bins];
    for (int i = 0; i < data.size(); i++) {
      int b = binOf(data.scores()[i], edges);
      double w = data.weights()[i];
      weight[b] += w;
      positive[b] += w * data.labels()[i];
      predicted[b] += w * data.scores()[i];
    }
    List<Bin> out = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (weight[b] > 0) {
        out.add(new Bin(b, edges[b], edges[b + 1], predicted[b] / weight[b],
            positive[b] / weight[b], weight[b], positive[b]));
      }
    }
    return out;
  }

  /** {@code bins + 1} edges from 0 to 1, computed as numpy.linspace computes them. */
  public static double[] edges(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("a calibration curve needs at least 1 bin, got " + bins);
    }
    double step = 1.0 / bins;
    double[] edges = new double[bins + 1];
    for (int k = 0; k < bins; k++) {
      edges[k] = k * step;
    }
    edges[bins] = 1.0;
    return edges;
  }

  /** The bin of a score: the number of inner edges strictly below it. */
  public static int binOf(double score, double[] edges) {
    return countBelow(edges, 1, edges.length - 1, score);
  }

  /**
   * How many of {@code sorted[from .. to)} (ascending) are strictly below {@code value}: a binary
   * search, numpy's {@code searchsorted(..., side="left")}.
   */
  public static int countBelow(double[] sorted, int from, int to, double value) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - from;
  }
}
