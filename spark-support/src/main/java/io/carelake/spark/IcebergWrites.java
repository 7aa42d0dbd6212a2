package io.carelake.spark;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.time.Interval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.functions;

/**
 * Idempotent writes: a job replaces exactly its interval's slice, so that a rerun gives the same
 * table and never duplicates a row.
 */
public final class IcebergWrites {

  private IcebergWrites() {}

  /** Rows of {@code df} whose {@code timeColumn} lies in the interval ([start, end), UTC). */
  public static Column inInterval(String timeColumn, Interval interval) {
    return functions.col(timeColumn).geq(functions.to_timestamp(functions.lit(interval.startTimestamp())))
        .and(functions.col(timeColumn).lt(functions.to_timestamp(functions.lit(interval.endTimestamp()))));
  }

  /**
   * Replaces the interval's slice of {@code table} with {@code df} (creating the table, partitioned
   * by day of {@code timeColumn}, on first use). Rows of {@code df} outside the interval are a bug
   * in the caller and fail the write.
   */
  public static void replaceInterval(JobContext ctx, Dataset<Row> df, TableName table,
      String timeColumn, Interval interval) throws Exception {
    String name = ctx.table(table);
    if (!ctx.tableExists(table)) {
      df.writeTo(name).tableProperty("format-version", "2")
          .tableProperty("write.parquet.compression-codec", "zstd")
          .partitionedBy(functions.days(functions.col(timeColumn)),
              scala.collection.JavaConverters.asScalaBuffer(new java.util.ArrayList<Column>()).toSeq())
          .create();
      return;
    }
    df.writeTo(name).overwrite(inInterval(timeColumn, interval));
  }

  /**
   * Replaces the rows of {@code table} that {@code filter} selects with {@code rows} in one commit;
   * creates the table, partitioned by {@code partition}, on first use. The filter must select whole
   * partitions (Iceberg overwrites at file granularity). A table whose columns are not exactly
   * those of {@code rows}, in order, is refused: the error names both, where such a layout comes
   * from ({@code otherLayouts}) and what to do ({@code afterDrop} follows "drop the table or use a
   * new home").
   */
  public static void replaceWhere(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, Column filter, String partition, String otherLayouts, String afterDrop)
      throws Exception {
    String name = ctx.table(table);
    if (!ctx.tableExists(table)) {
      create(spark, ctx, table, rows, partition);
      return;
    }
    List<String> have = List.of(spark.table(name).columns());
    List<String> want = List.of(rows.columns());
    if (!have.equals(want)) {
      throw new IllegalStateException(table + " in catalog '" + ctx.catalogName() + "' has the"
          + " columns " + have + ", not the ones this version writes " + want + " (a layout from "
          + otherLayouts + "): drop the table (DROP TABLE " + name + ") or use a new home"
          + afterDrop);
    }
    rows.writeTo(name).overwrite(filter);
  }

  /**
   * Creates {@code table} (and its namespace) from {@code rows}, with the table properties every
   * carelake table has ({@link CatalogFactory#TABLE_DEFAULTS}), partitioned by the named columns
   * (none: unpartitioned).
   */
  public static void create(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, String... partitions) throws TableAlreadyExistsException {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ctx.catalogName() + "." + table.namespace());
    CreateTableWriter<Row> writer = rows.writeTo(ctx.table(table));
    for (Map.Entry<String, String> p : CatalogFactory.TABLE_DEFAULTS.entrySet()) {
      writer = writer.tableProperty(p.getKey(), p.getValue());
    }
    if (partitions.length > 0) {
      List<Column> more = Arrays.stream(partitions).skip(1).map(functions::col).toList();
      writer = writer.partitionedBy(functions.col(partitions[0]),
          scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(more)).toSeq());
    }
    writer.create();
  }
}
