package io.carelake.governance.deequ;

/**
 * What Deequ measured for one check: the share of passing rows, or why it could not be measured.
 *
 * @param passShare fraction of rows that pass, in [0, 1]; null when {@code error} is set
 * @param error why the metric could not be computed (Deequ hides exceptions in constraint
 *     messages: a missing column, a bad expression, a JVM without Spark's --add-opens)
 * @param deequSatisfied Deequ's own verdict on the assertion, kept for cross-checking
 */
public record MetricOutcome(String checkId, Double passShare, String error, boolean deequSatisfied) {

  public boolean failedToCompute() {
    return error != null;
  }

  static MetricOutcome measured(String id, double share, boolean satisfied) {
    return new MetricOutcome(id, share, null, satisfied);
  }

  static MetricOutcome error(String id, String why) {
    return new MetricOutcome(id, null, why, false);
  }
}
