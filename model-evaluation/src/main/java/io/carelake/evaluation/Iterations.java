package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.Tables;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which model iteration to evaluate: the one named by {@code --iteration}, or the latest one in
 * {@code models.iterations}. An Iceberg table has no row order, so "latest" is judged by a
 * {@code trained_at} column when the table has one, else by the end time of the {@code train} run
 * that registered the iteration (its {@code run_id} in governance.runs).
 */
final class Iterations {

  private Iterations() {}

  /** The named iteration, checked to be registered. */
  static String named(Dataset<Row> iterations, String id) {
    if (iterations.filter(col("iteration_id").equalTo(id)).isEmpty()) {
      throw new IllegalArgumentException("--iteration " + id + " is not registered in "
          + Tables.MODELS_ITERATIONS + "; registered: " + sample(iterations));
    }
    return id;
  }

  /** Every registered iteration id, in id order (a small metadata list). */
  static List<String> all(Dataset<Row> iterations) {
    List<String> ids = iterations.select("iteration_id").distinct().orderBy("iteration_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    if (ids.isEmpty()) {
      throw new IllegalStateException(Tables.MODELS_ITERATIONS + " is empty: run `train` first");
    }
    return ids;
  }

  /**
   * The latest iteration. {@code runs} is governance.runs, or null when the ledger does not exist.
   */
  static String latest(Dataset<Row> iterations, Dataset<Row> runs) {
    if (iterations.isEmpty()) {
      throw new IllegalStateException(Tables.MODELS_ITERATIONS
          + " is empty: run `train` first, or pass --iteration");
    }
    Dataset<Row> ordered = ordered(iterations, runs);
    if (ordered == null) {
      throw new IllegalStateException("Cannot tell which iteration in " + Tables.MODELS_ITERATIONS
          + " is the latest: it has no trained_at column and none of its run_id values is in "
          + Tables.GOVERNANCE_RUNS + "; pass --iteration ID");
    }
    return ordered.select("iteration_id").head().getString(0);
  }

  /** Iterations latest first (ties broken by id, for a stable answer), or null if unknowable. */
  private static Dataset<Row> ordered(Dataset<Row> iterations, Dataset<Row> runs) {
    List<String> columns = Arrays.asList(iterations.columns());
    if (columns.contains("trained_at")) {
      return iterations.filter(col("trained_at").isNotNull())
          .orderBy(col("trained_at").desc(), col("iteration_id").desc());
    }
    if (runs == null || !columns.contains("run_id")) {
      return null;
    }
    Dataset<Row> timed = iterations.join(runs.select("run_id", "ended_at"), "run_id")
        .orderBy(col("ended_at").desc(), col("iteration_id").desc());
    return timed.isEmpty() ? null : timed;
  }

  private static String sample(Dataset<Row> iterations) {
    List<String> ids = iterations.select("iteration_id").distinct().orderBy(col("iteration_id").desc())
        .limit(5).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    return ids.isEmpty() ? "(none)" : String.join(", ", ids) + (ids.size() == 5 ? ", ..." : "");
  }
}
