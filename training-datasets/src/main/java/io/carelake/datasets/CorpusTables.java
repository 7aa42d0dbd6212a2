package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.tables.TableName;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobContext;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The corpus's tables are keyed by the interval they were built for ({@code interval_start},
 * {@code interval_end}), not by event time: released event times are shifted by up to the
 * release's offset and may fall outside the interval, so replacing by time could neither find
 * a rerun's rows nor leave the neighbouring intervals intact. A rerun replaces exactly its own
 * interval's rows (intervals are expected not to overlap; two overlapping intervals each keep
 * their own documents).
 */
final class CorpusTables {

  static final String START = "interval_start";
  static final String END = "interval_end";

  private CorpusTables() {}

  private static java.util.List<Column> partitions(String... also) {
    java.util.List<Column> columns = new java.util.ArrayList<>();
    columns.add(col(END));
    Arrays.stream(also).map(org.apache.spark.sql.functions::col).forEach(columns::add);
    return columns;
  }

  /** The rows of one interval. */
  static Column ofInterval(Interval interval) {
    return col(START).equalTo(lit(java.sql.Date.valueOf(interval.start())))
        .and(col(END).equalTo(lit(java.sql.Date.valueOf(interval.end()))));
  }

  /**
   * Replaces the interval's rows of {@code table} (and only those also matching {@code also},
   * when given) with {@code rows} plus the interval columns; creates the table the first time,
   * partitioned by the interval and {@code alsoPartition} (the columns {@code also} tests, so
   * that the replacement removes whole files). Returns the snapshot written.
   */
  static Long replace(SparkSession spark, JobContext ctx, Dataset<Row> rows, TableName table,
      Interval interval, Column also, String... alsoPartition) throws Exception {
    Dataset<Row> keyed = rows.withColumn(START, lit(java.sql.Date.valueOf(interval.start())))
        .withColumn(END, lit(java.sql.Date.valueOf(interval.end())));
    String name = ctx.table(table);
    PinnedTable.ensureNamespace(spark, ctx, table);
    if (!ctx.tableExists(table)) {
      keyed.writeTo(name).tableProperty("format-version", "2")
          .tableProperty("write.parquet.compression-codec", "zstd")
          .partitionedBy(col(START), scala.collection.JavaConverters.asScalaBuffer(
              partitions(alsoPartition)).toSeq()).create();
    } else {
      java.util.List<String> columns = Arrays.asList(spark.table(name).columns());
      if (!columns.contains(START)) {
        throw new IllegalStateException(table + " has no " + START + " column (it was written by"
            + " an earlier carelake, keyed by event time). Drop it (DROP TABLE " + name + ") and"
            + " rerun `corpus` for each interval.");
      }
      Column where = ofInterval(interval);
      keyed.writeTo(name).overwrite(also == null ? where : where.and(also));
    }
    return ctx.currentSnapshot(table);
  }
}
