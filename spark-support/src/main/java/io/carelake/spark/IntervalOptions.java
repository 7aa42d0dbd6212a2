package io.carelake.spark;

import io.carelake.core.time.Interval;
import picocli.CommandLine.Option;

/**
 * The data interval a batch job reads and replaces: {@code [start, end)} in UTC days, as Airflow's
 * {@code data_interval_start} / {@code data_interval_end}.
 */
public final class IntervalOptions {

  @Option(names = "--interval-start", required = true, paramLabel = "YYYY-MM-DD",
      description = "First day of the data interval (inclusive, UTC).")
  String start;

  @Option(names = "--interval-end", required = true, paramLabel = "YYYY-MM-DD",
      description = "Day after the last day of the data interval (exclusive, UTC).")
  String end;

  public Interval interval() {
    return Interval.parse(start, end);
  }
}
