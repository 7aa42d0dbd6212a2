package io.carelake.evaluation;

/**
 * One metric of one model on one split, with its confidence interval and the counts behind it.
 * {@code value} is NaN (written as null) when the metric is undefined, e.g. AUROC without positives;
 * the interval is NaN when it cannot be estimated (fewer than two positives or negatives).
 */
record MetricEstimate(String metric, double value, double ciLow, double ciHigh, String ciMethod,
    long n, long nPositive) {

  boolean defined() {
    return !Double.isNaN(value);
  }

  boolean brackets(double x) {
    return ciLow <= x && x <= ciHigh;
  }
}
