package io.carelake.governance.deequ;

/**
 * What Deequ measured for one check: the share of passing rows, or why it could not be measured.
 *
 * @param passShare fraction of rows that pass, in [0, 1]; null when {@code error} is set
 * @param error why the metric could not be computed (Deequ hides exceptions in constraint
 *     messages: a missing column, a bad expression, a JVM without Spark's --add-opens)
 * @param deequSatisfied Deequ's own verdict on the assertion, kept for cross-checking
 * @param constraint Deequ's description of the constraint it evaluated, e.g.
 *     {@code ComplianceConstraint(Compliance(rule-id,coalesce(...),None,List(value),None))}
 */
public record MetricOutcome(String checkId, Double passShare, String error, boolean deequSatisfied,
    String constraint) {

  public boolean failedToCompute() {
    return error != null;
  }

  static MetricOutcome measured(String id, double share, boolean satisfied, String constraint) {
    return new MetricOutcome(id, share, null, satisfied, constraint);
  }

  static MetricOutcome error(String id, String why, String constraint) {
    return new MetricOutcome(id, null, why, false, constraint);
  }
}
