package io.carelake.evaluation;

import io.carelake.evaluation.bootstrap.ReplicateSet;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Rows of {@code evaluation.results} ({@link EvaluationTables#RESULTS}) for one evaluation unit: a
 * bootstrap estimate gives two rows (its BCa and its percentile interval), an analytic interval one,
 * a suppressed subgroup cell one row per metric with no value and no counts. NaN is written null.
 */
public final class ResultRows {

  static final String ALL = "all";

  private final EvaluationUnit unit;

  ResultRows(EvaluationUnit unit) {
    this.unit = unit;
  }

  void bootstrap(List<Row> out, String dimension, String value, String metric,
      String operatingPoint, Double threshold, ReplicateSet.Summary s, long n, long events,
      long patients, List<String> flags) {
    out.add(row(dimension, value, metric, operatingPoint, threshold, s.value(), s.bca(),
        Interval.BCA, n, events, patients, s.resamples(), s.undefined(), flags, false));
    out.add(row(dimension, value, metric, operatingPoint, threshold, s.value(), s.percentile(),
        Interval.PERCENTILE, n, events, patients, s.resamples(), s.undefined(), flags, false));
  }

  void analytic(List<Row> out, String dimension, String value, String metric, double estimate,
      double[] ci, String method, long n, long events, long patients, List<String> flags) {
    out.add(row(dimension, value, metric, null, null, estimate, ci, method, n, events, patients,
        null, null, flags, false));
  }

  void suppressed(List<Row> out, String dimension, String value, String metric, int minRows,
      int minEvents) {
    out.add(RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(),
        dimension, value, metric, null, null, null, null, null, null, unit.level().level(), null,
        null, null, null, null, unit.spec().bootstrap().seed(),
        scalaSeq(List.of("suppressed: fewer than " + minRows + " rows or " + minEvents
            + " events or non-events")), true, unit.spec().sha256(),
        unit.predictionsSnapshot()));
  }

  private Row row(String dimension, String value, String metric, String operatingPoint,
      Double threshold, double estimate, double[] ci, String method, long n, long events,
      long patients, Integer resamples, Integer undefined, List<String> flags,
      boolean suppressed) {
    return RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(),
        dimension == null ? ALL : dimension, value == null ? ALL : value, metric, operatingPoint,
        threshold, orNull(estimate), orNull(ci[0]), orNull(ci[1]), method, unit.level().level(), n,
        events, patients, resamples, undefined, unit.spec().bootstrap().seed(), scalaSeq(flags),
        suppressed, unit.spec().sha256(), unit.predictionsSnapshot());
  }

  /** NaN means "undefined" in memory; the table says so with null. */
  public static Double orNull(double x) {
    return Double.isNaN(x) || Double.isInfinite(x) ? null : x;
  }

  /** The row encoder reads array columns as Scala sequences. */
  public static scala.collection.Seq<String> scalaSeq(List<String> values) {
    return scala.collection.JavaConverters.asScalaBuffer(new java.util.ArrayList<>(values)).toSeq();
  }
}
