package io.carelake.evaluation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.carelake.core.tables.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The predictions of one iteration and split, read by the contract of {@code models.predictions}
 * (iteration_id, outcome, split, patient_pseudonym, index_date, label, score, sex, age_band,
 * age_band_generalised, region, facility_type) and put in the shape every evaluation reads:
 * {@code outcome, patient_pseudonym, patient_hash, index_date, label, score} and the subgroup
 * columns there are.
 *
 * <p>Tables written before the contract lack some columns: without {@code outcome} the rows are one
 * outcome called {@value #UNSPECIFIED}; without a subgroup column that subgroup is reported as not
 * available (the job does not fail). Without {@code patient_pseudonym} there is no patient to
 * resample, and the job refuses.
 *
 * <p>Rows whose score is null or NaN, or whose label is not 0 or 1, are set aside and counted per
 * outcome: in = out + set aside.
 */
final class PredictionFrame {

  static final String UNSPECIFIED = "unspecified";
  static final List<String> SUBGROUP_COLUMNS = List.of("sex", "age_band", "region",
      "facility_type");

  /** Counts of one outcome's rows. */
  record Counts(String outcome, long rowsIn, long nullScore, long badLabel) {
    long setAside() {
      return nullScore + badLabel;
    }

    long rowsOut() {
      return rowsIn - setAside();
    }
  }

  private final Dataset<Row> evaluable;
  private final Map<String, Counts> counts;
  private final List<String> subgroupColumns;
  private final boolean hasOutcome;

  private PredictionFrame(Dataset<Row> evaluable, Map<String, Counts> counts,
      List<String> subgroupColumns, boolean hasOutcome) {
    this.evaluable = evaluable;
    this.counts = counts;
    this.subgroupColumns = subgroupColumns;
    this.hasOutcome = hasOutcome;
  }

  static PredictionFrame of(Dataset<Row> predictions, String iterationId, String split) {
    Set<String> columns = Set.copyOf(Arrays.asList(predictions.columns()));
    for (String required : List.of("iteration_id", "split", "label", "score",
        "patient_pseudonym")) {
      if (!columns.contains(required)) {
        throw new IllegalStateException(Tables.MODELS_PREDICTIONS + " has no column '" + required
            + "' (columns: " + String.join(", ", predictions.columns()) + "); evaluation needs "
            + "it: rerun `train`, whose predictions carry it");
      }
    }
    boolean hasOutcome = columns.contains("outcome");
    Column outcome = hasOutcome ? coalesce(col("outcome"), lit(UNSPECIFIED)) : lit(UNSPECIFIED);
    Dataset<Row> rows = predictions.filter(col("iteration_id").equalTo(iterationId)
        .and(col("split").equalTo(split))).withColumn("outcome", outcome);
    Column scoreMissing = col("score").isNull().or(isnan(col("score")));
    Column labelBad = col("label").isNull().or(not(col("label").isin(0, 1)));
    Map<String, Counts> counts = new LinkedHashMap<>();
    for (Row r : rows.groupBy("outcome").agg(count(lit(1)),
        sum(when(scoreMissing, 1).otherwise(0)).cast("long"),
        sum(when(not(scoreMissing).and(labelBad), 1).otherwise(0)).cast("long"))
        .orderBy("outcome").collectAsList()) {
      counts.put(r.getString(0), new Counts(r.getString(0), r.getLong(1), r.getLong(2),
          r.getLong(3)));
    }
    List<String> subgroups = new ArrayList<>();
    List<Column> select = new ArrayList<>(List.of(col("outcome"), col("patient_pseudonym"),
        xxhash64(col("patient_pseudonym")).as("patient_hash"),
        columns.contains("index_date") ? col("index_date") : lit(null).cast("date").as("index_date"),
        col("label").cast("int").as("label"), col("score").cast("double").as("score")));
    for (String s : SUBGROUP_COLUMNS) {
      if (columns.contains(s)) {
        subgroups.add(s);
        select.add(col(s).cast("string").as(s));
      }
    }
    Dataset<Row> evaluable = rows.filter(not(scoreMissing).and(not(labelBad)))
        .select(select.toArray(Column[]::new));
    return new PredictionFrame(evaluable, counts, List.copyOf(subgroups), hasOutcome);
  }

  /** Outcomes with at least one row, in name order. */
  List<String> outcomes() {
    return List.copyOf(counts.keySet());
  }

  Counts counts(String outcome) {
    return counts.get(outcome);
  }

  long rowsIn() {
    return counts.values().stream().mapToLong(Counts::rowsIn).sum();
  }

  long setAside() {
    return counts.values().stream().mapToLong(Counts::setAside).sum();
  }

  long nullScore() {
    return counts.values().stream().mapToLong(Counts::nullScore).sum();
  }

  long badLabel() {
    return counts.values().stream().mapToLong(Counts::badLabel).sum();
  }

  /** The evaluable rows of one outcome. */
  Dataset<Row> rows(String outcome) {
    return evaluable.filter(col("outcome").equalTo(outcome));
  }

  /** The subgroup columns this table has (of sex, age_band, region, facility_type). */
  List<String> subgroupColumns() {
    return subgroupColumns;
  }

  boolean hasOutcomeColumn() {
    return hasOutcome;
  }
}
