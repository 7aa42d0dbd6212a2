package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.coalesce;

import io.carelake.core.tables.Tables;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Which model iterations to evaluate: the one named by {@code --iteration}, every one, or the latest
 * one of each outcome in {@code models.iterations}. An Iceberg table has no row order, so "latest"
 * is judged by {@code created_at} (the risk-model contract) or {@code trained_at} (train before it)
 * when the table has one, else by the end time of the {@code train} run that registered the
 * iteration (its {@code run_id} in governance.runs). Published-score baselines ({@code kind =
 * baseline}) are never "the latest": they are compared against, with {@code --baseline}.
 */
final class Iterations {

  private Iterations() {}

  /** The named iteration, checked to be registered. */
  static String named(Dataset<Row> iterations, String id, String option) {
    if (iterations.filter(col("iteration_id").equalTo(id)).isEmpty()) {
      throw new IllegalArgumentException(option + " " + id + " is not registered in "
          + Tables.MODELS_ITERATIONS + "; registered: " + sample(iterations));
    }
    return id;
  }

  /** Every registered iteration id, in id order (a small metadata list). */
  static List<String> all(Dataset<Row> iterations) {
    List<String> ids = iterations.select("iteration_id").distinct().orderBy("iteration_id")
        .as(Encoders.STRING()).collectAsList();
    if (ids.isEmpty()) {
      throw new IllegalStateException(Tables.MODELS_ITERATIONS + " is empty: run `train` first");
    }
    return ids;
  }

  /**
   * The latest model iteration of each outcome (one, when the table has no outcome column).
   * {@code runs} is governance.runs, or null when the ledger does not exist.
   */
  static List<String> latest(Dataset<Row> iterations, Dataset<Row> runs) {
    List<String> columns = Arrays.asList(iterations.columns());
    Dataset<Row> models = columns.contains("kind")
        ? iterations.filter(col("kind").isNull().or(col("kind").notEqual("baseline")))
        : iterations;
    if (models.isEmpty()) {
      throw new IllegalStateException(Tables.MODELS_ITERATIONS
          + " holds no model iteration: run `train` first, or pass --iteration");
    }
    Dataset<Row> timed = timed(models, runs);
    if (timed == null) {
      throw new IllegalStateException("Cannot tell which iteration in " + Tables.MODELS_ITERATIONS
          + " is the latest: it has no created_at or trained_at column and none of its run_id"
          + " values is in " + Tables.GOVERNANCE_RUNS + "; pass --iteration ID");
    }
    Column outcome = columns.contains("outcome") ? col("outcome").cast("string") : lit("");
    // models.iterations is metadata (one row per iteration): the latest of each outcome, ties
    // broken by id for a stable answer, is picked on the driver
    java.util.Map<String, Row> latest = new java.util.TreeMap<>();
    for (Row r : timed.select(coalesce(outcome, lit("")), col("order_time"), col("iteration_id"))
        .collectAsList()) {
      Row best = latest.get(r.getString(0));
      if (best == null || later(r, best)) {
        latest.put(r.getString(0), r);
      }
    }
    return latest.values().stream().map(r -> r.getString(2)).sorted().toList();
  }

  private static boolean later(Row a, Row b) {
    int c = a.getTimestamp(1).compareTo(b.getTimestamp(1));
    return c > 0 || (c == 0 && a.getString(2).compareTo(b.getString(2)) > 0);
  }

  /** Iterations with an {@code order_time}, or null if no time is known for any. */
  private static Dataset<Row> timed(Dataset<Row> iterations, Dataset<Row> runs) {
    List<String> columns = Arrays.asList(iterations.columns());
    for (String time : List.of("created_at", "trained_at")) {
      if (columns.contains(time)) {
        Dataset<Row> t = iterations.filter(col(time).isNotNull())
            .withColumn("order_time", col(time).cast("timestamp"));
        return t.isEmpty() ? null : t;
      }
    }
    if (runs == null || !columns.contains("run_id")) {
      return null;
    }
    Dataset<Row> t = iterations.join(runs.select(col("run_id"), col("ended_at").as("order_time")),
        "run_id");
    return t.isEmpty() ? null : t;
  }

  /** The outcome an iteration predicts, when the table records it (else null). */
  static String outcome(Dataset<Row> iterations, String id) {
    if (!Arrays.asList(iterations.columns()).contains("outcome")) {
      return null;
    }
    List<Row> rows = iterations.filter(col("iteration_id").equalTo(id)).select("outcome")
        .limit(1).collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? null : rows.get(0).getString(0);
  }

  private static String sample(Dataset<Row> iterations) {
    List<String> ids = iterations.select("iteration_id").distinct()
        .orderBy(col("iteration_id").desc()).limit(5).as(Encoders.STRING()).collectAsList();
    return ids.isEmpty() ? "(none)" : String.join(", ", ids) + (ids.size() == 5 ? ", ..." : "");
  }
}
