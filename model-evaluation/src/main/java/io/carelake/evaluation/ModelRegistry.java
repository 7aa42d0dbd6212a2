package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.spark.JobContext;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code models.registry}: which iteration holds each alias (champion, challenger) for each outcome,
 * as an append-only history of moves (as MLflow's registry aliases, but moved only by a passing
 * gate and never by hand). The current holder is the row with the highest {@code version} for the
 * (outcome, alias); every move records the iteration it displaced, the gate decision's run and the
 * spec it was judged by.
 */
final class ModelRegistry {

  static final TableName TABLE = Tables.MODELS_REGISTRY;
  static final List<String> ALIASES = List.of("champion", "challenger");

  private ModelRegistry() {}

  /** The current holder of the alias for the outcome: {iteration_id, version}, or null. */
  static Row current(SparkSession spark, JobContext ctx, String outcome, String alias) {
    if (!ctx.tableExists(TABLE)) {
      return null;
    }
    List<Row> rows = spark.table(ctx.table(TABLE))
        .filter(col("outcome").equalTo(outcome).and(col("alias").equalTo(alias)))
        .orderBy(col("version").desc()).select("iteration_id", "version").limit(1)
        .collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Moves the alias to the iteration; a no-op (false) when it already holds it. */
  static boolean move(SparkSession spark, JobContext ctx, String outcome, String alias,
      String iterationId, String specSha256) throws Exception {
    Row current = current(spark, ctx, outcome, alias);
    if (current != null && iterationId.equals(current.getString(0))) {
      return false;
    }
    long version = current == null ? 1 : current.getLong(1) + 1;
    Row move = RowFactory.create(outcome, alias, version, iterationId,
        current == null ? null : current.getString(0), ctx.run().id(), specSha256,
        Timestamp.from(java.time.Instant.now()));
    EvaluationTables.append(spark, ctx, TABLE,
        spark.createDataFrame(List.of(move), EvaluationTables.REGISTRY), "outcome");
    return true;
  }
}
