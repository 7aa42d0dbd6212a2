package io.carelake.evaluation.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.analysis.interpolation.LoessInterpolator;

/**
 * The smoothed calibration curve and the integrated calibration index (Austin &amp; Steyerberg,
 * "The Integrated Calibration Index (ICI) and related metrics", Stat Med 2019;38:4051-4065): a
 * smoother of the observed outcome on the predicted probability gives the calibration curve ŷ(p);
 * ICI is the weighted mean of |ŷ(p) − p| over the points, E50 and E90 its weighted median and 90th
 * percentile.
 *
 * <p>The smoother is LOWESS (Cleveland, JASA 1979;74:829-836): at each point a linear fit weighted
 * by the tricube of the distance over the nearest {@code span} fraction of the points, times each
 * point's own weight; no robustness iterations (a binary outcome has no outliers to down-weight).
 * It is commons-math3's {@code LoessInterpolator}. Austin &amp; Steyerberg used R's loess (local
 * quadratic); local linear is named here because it is what runs.
 *
 * <p>Points may be rows (observed 0/1, weight 1) or bins (observed event rate, weight = rows in the
 * bin): {@code evaluate} feeds equal-count score bins, which makes the fit O(bins) per bootstrap
 * resample instead of O(rows²). Points with the same predicted value are merged first (weighted
 * mean of observed, summed weight), since the smoother needs strictly increasing x. The curve is
 * clipped to [0, 1]. Weighted quantiles are the inverted empirical CDF: the smallest |ŷ − p| whose
 * cumulative weight reaches the quantile.
 *
 * <p>Edge cases: undefined (NaN, empty curve) when fewer than {@code ceil(2 / span)} distinct
 * points carry weight, the fewest the smoother can fit.
 */
public final class CalibrationIndex {

  public static final double SPAN_DEFAULT = 0.75;

  private CalibrationIndex() {}

  /** The smoothed curve at each distinct predicted value, and ICI / E50 / E90. */
  public record Result(double[] predicted, double[] smoothed, double[] weight, double ici,
      double e50, double e90) {

    static Result undefined() {
      return new Result(new double[0], new double[0], new double[0], Double.NaN, Double.NaN,
          Double.NaN);
    }

    public boolean defined() {
      return !Double.isNaN(ici);
    }
  }

  public static Result of(int[] labels, double[] scores, double span) {
    double[] observed = new double[labels.length];
    double[] weights = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      observed[i] = labels[i];
      weights[i] = 1;
    }
    return of(scores, observed, weights, span);
  }

  public static Result of(double[] predicted, double[] observed, double[] weights, double span) {
    if (!(span > 0 && span <= 1)) {
      throw new IllegalArgumentException("the LOWESS span must lie in (0, 1], got " + span);
    }
    LabelledScores.requireLength("observed", observed.length, predicted.length);
    LabelledScores.requireLength("weights", weights.length, predicted.length);
    for (int i = 0; i < predicted.length; i++) {
      if (!(predicted[i] >= 0 && predicted[i] <= 1) || !(observed[i] >= 0 && observed[i] <= 1)
          || !(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("point " + i + " is (" + predicted[i] + ", "
            + observed[i] + ", weight " + weights[i] + "); predicted and observed must lie in"
            + " [0, 1] and weights be finite and >= 0");
      }
    }
    double[][] merged = mergeTies(predicted, observed, weights);
    double[] x = merged[0];
    double[] y = merged[1];
    double[] w = merged[2];
    if (x.length < Math.ceil(2 / span)) {
      return Result.undefined();
    }
    double[] fit = new LoessInterpolator(span, 0, 1e-12).smooth(x, y, w);
    double[] error = new double[x.length];
    double total = 0;
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      fit[i] = Math.min(1, Math.max(0, fit[i]));
      error[i] = Math.abs(fit[i] - x[i]);
      total += w[i];
      sum += w[i] * error[i];
    }
    return new Result(x, fit, w, sum / total, weightedQuantile(error, w, 0.5),
        weightedQuantile(error, w, 0.9));
  }

  /** Sorted distinct x with the weighted mean y and the summed weight; zero weights dropped. */
  static double[][] mergeTies(double[] x, double[] y, double[] w) {
    int[] order = IntStream.range(0, x.length).filter(i -> w[i] > 0).boxed()
        .sorted(Comparator.comparingDouble(i -> x[i])).mapToInt(Integer::intValue).toArray();
    double[] ux = new double[order.length];
    double[] uy = new double[order.length];
    double[] uw = new double[order.length];
    int n = -1;
    for (int i : order) {
      if (n < 0 || x[i] != ux[n]) {
        n++;
        ux[n] = x[i];
      }
      uy[n] += w[i] * y[i];
      uw[n] += w[i];
    }
    for (int k = 0; k <= n; k++) {
      uy[k] /= uw[k];
    }
    return new double[][] {Arrays.copyOf(ux, n + 1), Arrays.copyOf(uy, n + 1),
        Arrays.copyOf(uw, n + 1)};
  }

  /** The smallest value whose cumulative weight reaches {@code q} of the total. */
  static double weightedQuantile(double[] values, double[] weights, double q) {
    int[] order = IntStream.range(0, values.length).boxed()
        .sorted(Comparator.comparingDouble(i -> values[i])).mapToInt(Integer::intValue).toArray();
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double cumulative = 0;
    for (int i : order) {
      cumulative += weights[i];
      if (cumulative >= q * total) {
        return values[i];
      }
    }
    return values[order[order.length - 1]];
  }
}
