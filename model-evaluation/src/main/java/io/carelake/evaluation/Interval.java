package io.carelake.evaluation;

import java.io.Serializable;

/**
 * One metric with one interval, as the gate reads it back: the value, the bounds, the method, and
 * whether the value is reported at all (a suppressed subgroup cell is not).
 */
record Interval(String metric, String method, double value, double low, double high,
    boolean suppressed) implements Serializable {

  static final String BCA = "cluster-bootstrap-bca";
  static final String PERCENTILE = "cluster-bootstrap-percentile";
  static final String OBUCHOWSKI = "obuchowski";

  boolean defined() {
    return !suppressed && !Double.isNaN(low) && !Double.isNaN(high);
  }
}
