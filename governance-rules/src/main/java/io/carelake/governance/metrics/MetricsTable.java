package io.carelake.governance.metrics;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.governance.deequ.DeequMetric;
import io.carelake.spark.JobContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
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
 * {@code governance.metrics}: every Deequ metric of every govern run (the verification's
 * AnalyzerContext, flattened), appended, also for blocked runs. It is the history Deequ's anomaly
 * detection strategies read (see {@code SizeAnomaly}).
 */
public final class MetricsTable {

  public static final Schema SCHEMA = new Schema(
      required(1, "run_id", Types.StringType.get(), "the govern run (governance.runs.run_id)"),
      optional(2, "interval_start", Types.DateType.get(), "inclusive"),
      optional(3, "interval_end", Types.DateType.get(), "exclusive"),
      required(4, "table", Types.StringType.get(), "the governed table, e.g. raw.visits"),
      required(5, "entity", Types.StringType.get(), "Deequ entity: Dataset, Column, Multicolumn"),
      optional(6, "instance", Types.StringType.get(), "column(s) or rule the metric is about"),
      required(7, "name", Types.StringType.get(), "Deequ metric name: Size, Compliance, ..."),
      optional(8, "value", Types.DoubleType.get(), "null when Deequ could not compute it"),
      required(9, "spec_hash", Types.StringType.get(), "SHA-256 of the run's spec files"),
      required(10, "computed_at", Types.TimestampType.withZone(), "when the run wrote the metric"));

  private MetricsTable() {}

  /**
   * Appends the current run's metrics of every governed table ({@code table -> metrics}) in one
   * commit; returns the new snapshot id.
   */
  public static Long append(SparkSession spark, JobContext ctx,
      java.util.Map<String, List<DeequMetric>> byTable, String specHash, Instant computedAt) {
    CatalogFactory.createIfMissing(ctx.icebergCatalog(), Tables.GOVERNANCE_METRICS, SCHEMA,
        PartitionSpec.unpartitioned());
    Interval interval = ctx.interval();
    List<Row> rows = new ArrayList<>();
    byTable.forEach((table, metrics) -> {
      for (DeequMetric m : metrics) {
        rows.add(RowFactory.create(ctx.run().id(), Date.valueOf(interval.start()),
            Date.valueOf(interval.end()), table, m.entity(), m.instance(), m.name(), m.value(),
            specHash, Timestamp.from(computedAt)));
      }
    });
    if (rows.isEmpty()) {
      return ctx.currentSnapshot(Tables.GOVERNANCE_METRICS);
    }
    String name = ctx.table(Tables.GOVERNANCE_METRICS);
    try {
      spark.createDataFrame(rows, SparkSchemaUtil.convert(SCHEMA)).writeTo(name).append();
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(name + " disappeared while govern wrote its metrics; rerun"
          + " govern", e);
    }
    return ctx.currentSnapshot(Tables.GOVERNANCE_METRICS);
  }

  /**
   * The dataset Size of {@code table} in every earlier run (not {@code exceptRunId}), oldest
   * first: a small aggregate (one value per run), read on the driver.
   */
  public static List<Double> sizeHistory(SparkSession spark, JobContext ctx, String table,
      String exceptRunId) {
    return history(spark, ctx, table, "Dataset", null, "Size", exceptRunId);
  }

  /**
   * One metric's value in every earlier run (not {@code exceptRunId}), oldest first; {@code
   * instance} null matches any. A small aggregate (one value per run), read on the driver.
   */
  public static List<Double> history(SparkSession spark, JobContext ctx, String table,
      String entity, String instance, String name, String exceptRunId) {
    if (!ctx.tableExists(Tables.GOVERNANCE_METRICS)) {
      return List.of();
    }
    List<Double> out = new ArrayList<>();
    for (Row r : spark.table(ctx.table(Tables.GOVERNANCE_METRICS))
        .filter("`table` = " + quote(table) + " AND entity = " + quote(entity)
            + (instance == null ? "" : " AND instance = " + quote(instance))
            + " AND name = " + quote(name) + " AND value IS NOT NULL AND run_id <> "
            + quote(exceptRunId))
        .groupBy("run_id").agg(org.apache.spark.sql.functions.max("computed_at").as("at"),
            org.apache.spark.sql.functions.max("value").as("value"))
        .orderBy("at", "run_id").select("value").collectAsList()) {
      out.add(r.getDouble(0));
    }
    return out;
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
