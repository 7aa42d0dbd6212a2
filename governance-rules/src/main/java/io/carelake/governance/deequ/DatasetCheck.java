package io.carelake.governance.deequ;

import java.util.List;

/**
 * A dataset-level measurement a rule asks for, in plain Java: what {@link DeequAdapter} turns into a
 * Deequ constraint. Each measures the share of rows that pass; the rule passes while the share of
 * failing rows is at most {@code threshold}.
 */
public sealed interface DatasetCheck {

  /** The rule id; Deequ's check description and constraint name. */
  String id();

  List<String> columns();

  double threshold();

  boolean blocking();

  /** Share of rows for which a Spark SQL boolean expression is true (Deequ {@code satisfies}). */
  record Compliance(String id, String predicateSql, List<String> columns, double threshold,
      boolean blocking) implements DatasetCheck {
    public Compliance {
      columns = List.copyOf(columns);
    }
  }

  /**
   * A column metric read, not asserted: completeness or mean (optionally over the rows matching
   * {@code where}), for a comparison with the metric's history. The outcome's {@code passShare}
   * holds the metric's value.
   */
  record ColumnMetric(String id, String column, Kind kind, String where, boolean blocking)
      implements DatasetCheck {
    public enum Kind { COMPLETENESS, MEAN }

    @Override
    public List<String> columns() {
      return List.of(column);
    }

    @Override
    public double threshold() {
      return 0.0;
    }
  }

  /** Share of rows whose value (tuple) occurs exactly once (Deequ {@code hasUniqueness}). */
  record Uniqueness(String id, List<String> columns, double threshold, boolean blocking)
      implements DatasetCheck {
    public Uniqueness {
      columns = List.copyOf(columns);
    }
  }
}
