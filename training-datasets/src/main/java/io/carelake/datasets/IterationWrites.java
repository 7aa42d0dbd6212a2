package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent writes of tables keyed by an id column (iterations, datasets): a run replaces exactly
 * the rows of its ids in one Iceberg commit.
 *
 * <p>The tables are partitioned by {@code identity(<key>)}. Iceberg overwrites by filter at file
 * granularity and refuses a data file holding rows on both sides of the filter; with one partition
 * per id, {@code key IN (...)} always selects whole files, and a reader of one id scans no other.
 */
final class IterationWrites {

  static final String ITERATION_ID = "iteration_id";

  private IterationWrites() {}

  static void replace(SparkSession spark, JobContext ctx, TableName table, Dataset<Row> rows,
      String key, List<String> ids) throws Exception {
    IcebergWrites.replaceWhere(spark, ctx, table, rows, col(key).isin(ids.toArray()), key,
        "an older carelake", "");
  }
}
