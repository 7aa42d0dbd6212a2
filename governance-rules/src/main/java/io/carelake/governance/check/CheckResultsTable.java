package io.carelake.governance.check;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobContext;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code governance.check_results}: one row per rule per run, appended. It is run history (each
 * run's verdicts, kept), so an append is right; reports pick the latest run of an interval.
 */
public final class CheckResultsTable {

  public static final Schema SCHEMA = new Schema(
      required(1, "run_id", Types.StringType.get()),
      required(2, "rule_id", Types.StringType.get()),
      required(3, "table", Types.StringType.get(), "the governed table, e.g. raw.visits"),
      optional(4, "column", Types.StringType.get(), "the column(s) the rule reads, comma-separated"),
      required(5, "rule_type", Types.StringType.get()),
      required(6, "severity", Types.StringType.get(), "block or warn"),
      required(7, "status", Types.StringType.get(), "PASS, WARN, FAIL, ERROR or NOT_APPLICABLE"),
      optional(8, "numerator", Types.LongType.get(), "failing rows; null when not computed"),
      required(9, "denominator", Types.LongType.get(), "rows in the slice"),
      required(10, "threshold", Types.DoubleType.get(), "largest failing share that passes"),
      optional(11, "message", Types.StringType.get()),
      optional(12, "spec_version", Types.StringType.get()),
      optional(13, "spec_hash", Types.StringType.get(), "SHA-256 of the spec file"),
      optional(14, "input_snapshot_id", Types.LongType.get(), "snapshot of the governed table read"),
      optional(15, "interval_start", Types.DateType.get(), "inclusive"),
      optional(16, "interval_end", Types.DateType.get(), "exclusive"));

  private CheckResultsTable() {}

  /** Appends the results of one run and returns the new snapshot id. */
  public static Long append(SparkSession spark, JobContext ctx, List<CheckResult> results) {
    CatalogFactory.createIfMissing(ctx.icebergCatalog(), Tables.GOVERNANCE_CHECK_RESULTS, SCHEMA,
        PartitionSpec.unpartitioned());
    Interval interval = ctx.interval();
    List<Row> rows = new ArrayList<>();
    for (CheckResult r : results) {
      rows.add(RowFactory.create(ctx.run().id(), r.ruleId(), r.table(), r.column(), r.ruleType(),
          r.severity().code(), r.status().name(), r.numerator(), r.denominator(), r.threshold(),
          r.message(), r.specVersion(), r.specHash(), r.inputSnapshotId(),
          Date.valueOf(interval.start()), Date.valueOf(interval.end())));
    }
    spark.createDataFrame(rows, SparkSchemaUtil.convert(SCHEMA))
        .writeTo(ctx.table(Tables.GOVERNANCE_CHECK_RESULTS)).append();
    return ctx.currentSnapshot(Tables.GOVERNANCE_CHECK_RESULTS);
  }
}
