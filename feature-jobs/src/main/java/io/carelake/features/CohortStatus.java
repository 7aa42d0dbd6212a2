package io.carelake.features;

/**
 * What happens to a candidate (patient, index date) pair: it is written, or it is set aside with a
 * reason that the run counts under the same name.
 */
enum CohortStatus {
  /** Written to {@code features.chronic_risk}. */
  KEPT("kept"),
  /** Already diagnosed with I10 or E11 before the index date: not at risk of a NEW diagnosis. */
  PREVALENT("prevalent"),
  /** The label horizon runs past the last event day in safe.visits: the label is not yet known. */
  HORIZON_INCOMPLETE("horizon_incomplete");

  private final String countName;

  CohortStatus(String countName) {
    this.countName = countName;
  }

  /** The name of the run count and of the value in the status column. */
  String countName() {
    return countName;
  }
}
