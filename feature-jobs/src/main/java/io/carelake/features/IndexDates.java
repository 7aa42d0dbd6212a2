package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.xxhash64;

import io.carelake.core.time.Interval;
import io.carelake.features.cohort.CohortDefinition;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The (patient, index date) pairs a definition samples in an interval. {@code monthly}: the first
 * day of each month in {@code [start, end)} for every patient with a visit before it;
 * {@code every-visit}: each day a patient visited; {@code one-random-per-patient}: of those days,
 * the one with the smallest {@code xxhash64(seed, patient, day)} — a draw that depends on the seed
 * and the pair only, never on row order or partitioning.
 */
final class IndexDates {

  static final String INDEX_DATE = "index_date";
  static final String INDEX_TS = "index_ts";

  private IndexDates() {}

  /** Month starts in the interval (a handful, computed on the driver). */
  static List<LocalDate> monthStarts(Interval interval) {
    List<LocalDate> dates = new ArrayList<>();
    LocalDate first = interval.start().withDayOfMonth(1);
    if (first.isBefore(interval.start())) {
      first = first.plusMonths(1);
    }
    for (LocalDate d = first; d.isBefore(interval.end()); d = d.plusMonths(1)) {
      dates.add(d);
    }
    return dates;
  }

  /** Candidate pairs with {@code index_ts} (the index instant, 00:00 UTC of the date). */
  static Dataset<Row> pairs(SparkSession spark, CohortDefinition.IndexDates rule,
      Interval interval, Dataset<Row> visits) {
    Dataset<Row> pairs = switch (rule.sampling()) {
      case MONTHLY -> visits.select(Facts.PATIENT).distinct()
          .crossJoin(frame(spark, monthStarts(interval)));
      case EVERY_VISIT -> visitDays(visits, interval);
      case ONE_RANDOM_PER_PATIENT -> visitDays(visits, interval).groupBy(Facts.PATIENT)
          .agg(min_by(col(INDEX_DATE), xxhash64(lit(rule.seed()), col(Facts.PATIENT),
              col(INDEX_DATE))).as(INDEX_DATE));
    };
    return pairs.withColumn(INDEX_TS, col(INDEX_DATE).cast("timestamp"));
  }

  private static Dataset<Row> visitDays(Dataset<Row> visits, Interval interval) {
    return visits.select(col(Facts.PATIENT), to_date(col("event_time")).as(INDEX_DATE))
        .where(col(INDEX_DATE).geq(lit(Date.valueOf(interval.start())))
            .and(col(INDEX_DATE).lt(lit(Date.valueOf(interval.end())))))
        .distinct();
  }

  /** A one-column frame {@code index_date}: a handful of rows built on the driver, never data. */
  static Dataset<Row> frame(SparkSession spark, List<LocalDate> dates) {
    StructType schema = new StructType().add(INDEX_DATE, DataTypes.DateType, false);
    List<Row> rows = dates.stream().map(d -> RowFactory.create(Date.valueOf(d))).toList();
    return spark.createDataFrame(rows, schema);
  }
}
