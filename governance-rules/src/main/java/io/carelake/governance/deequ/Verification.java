package io.carelake.governance.deequ;

import java.util.Map;

/**
 * The result of one Deequ verification run over one table slice.
 *
 * @param rows rows in the slice (Deequ's Size metric), the denominator of every check
 * @param outcomes one per check, by check id, in the order the checks were given
 * @param metrics every metric Deequ computed (the AnalyzerContext), flattened, for the history
 */
public record Verification(long rows, Map<String, MetricOutcome> outcomes,
    java.util.List<DeequMetric> metrics) {

  public Verification {
    outcomes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outcomes));
    metrics = java.util.List.copyOf(metrics);
  }

  public MetricOutcome outcome(String checkId) {
    MetricOutcome o = outcomes.get(checkId);
    if (o == null) {
      throw new IllegalArgumentException("No Deequ outcome for check '" + checkId + "'");
    }
    return o;
  }
}
