package io.carelake.evaluation;

import io.carelake.evaluation.bootstrap.ReplicateSet;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Rows of {@code evaluation.curves} ({@link EvaluationTables#CURVES}): one point of one curve with
 * its pointwise percentile interval (a band, not a simultaneous one), the rows behind it and how it
 * was made.
 */
final class CurveRows {

  private final EvaluationUnit unit;

  CurveRows(EvaluationUnit unit) {
    this.unit = unit;
  }

  /** {@code s} null: a point with no uncertainty (treat none). */
  void add(List<Row> out, String curve, int point, double x, ReplicateSet.Summary s, Long n,
      Long events, String method) {
    double y = s == null ? 0 : s.value();
    Double lo = s == null ? null : ResultRows.orNull(s.percentile()[0]);
    Double hi = s == null ? null : ResultRows.orNull(s.percentile()[1]);
    out.add(RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(),
        curve, point, ResultRows.orNull(x), ResultRows.orNull(y), lo, hi,
        s == null ? null : Interval.PERCENTILE, unit.level().level(), n, events, method,
        unit.spec().sha256()));
  }
}
