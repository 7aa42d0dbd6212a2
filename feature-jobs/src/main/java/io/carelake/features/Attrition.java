package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.features.cohort.CohortDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The cohort's attrition, from candidates to kept rows with the reason at each step, per index
 * date and outcome: what {@code features.chronic_risk_attrition} holds and what the risk data card
 * sums. Steps follow {@link CohortStatus}'s order.
 */
final class Attrition {

  static final TableName TABLE = Tables.FEATURES_CHRONIC_RISK_ATTRITION;

  private Attrition() {}

  /** Rows by outcome and status (a few per outcome, collected). */
  static Map<String, Map<String, Long>> byOutcome(Dataset<Row> statuses) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Row r : statuses.groupBy(Phenotypes.OUTCOME, CohortBuilder.STATUS).count()
        .collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  /**
   * One row per index date, outcome and step: {@code step} (0 = candidates), {@code reason},
   * {@code rows_removed} at that step and {@code rows_remaining} after it (the last step,
   * {@code kept}, removes nothing and leaves the written rows).
   */
  static Dataset<Row> rows(Dataset<Row> statuses, CohortDefinition definition, String runId) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("_candidates"));
    for (CohortStatus s : CohortStatus.values()) {
      aggs.add(sum(when(col(CohortBuilder.STATUS).equalTo(s.reason()), 1).otherwise(0))
          .as("_" + s.reason()));
    }
    Dataset<Row> byDate = statuses.groupBy(IndexDates.INDEX_DATE, Phenotypes.OUTCOME)
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    Dataset<Row> steps = byDate.select(col(IndexDates.INDEX_DATE), col(Phenotypes.OUTCOME),
        lit(0).as("step"), lit("candidates").as("reason"), lit(0L).as("rows_removed"),
        col("_candidates").as("rows_remaining"));
    Column remaining = col("_candidates");
    int step = 1;
    for (CohortStatus s : CohortStatus.setAside()) {
      remaining = remaining.minus(col("_" + s.reason()));
      steps = steps.unionByName(byDate.select(col(IndexDates.INDEX_DATE), col(Phenotypes.OUTCOME),
          lit(step++).as("step"), lit(s.reason()).as("reason"),
          col("_" + s.reason()).cast("long").as("rows_removed"),
          remaining.cast("long").as("rows_remaining")));
    }
    return steps.withColumn("cohort_definition", lit(definition.id()))
        .withColumn("cohort_definition_hash", lit(definition.hash()))
        .withColumn("features_run_id", lit(runId));
  }
}
