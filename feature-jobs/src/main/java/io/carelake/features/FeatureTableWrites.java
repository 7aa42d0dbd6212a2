package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.tables.TableName;
import io.carelake.core.time.Interval;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent writes of a table keyed by {@code index_date}: a run replaces exactly the index dates
 * of its interval in one Iceberg commit.
 *
 * <p>The tables are partitioned by {@code identity(index_date)}, which readers never see. Iceberg
 * overwrites by filter at file granularity and refuses a data file holding rows on both sides of
 * the filter; one partition per index date guarantees that a narrower rerun (one month of a year's
 * backfill) never meets such a file. {@code IcebergWrites.replaceInterval} partitions by day of a
 * timestamp, which does not fit a date key; {@code IcebergWrites.replaceWhere} does the write.
 */
final class FeatureTableWrites {

  private FeatureTableWrites() {}

  static Column indexDateIn(Interval interval) {
    return col(IndexDates.INDEX_DATE).geq(lit(Date.valueOf(interval.start())))
        .and(col(IndexDates.INDEX_DATE).lt(lit(Date.valueOf(interval.end()))));
  }

  static void replaceIndexDates(SparkSession spark, JobContext ctx, Dataset<Row> rows,
      TableName table, Interval interval) throws Exception {
    IcebergWrites.replaceWhere(spark, ctx, table, rows, indexDateIn(interval),
        IndexDates.INDEX_DATE, "an older carelake or another cohort definition's features",
        ", then rerun features over the history");
  }

  /** A table at its current snapshot. */
  static Dataset<Row> readAt(SparkSession spark, JobContext ctx, TableName table) {
    Long snapshot = ctx.currentSnapshot(table);
    return snapshot == null ? spark.table(ctx.table(table))
        : spark.sql("SELECT * FROM " + ctx.table(table) + " VERSION AS OF " + snapshot);
  }
}
