package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The result rows a picked run wrote: {@code governance.check_results} of the govern run and
 * {@code evaluation.results} of the evaluate run. Both are small per run (one row per rule, one per
 * metric and split) and hold no patient data.
 *
 * <p>Columns are read by the names of the shared contract and cast to the types the report needs;
 * a column the owning module has not written yet reads as null instead of failing the report, so
 * the report keeps working while those modules evolve.
 */
final class RunResults {

  private RunResults() {}

  static List<Report.Check> checks(Dataset<Row> checkResults, String governRunId) {
    Dataset<Row> rows = select(checkResults.filter(col("run_id").equalTo(governRunId)),
        // The stored message is deliberately not read (see describe): it may quote a value.
        new String[] {"rule_id", "table", "column", "rule_type", "severity", "status",
            "numerator", "denominator", "threshold", "_message_not_read", "spec_version", "spec_hash",
            "input_snapshot_id"},
        new DataType[] {DataTypes.StringType, DataTypes.StringType, DataTypes.StringType,
            DataTypes.StringType, DataTypes.StringType, DataTypes.StringType, DataTypes.LongType,
            DataTypes.LongType, DataTypes.DoubleType, DataTypes.StringType, DataTypes.StringType,
            DataTypes.StringType, DataTypes.LongType})
        .orderBy("table", "column", "rule_id");
    List<Report.Check> checks = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      Long numerator = longOrNull(r, 6);
      Long denominator = longOrNull(r, 7);
      checks.add(new Report.Check(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
          r.getString(4), r.getString(5), numerator, denominator, rate(numerator, denominator),
          doubleOrNull(r, 8), describe(r.getString(5), numerator, denominator, doubleOrNull(r, 8)),
          r.getString(10), r.getString(11), longOrNull(r, 12)));
    }
    return checks;
  }

  /**
   * The evaluate run's whole-test-set metrics (not its subgroup cells or operating points, which
   * carry the same metric names), each with the confidence level it was computed at.
   */
  static List<Report.Evaluation> evaluation(Dataset<Row> results, String evaluateRunId) {
    Dataset<Row> rows = select(results.filter(col("run_id").equalTo(evaluateRunId)),
        new String[] {"run_id", "iteration_id", "split", "metric", "value", "ci_low", "ci_high",
            "ci_method", "n", "n_positive", "predictions_snapshot_id", "outcome", "ci_level",
            "subgroup_dimension", "operating_point"},
        new DataType[] {DataTypes.StringType, DataTypes.StringType, DataTypes.StringType,
            DataTypes.StringType, DataTypes.DoubleType, DataTypes.DoubleType, DataTypes.DoubleType,
            DataTypes.StringType, DataTypes.LongType, DataTypes.LongType, DataTypes.LongType,
            DataTypes.StringType, DataTypes.DoubleType, DataTypes.StringType,
            DataTypes.StringType})
        .filter(col("subgroup_dimension").isNull().or(col("subgroup_dimension").equalTo("all"))
            .and(col("operating_point").isNull()))
        .orderBy("iteration_id", "outcome", "split", "metric", "ci_method");
    List<Report.Evaluation> evaluation = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      evaluation.add(new Report.Evaluation(r.getString(0), r.getString(1), r.getString(11),
          r.getString(2), r.getString(3), doubleOrNull(r, 4), doubleOrNull(r, 5),
          doubleOrNull(r, 6), r.getString(7), doubleOrNull(r, 12), longOrNull(r, 8),
          longOrNull(r, 9), longOrNull(r, 10)));
    }
    return evaluation;
  }

  /**
   * The check's message as the report shows it: written from the status and counts only. The
   * stored message is never copied: a rule that could not be computed may quote the value it
   * failed on, and the report must hold rule names and counts, not column values.
   */
  static String describe(String status, Long numerator, Long denominator, Double threshold) {
    String limit = threshold == null ? ""
        : String.format(Locale.ROOT, "; limit %.2f%%", 100.0 * threshold);
    if (denominator != null && denominator == 0L) {
      return "nothing to check: no rows in the interval";
    }
    if (numerator == null || denominator == null) {
      return "not measured (" + status + "): the metric could not be computed; the govern run's"
          + " own log and governance.check_results hold the cause";
    }
    return String.format(Locale.ROOT, "%d of %d rows fail (%.2f%%%s)", numerator, denominator,
        100.0 * numerator / denominator, limit);
  }

  /** Failing share, or null when nothing was checked (the check is not applicable, not passed). */
  static Double rate(Long numerator, Long denominator) {
    if (numerator == null || denominator == null || denominator == 0L) {
      return null;
    }
    return numerator.doubleValue() / denominator.doubleValue();
  }

  private static Dataset<Row> select(Dataset<Row> df, String[] names, DataType[] types) {
    Set<String> present = Set.copyOf(Arrays.asList(df.columns()));
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      Column c = present.contains(names[i]) ? col(names[i]) : lit(null);
      columns[i] = c.cast(types[i]).as(names[i]);
    }
    return df.select(columns);
  }

  private static Long longOrNull(Row r, int i) {
    return r.isNullAt(i) ? null : r.getLong(i);
  }

  private static Double doubleOrNull(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }
}
