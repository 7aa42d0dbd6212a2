package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code evaluation.results}: one row per run, iteration, split and metric. A run replaces the rows
 * of its iteration and split in one commit, so a rerun never duplicates them.
 *
 * <p>The table is partitioned by {@code identity(iteration_id), identity(split)}: Iceberg overwrites
 * by filter at file granularity, and string column statistics are truncated (16 characters), so
 * without partitions a long iteration id could leave a file whose rows it cannot prove all match.
 */
final class EvaluationResults {

  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, true)
      .add("n", DataTypes.LongType, false)
      .add("n_positive", DataTypes.LongType, false)
      .add("predictions_snapshot_id", DataTypes.LongType, true);

  private EvaluationResults() {}

  static Dataset<Row> frame(SparkSession spark, String runId, String iterationId, String split,
      Long predictionsSnapshot, List<MetricEstimate> estimates) {
    List<Row> rows = new ArrayList<>();
    for (MetricEstimate e : estimates) {
      rows.add(RowFactory.create(runId, iterationId, split, e.metric(), orNull(e.value()),
          orNull(e.ciLow()), orNull(e.ciHigh()), e.ciMethod(), e.n(), e.nPositive(),
          predictionsSnapshot));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** NaN means "undefined" in memory; the table says so with null. */
  private static Double orNull(double x) {
    return Double.isNaN(x) ? null : x;
  }

  static Column sameIterationAndSplit(String iterationId, String split) {
    return col("iteration_id").equalTo(lit(iterationId)).and(col("split").equalTo(lit(split)));
  }

  static void replace(SparkSession spark, JobContext ctx, TableName table, Dataset<Row> rows,
      String iterationId, String split) throws Exception {
    String name = ctx.table(table);
    if (!ctx.tableExists(table)) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ctx.catalogName() + "." + table.namespace());
      CreateTableWriter<Row> writer = rows.writeTo(name);
      for (var p : CatalogFactory.TABLE_DEFAULTS.entrySet()) {
        writer = writer.tableProperty(p.getKey(), p.getValue());
      }
      List<Column> more = List.of(col("split"));
      writer.partitionedBy(col("iteration_id"),
          scala.collection.JavaConverters.asScalaBuffer(more).toSeq()).create();
      return;
    }
    rows.writeTo(name).overwrite(sameIterationAndSplit(iterationId, split));
  }
}
