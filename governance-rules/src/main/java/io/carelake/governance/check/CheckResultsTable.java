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
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * {@code governance.check_results}: one row per rule per governed table per run, appended. It is
 * run history (each run's verdicts, kept, also for blocked runs), so an append is right; reports
 * pick the rows of the run they judge by {@code run_id}.
 *
 * <p>{@code rule_id}, {@code numerator} and {@code denominator} repeat {@code rule},
 * {@code rows_failed} and {@code rows_checked} under the names the report module reads.
 */
public final class CheckResultsTable {

  public static final Schema SCHEMA = new Schema(
      required(1, "run_id", Types.StringType.get(), "the govern run (governance.runs.run_id)"),
      optional(2, "interval_start", Types.DateType.get(), "inclusive"),
      optional(3, "interval_end", Types.DateType.get(), "exclusive"),
      required(4, "spec", Types.StringType.get(), "spec name (spec.name in the YAML)"),
      required(5, "spec_version", Types.StringType.get(), "spec.version in the YAML"),
      required(6, "spec_hash", Types.StringType.get(), "SHA-256 of the spec file"),
      required(7, "table", Types.StringType.get(), "the governed table, e.g. raw.visits"),
      required(8, "rule", Types.StringType.get(), "rule id, unique within its spec"),
      required(9, "rule_id", Types.StringType.get(), "same as rule"),
      optional(10, "column", Types.StringType.get(), "the column(s) the rule reads, comma-separated"),
      required(11, "rule_type", Types.StringType.get()),
      required(12, "severity", Types.StringType.get(), "block, quarantine or warn"),
      optional(13, "dimension", Types.StringType.get(), "GB/T 36344-2018 dimension"),
      optional(14, "kahn", Types.StringType.get(), "Kahn category"),
      required(15, "status", Types.StringType.get(), "PASS, WARN, FAIL, ERROR or NOT_APPLICABLE"),
      optional(16, "constraint", Types.StringType.get(), "the Deequ constraint evaluated"),
      optional(17, "message", Types.StringType.get(), "the verdict in words"),
      optional(18, "metric_value", Types.DoubleType.get(),
          "Deequ metric: share of rows that pass; null when not computed"),
      required(19, "threshold", Types.DoubleType.get(), "largest failing share that passes"),
      required(20, "rows_checked", Types.LongType.get(), "rows in the slice"),
      optional(21, "rows_failed", Types.LongType.get(), "failing rows; null when not computed"),
      optional(22, "numerator", Types.LongType.get(), "same as rows_failed"),
      required(23, "denominator", Types.LongType.get(), "same as rows_checked"),
      optional(24, "input_snapshot_id", Types.LongType.get(), "snapshot of the governed table read"),
      optional(25, "change", Types.StringType.get(), "against the previous run of the same spec"
          + " and table: NEW (failing now, not before), PERSISTING (failing in both), RESOLVED"
          + " (failing before, not now); null when passing in both. Failing = WARN, FAIL or ERROR"),
      optional(26, "checked_at", Types.TimestampType.withZone(), "when the run wrote the result"),
      optional(27, "clause", Types.StringType.get(), "the standard clause the rule implements"),
      optional(28, "max_failures", Types.LongType.get(),
          "the rule's absolute limit on failing rows, when it has one"),
      optional(29, "indicator", Types.StringType.get(),
          "GB/T 36344-2018 indicator of the dimension the rule scores"),
      optional(30, "rationale", Types.StringType.get(), "why the rule exists (the spec's rationale)"));

  /** Statuses that count as failing for {@code change}. */
  static final java.util.Set<String> FAILING = java.util.Set.of("WARN", "FAIL", "ERROR");

  private CheckResultsTable() {}

  /** Appends the results of one run and returns the new snapshot id. */
  public static Long append(SparkSession spark, JobContext ctx, List<CheckResult> results) {
    CatalogFactory.createIfMissing(ctx.icebergCatalog(), Tables.GOVERNANCE_CHECK_RESULTS, SCHEMA,
        PartitionSpec.unpartitioned());
    addMissingColumns(ctx);
    if (results.isEmpty()) {
      return ctx.currentSnapshot(Tables.GOVERNANCE_CHECK_RESULTS);
    }
    Interval interval = ctx.interval();
    java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
    java.util.Map<String, java.util.Map<String, String>> previous = new java.util.HashMap<>();
    List<Row> rows = new ArrayList<>();
    for (CheckResult r : results) {
      java.util.Map<String, String> before = previous.computeIfAbsent(r.spec() + "\u0000"
          + r.table(), k -> previousStatuses(spark, ctx, r.spec(), r.table()));
      String change = change(before.get(r.rule()), r.status().name());
      if (change != null) {
        ctx.run().count("changes." + change, ctx.run().counts().getOrDefault("changes." + change,
            0L) + 1);
      }
      rows.add(RowFactory.create(ctx.run().id(), Date.valueOf(interval.start()),
          Date.valueOf(interval.end()), r.spec(), r.specVersion(), r.specHash(), r.table(),
          r.rule(), r.rule(), r.column(), r.ruleType(), r.severity().code(), r.dimension(),
          r.kahn(), r.status().name(), r.constraint(), r.message(), r.metricValue(),
          r.threshold(), r.rowsChecked(), r.rowsFailed(), r.rowsFailed(), r.rowsChecked(),
          r.inputSnapshotId(), change, now, r.clause(), r.maxFailures(), r.indicator(),
          r.rationale()));
    }
    String table = ctx.table(Tables.GOVERNANCE_CHECK_RESULTS);
    try {
      spark.createDataFrame(rows, SparkSchemaUtil.convert(SCHEMA)).writeTo(table).append();
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(table + " disappeared while govern wrote its check results"
          + " (was it dropped by another process?); rerun govern", e);
    }
    return ctx.currentSnapshot(Tables.GOVERNANCE_CHECK_RESULTS);
  }

  /** NEW, PERSISTING, RESOLVED or null, from the previous and the current status of a rule. */
  static String change(String before, String now) {
    boolean was = before != null && FAILING.contains(before);
    boolean is = FAILING.contains(now);
    return is ? (was ? "PERSISTING" : "NEW") : (was ? "RESOLVED" : null);
  }

  /**
   * rule -> status in the latest earlier run of {@code spec} on {@code table} (by
   * {@code checked_at}; rows written before that column existed are not compared). A small read:
   * one row per rule.
   */
  static java.util.Map<String, String> previousStatuses(SparkSession spark, JobContext ctx,
      String spec, String table) {
    String name = ctx.table(Tables.GOVERNANCE_CHECK_RESULTS);
    String where = "spec = '" + spec.replace("'", "''") + "' AND `table` = '"
        + table.replace("'", "''") + "' AND run_id <> '" + ctx.run().id().replace("'", "''")
        + "' AND checked_at IS NOT NULL";
    java.util.Map<String, String> out = new java.util.HashMap<>();
    List<Row> last = spark.sql("SELECT run_id FROM " + name + " WHERE " + where
        + " ORDER BY checked_at DESC, run_id DESC LIMIT 1").collectAsList();
    if (last.isEmpty()) {
      return out;
    }
    for (Row r : spark.sql("SELECT rule_id, status FROM " + name + " WHERE " + where
        + " AND run_id = '" + last.get(0).getString(0).replace("'", "''") + "'").collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** Tables created by an earlier build lack the newer optional columns: add them. */
  private static void addMissingColumns(JobContext ctx) {
    org.apache.iceberg.Table t = ctx.icebergCatalog().loadTable(
        CatalogFactory.identifier(Tables.GOVERNANCE_CHECK_RESULTS));
    org.apache.iceberg.UpdateSchema update = null;
    for (Types.NestedField f : SCHEMA.columns()) {
      if (t.schema().findField(f.name()) == null) {
        if (f.isRequired()) {
          throw new IllegalStateException(Tables.GOVERNANCE_CHECK_RESULTS + " lacks the required"
              + " column '" + f.name() + "'; it was created by an incompatible build: rename it"
              + " and let govern create a new one");
        }
        update = update == null ? t.updateSchema() : update;
        update.addColumn(f.name(), f.type(), f.doc());
      }
    }
    if (update != null) {
      update.commit();
    }
  }
}
