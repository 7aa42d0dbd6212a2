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

  /** The columns of governance.check_results the report reads, in this order. */
  private static final String[] CHECK_COLUMNS = {"rule_id", "table", "column", "rule_type",
      "severity", "status", "numerator", "denominator", "threshold", "max_failures", "dimension",
      "indicator", "kahn", "clause", "rationale", "change", "spec_version", "spec_hash",
      "input_snapshot_id"};

  static List<Report.Check> checks(Dataset<Row> checkResults, String governRunId) {
    // The stored message is deliberately not read (see describe): it may quote a value.
    DataType[] types = new DataType[CHECK_COLUMNS.length];
    Arrays.fill(types, DataTypes.StringType);
    for (int i : new int[] {6, 7, 9, 18}) {
      types[i] = DataTypes.LongType;
    }
    types[8] = DataTypes.DoubleType;
    Dataset<Row> rows = select(checkResults.filter(col("run_id").equalTo(governRunId)),
        CHECK_COLUMNS, types).orderBy("table", "column", "rule_id");
    List<Report.Check> checks = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      Long numerator = longOrNull(r, 6);
      Long denominator = longOrNull(r, 7);
      Double threshold = doubleOrNull(r, 8);
      String status = r.getString(5);
      checks.add(new Report.Check(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
          r.getString(4), status, status, numerator, denominator, rate(numerator, denominator),
          threshold, longOrNull(r, 9), describe(status, numerator, denominator, threshold),
          r.getString(10), r.getString(11), r.getString(12), r.getString(13), r.getString(14),
          r.getString(15), r.getString(16), r.getString(17), longOrNull(r, 18), null));
    }
    return checks;
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

  /** Selects {@code names} cast to {@code types}; a column the table lacks reads as null. */
  static Dataset<Row> select(Dataset<Row> df, String[] names, DataType[] types) {
    Set<String> present = Set.copyOf(Arrays.asList(df.columns()));
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      Column c = present.contains(names[i]) ? col(names[i]) : lit(null);
      columns[i] = c.cast(types[i]).as(names[i]);
    }
    return df.select(columns);
  }

  static Long longOrNull(Row r, int i) {
    return r.isNullAt(i) ? null : r.getLong(i);
  }

  /**
   * The number, or null when there is none: a NaN or infinite value (a statistic undefined on
   * its data) is shown as missing, as JSON has no way to write it.
   */
  static Double doubleOrNull(Row r, int i) {
    if (r.isNullAt(i)) {
      return null;
    }
    double v = r.getDouble(i);
    return Double.isFinite(v) ? v : null;
  }
}
