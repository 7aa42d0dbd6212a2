package io.carelake.features;

import io.carelake.core.time.Interval;
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
 * The index dates of an interval: the first day of each calendar month in {@code [start, end)}. A
 * backfill of a year gives twelve, a daily run gives one on the first of the month and none on
 * other days.
 */
final class IndexDates {

  static final String INDEX_DATE = "index_date";

  private IndexDates() {}

  static List<LocalDate> in(Interval interval) {
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

  /** A one-column frame {@code index_date}: a handful of rows built on the driver, never data. */
  static Dataset<Row> frame(SparkSession spark, List<LocalDate> dates) {
    StructType schema = new StructType().add(INDEX_DATE, DataTypes.DateType, false);
    List<Row> rows = dates.stream().map(d -> RowFactory.create(Date.valueOf(d))).toList();
    return spark.createDataFrame(rows, schema);
  }
}
