package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.time.Interval;
import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent writes of a feature table keyed by {@code index_date}: a run replaces exactly the
 * index dates of its interval in one Iceberg commit.
 *
 * <p>The table is partitioned by {@code identity(index_date)}, which readers never see. Iceberg
 * overwrites by filter at file granularity and refuses a data file holding rows on both sides of
 * the filter; one partition per index date guarantees that a narrower rerun (one month of a year's
 * backfill) never meets such a file. {@code IcebergWrites.replaceInterval} partitions by day of a
 * timestamp, which does not fit a date key; a generic "replace where, partitioned by" helper could
 * move to spark-support.
 */
final class FeatureTableWrites {

  private FeatureTableWrites() {}

  static Column indexDateIn(Interval interval) {
    return col(IndexDates.INDEX_DATE).geq(lit(Date.valueOf(interval.start())))
        .and(col(IndexDates.INDEX_DATE).lt(lit(Date.valueOf(interval.end()))));
  }

  static void replaceIndexDates(SparkSession spark, JobContext ctx, Dataset<Row> rows,
      TableName table, Interval interval) throws Exception {
    String name = ctx.table(table);
    if (!ctx.tableExists(table)) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ctx.catalogName() + "." + table.namespace());
      org.apache.spark.sql.CreateTableWriter<Row> writer = rows.writeTo(name);
      for (var p : CatalogFactory.TABLE_DEFAULTS.entrySet()) {
        writer = writer.tableProperty(p.getKey(), p.getValue());
      }
      writer.partitionedBy(col(IndexDates.INDEX_DATE),
          scala.collection.JavaConverters.asScalaBuffer(new java.util.ArrayList<Column>()).toSeq()).create();
      return;
    }
    rows.writeTo(name).overwrite(indexDateIn(interval));
  }
}
