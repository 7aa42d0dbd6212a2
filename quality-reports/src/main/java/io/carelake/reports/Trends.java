package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.time.Interval;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Quality over the last N govern runs up to this report's interval: per governed table and
 * GB/T 36344 dimension the indicator score {@code A / B} (as in the scorecard), and per table the
 * rows checked and the rules failing; per run the ledger's rows in, out and set aside. One run per
 * data interval (the latest, as in the stage table), oldest first.
 *
 * <p>The statuses are those govern recorded: waivers judge this report's interval only.
 */
public record Trends(int runsRequested, List<RunPoint> runs, List<ScorePoint> scores,
    List<TableMetric> metrics) {

  public Trends {
    runs = List.copyOf(runs);
    scores = List.copyOf(scores);
    metrics = List.copyOf(metrics);
  }

  static Trends none(int runsRequested) {
    return new Trends(runsRequested, List.of(), List.of(), List.of());
  }

  /** A govern run of the series, as the ledger holds it. */
  public record RunPoint(String governRunId, String intervalStart, String intervalEnd,
      String status, long rowsIn, long rowsOut, long rowsSetAside) {}

  /** One table's score in one dimension in one run; {@code score} null when nothing was evaluated. */
  public record ScorePoint(String governRunId, String intervalStart, String table,
      String dimension, long passingElements, long evaluatedElements, Double score) {}

  /** One table's key numbers in one run: rows in its slice, rules in WARN, FAIL or ERROR. */
  public record TableMetric(String governRunId, String intervalStart, String table,
      long rowsChecked, long rulesFailing) {}

  /**
   * Reads the series. {@code ledger} and {@code checkResults} are the tables at the snapshots the
   * report cites; only the N picked runs' aggregates reach the driver.
   */
  static Trends read(Dataset<Row> ledger, Optional<Dataset<Row>> checkResults, Interval interval,
      int runsRequested) {
    Dataset<Row> governRuns = ledger
        .filter(col("job").equalTo("govern").and(col("status").isin("SUCCEEDED", "BLOCKED")))
        .filter(col("interval_end").leq(lit(Date.valueOf(interval.end()))))
        .withColumn("_latest", functions.row_number().over(Window
            .partitionBy("interval_start", "interval_end")
            .orderBy(col("ended_at").desc(), col("run_id").desc())))
        .filter(col("_latest").equalTo(1))
        .orderBy(col("interval_start").desc(), col("interval_end").desc())
        .limit(runsRequested)
        .select("run_id", "interval_start", "interval_end", "status", "rows_in", "rows_out",
            "rows_set_aside");
    List<RunPoint> runs = new ArrayList<>();
    for (Row r : governRuns.collectAsList()) {
      runs.add(new RunPoint(r.getString(0), String.valueOf(r.get(1)), String.valueOf(r.get(2)),
          r.getString(3), r.getLong(4), r.getLong(5), r.getLong(6)));
    }
    Collections.reverse(runs);
    if (runs.isEmpty() || checkResults.isEmpty()) {
      return new Trends(runsRequested, runs, List.of(), List.of());
    }
    List<String> ids = runs.stream().map(RunPoint::governRunId).toList();
    Dataset<Row> rows = checkResults.get().filter(col("run_id").isin(ids.toArray()));
    Column measured = col("numerator").isNotNull().and(col("denominator").gt(0));
    List<ScorePoint> scores = new ArrayList<>();
    for (Row r : rows.filter(col("dimension").isNotNull())
        .groupBy("run_id", "table", "dimension")
        .agg(sum(when(measured, col("denominator").minus(col("numerator"))).otherwise(0L)),
            sum(when(measured, col("denominator")).otherwise(0L)))
        .orderBy("table", "dimension").collectAsList()) {
      long passing = r.getLong(3);
      long evaluated = r.getLong(4);
      scores.add(new ScorePoint(r.getString(0), startOf(runs, r.getString(0)), r.getString(1),
          r.getString(2), passing, evaluated, evaluated == 0 ? null : (double) passing / evaluated));
    }
    List<TableMetric> metrics = new ArrayList<>();
    for (Row r : rows.groupBy("run_id", "table")
        .agg(max("denominator"), sum(when(col("status").isin("WARN", "FAIL", "ERROR"), 1L)
            .otherwise(0L)))
        .orderBy("table").collectAsList()) {
      metrics.add(new TableMetric(r.getString(0), startOf(runs, r.getString(0)), r.getString(1),
          r.isNullAt(2) ? 0 : r.getLong(2), r.getLong(3)));
    }
    scores.sort(java.util.Comparator.comparing(ScorePoint::table)
        .thenComparing(ScorePoint::dimension).thenComparing(ScorePoint::intervalStart));
    metrics.sort(java.util.Comparator.comparing(TableMetric::table)
        .thenComparing(TableMetric::intervalStart));
    return new Trends(runsRequested, runs, scores, metrics);
  }

  private static String startOf(List<RunPoint> runs, String runId) {
    return runs.stream().filter(r -> r.governRunId().equals(runId)).findFirst()
        .map(RunPoint::intervalStart).orElseThrow();
  }

  /** The governed tables of the series, sorted. */
  public List<String> tables() {
    return metrics.stream().map(TableMetric::table).distinct().sorted().toList();
  }

  /** The dimensions scored for {@code table} in the series, in the standard's order. */
  public List<String> dimensionsOf(String table) {
    List<String> present = scores.stream().filter(s -> s.table().equals(table))
        .map(ScorePoint::dimension).distinct().toList();
    return java.util.Arrays.stream(io.carelake.core.quality.Gbt36344.Dimension.values())
        .map(io.carelake.core.quality.Gbt36344.Dimension::code).filter(present::contains).toList();
  }

  /** The score of {@code table} in {@code dimension} in run {@code runId}, if scored. */
  public ScorePoint score(String runId, String table, String dimension) {
    return scores.stream().filter(s -> s.governRunId().equals(runId) && s.table().equals(table)
        && s.dimension().equals(dimension)).findFirst().orElse(null);
  }

  /** The key numbers of {@code table} in run {@code runId}, if it was checked. */
  public TableMetric metric(String runId, String table) {
    return metrics.stream().filter(m -> m.governRunId().equals(runId) && m.table().equals(table))
        .findFirst().orElse(null);
  }
}
