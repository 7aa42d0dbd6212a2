package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent writes of the models tables: a run replaces exactly the rows of its iteration in one
 * Iceberg commit.
 *
 * <p>Both tables are partitioned by {@code identity(iteration_id)}. Iceberg overwrites by filter at
 * file granularity and refuses a data file holding rows on both sides of the filter; with one
 * partition per iteration, {@code iteration_id = x} always selects whole files, and evaluation reads
 * one iteration's predictions without scanning the others. Could move to spark-support as a generic
 * "replace where key = value" next to {@code IcebergWrites.replaceInterval}.
 */
final class IterationWrites {

  static final String ITERATION_ID = "iteration_id";

  private IterationWrites() {}

  static void replaceIteration(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, String iterationId) throws Exception {
    String name = ctx.table(table);
    if (!ctx.tableExists(table)) {
      PinnedTable.ensureNamespace(spark, ctx, table);
      CreateTableWriter<Row> writer = rows.writeTo(name);
      for (var p : CatalogFactory.TABLE_DEFAULTS.entrySet()) {
        writer = writer.tableProperty(p.getKey(), p.getValue());
      }
      writer.partitionedBy(col(ITERATION_ID),
          scala.collection.JavaConverters.asScalaBuffer(new ArrayList<Column>()).toSeq()).create();
      return;
    }
    rows.writeTo(name).overwrite(col(ITERATION_ID).equalTo(lit(iterationId)));
  }
}
