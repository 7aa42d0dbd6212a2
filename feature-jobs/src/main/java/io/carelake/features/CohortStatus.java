package io.carelake.features;

/**
 * Why a candidate (patient, index date, outcome) is set aside, in attrition order, or
 * {@link #KEPT}. The names are the run's counts and the attrition table's reasons.
 */
enum CohortStatus {
  /** Fewer visits than the target asks in its lookback before the index date. */
  NO_VISIT_IN_LOOKBACK("no_visit_in_lookback"),
  /** The first visit known at the index date is more recent than the minimum prior observation. */
  SHORT_PRIOR_OBSERVATION("short_prior_observation"),
  /** The outcome phenotype was met before the index date (within the washout): not at risk. */
  PREVALENT("prevalent"),
  /** The time at risk runs past the end of the data: the outcome is not yet known. */
  TIME_AT_RISK_BEYOND_DATA("time_at_risk_beyond_data"),
  /** Observation ended (no record for the persistence window) before the minimum time at risk. */
  CENSORED_BEFORE_MIN_TIME_AT_RISK("censored_before_min_time_at_risk"),
  /** Written to features.chronic_risk with its label. */
  KEPT("kept");

  private final String reason;

  CohortStatus(String reason) {
    this.reason = reason;
  }

  String reason() {
    return reason;
  }

  /** Attrition steps: every status but {@link #KEPT}. */
  static java.util.List<CohortStatus> setAside() {
    return java.util.Arrays.stream(values()).filter(s -> s != KEPT).toList();
  }
}
