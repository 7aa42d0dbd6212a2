package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.spark.JobContext;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code evaluate}'s writes for one iteration: its rows of the evaluation tables replaced (a rerun
 * never duplicates), gate decisions appended, and the aliases a passing gate moves in
 * {@code models.registry}.
 *
 * @param baseline the {@code --baseline} iteration, or null
 * @param alias the alias a passing gate moves
 */
record EvaluationWriter(SparkSession spark, JobContext ctx, String split, String baseline,
    String alias) {

  /** Writes iteration {@code id}'s rows, then moves the aliases its passing gates ask for. */
  void write(String id, IterationRows rows, String specSha256, EvaluationTotals totals)
      throws Exception {
    Column same = EvaluationTables.sameIterationAndSplit(id, split);
    replace(Tables.EVALUATION_RESULTS, EvaluationTables.RESULTS, rows.results(), same, totals,
        "iteration_id", "split");
    replace(Tables.EVALUATION_CURVES, EvaluationTables.CURVES, rows.curves(), same, totals,
        "iteration_id", "split");
    replace(Tables.EVALUATION_SUBGROUP_GAPS, EvaluationTables.SUBGROUP_GAPS, rows.gaps(), same,
        totals, "iteration_id", "split");
    List<Row> comparisons = rows.comparisons();
    if (baseline != null || !comparisons.isEmpty()) {
      String comparator = comparisons.isEmpty() ? baseline : comparisons.get(0).getString(2);
      replace(Tables.EVALUATION_COMPARISONS, EvaluationTables.COMPARISONS, comparisons,
          same.and(col("baseline_id").equalTo(comparator)), totals, "iteration_id",
          "baseline_id", "split");
    }
    if (!rows.decisions().isEmpty()) {
      EvaluationTables.append(spark, ctx, Tables.EVALUATION_GATE_DECISIONS,
          spark.createDataFrame(rows.decisions(), EvaluationTables.GATE_DECISIONS), "outcome");
      totals.written.add(Tables.EVALUATION_GATE_DECISIONS);
    }
    totals.metrics += rows.results().size();
    totals.curvePoints += rows.curves().size();
    totals.gaps += rows.gaps().size();
    totals.comparisons += comparisons.size();
    for (String[] p : rows.promotions()) {
      if (ModelRegistry.move(spark, ctx, p[0], alias, p[1], specSha256)) {
        totals.written.add(Tables.MODELS_REGISTRY);
        ctx.progress("models.registry: %s of %s is now %s", alias, p[0], p[1]);
      } else {
        ctx.progress("models.registry: %s of %s already is %s", alias, p[0], p[1]);
      }
    }
  }

  /** Replaces the iteration's rows of one table; creates it only when there is something to write. */
  private void replace(TableName table, StructType schema, List<Row> rows, Column filter,
      EvaluationTotals totals, String... partitions) throws Exception {
    if (rows.isEmpty() && !ctx.tableExists(table)) {
      return;
    }
    EvaluationTables.replace(spark, ctx, table, spark.createDataFrame(rows, schema), filter,
        partitions);
    totals.written.add(table);
  }
}
