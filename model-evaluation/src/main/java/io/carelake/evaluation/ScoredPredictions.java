package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The predictions of one iteration and split, divided into rows that can be evaluated (label 0 or
 * 1, a finite score) and rows set aside (null or NaN score, null or non-binary label), with counts.
 */
record ScoredPredictions(Dataset<Row> evaluable, long rowsIn, long nullScore, long badLabel) {

  static ScoredPredictions of(Dataset<Row> predictions) {
    Column scoreMissing = col("score").isNull().or(isnan(col("score")));
    Column labelBad = col("label").isNull().or(not(col("label").isin(0, 1)));
    Row counts = predictions.agg(count(lit(1)),
        sum(when(scoreMissing, 1).otherwise(0)).cast("long"),
        sum(when(not(scoreMissing).and(labelBad), 1).otherwise(0)).cast("long")).head();
    Dataset<Row> evaluable = predictions.filter(not(scoreMissing).and(not(labelBad)))
        .select(col("label").cast("int").as("label"), col("score").cast("double").as("score"));
    return new ScoredPredictions(evaluable, counts.getLong(0),
        counts.isNullAt(1) ? 0 : counts.getLong(1), counts.isNullAt(2) ? 0 : counts.getLong(2));
  }

  long setAside() {
    return nullScore + badLabel;
  }

  long rowsOut() {
    return rowsIn - setAside();
  }
}
