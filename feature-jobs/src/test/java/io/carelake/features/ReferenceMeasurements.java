package io.carelake.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import io.carelake.features.cohort.CohortDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The window statistics the straightforward way, kept as the reference the job's per-patient pass
 * is checked against: every fact joined to every index date of its patient that may see it (the
 * visibility rule as a join condition), grouped by (pair, measurement) with one window's exact
 * sums each, pivoted to one row per pair and finished by the job's own {@code statistics}. This
 * was the job's code until the per-patient pass replaced it (same sums, same finishing).
 */
final class ReferenceMeasurements {

  private ReferenceMeasurements() {}

  static Dataset<Row> of(CohortDefinition definition, Visibility visibility, Dataset<Row> pairs,
      Dataset<Row> vitals) {
    CohortDefinition.Features f = definition.features();
    List<CohortDefinition.Measurement> ms = f.measurements();
    Dataset<Row> bounded = pairs.select(Facts.PATIENT, IndexDates.INDEX_DATE)
        .withColumn(IndexDates.INDEX_TS, col(IndexDates.INDEX_DATE).cast("timestamp"));
    Dataset<Row> facts = CohortBuilder.measured(vitals, ms).withColumn("_rank", row_number().over(
        Window.partitionBy(col(Facts.PATIENT)).orderBy(col("event_time"), col("event_key"))));
    Dataset<Row> joined = bounded.join(facts.withColumnRenamed(Facts.PATIENT, "_v_patient"),
        bounded.col(Facts.PATIENT).equalTo(col("_v_patient"))
            .and(visibility.visibleAt(bounded.col(IndexDates.INDEX_TS)))
            .and(col("event_time").geq(since(f.longestWindow()))));
    Column value = org.apache.spark.sql.functions.round(col("value").multiply(10_000.0))
        .cast("decimal(18,0)");
    Column x = unix_seconds(col("event_time")).minus(unix_seconds(col(IndexDates.INDEX_TS)))
        .cast("decimal(12,0)");
    List<Column> aggs = new ArrayList<>();
    for (int w : f.windowsDays()) {
      Column in = col("event_time").geq(since(w));
      String p = "_" + w + "_";
      aggs.add(count(when(in, 1)).as(p + "n"));
      aggs.add(sum(when(in, value)).as(p + "sy"));
      aggs.add(sum(when(in, value.multiply(value))).as(p + "syy"));
      aggs.add(sum(when(in, x)).as(p + "sx"));
      aggs.add(sum(when(in, x.multiply(x))).as(p + "sxx"));
      aggs.add(sum(when(in, x.multiply(value))).as(p + "sxy"));
      aggs.add(min(when(in, col("value"))).as(p + "min"));
      aggs.add(max(when(in, col("value"))).as(p + "max"));
      aggs.add(max_by(col("value"), when(in, col("_rank"))).as(p + "last"));
    }
    Dataset<Row> perMeasurement = joined.groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE),
            col(CohortBuilder.MEASUREMENT))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    List<Column> wide = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      for (int w : f.windowsDays()) {
        for (String s : CohortBuilder.SUMS) {
          Column v = max(when(col(CohortBuilder.MEASUREMENT).equalTo(i), col("_" + w + "_" + s)));
          wide.add((s.equals("n") ? coalesce(v, lit(0L)) : v)
              .as("_" + ms.get(i).name() + "_" + w + "_" + s));
        }
      }
    }
    Dataset<Row> sums = perMeasurement.groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE))
        .agg(wide.get(0), wide.subList(1, wide.size()).toArray(Column[]::new));
    List<Column> out = new ArrayList<>(List.of(col(Facts.PATIENT), col(IndexDates.INDEX_DATE)));
    for (CohortDefinition.Measurement m : ms) {
      for (int w : f.windowsDays()) {
        out.addAll(WindowStatistics.statistics(m.name(), w));
      }
    }
    return sums.select(out.toArray(Column[]::new));
  }

  private static Column since(int days) {
    return date_sub(col(IndexDates.INDEX_DATE), days).cast("timestamp");
  }
}
