package io.carelake.core.time;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A data interval {@code [start, end)} of whole days, as Airflow passes it
 * ({@code data_interval_start} / {@code data_interval_end}). Batch jobs read and replace exactly the
 * event-time days in it; days are UTC days, the same days the raw tables are partitioned by.
 */
public record Interval(LocalDate start, LocalDate end) {

  public Interval {
    if (start == null || end == null) {
      throw new IllegalArgumentException("An interval needs a start and an end");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("--interval-end (" + end + ") must be after --interval-start ("
          + start + "); the end is exclusive, so one day is e.g. 2026-03-01 to 2026-03-02");
    }
  }

  /** Parses {@code YYYY-MM-DD} (or an ISO date-time at midnight, as Airflow templates may give). */
  public static Interval parse(String start, String end) {
    return new Interval(parseDay("--interval-start", start), parseDay("--interval-end", end));
  }

  static LocalDate parseDay(String option, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(value.trim());
    } catch (DateTimeParseException e) {
      try {
        OffsetDateTime t = OffsetDateTime.parse(value.trim());
        // Days are UTC days: a local midnight elsewhere (2025-03-01T00:00+08:00) is 16:00 UTC on
        // the day before, not a day boundary; converting it would silently move the interval.
        OffsetDateTime utc = t.withOffsetSameInstant(ZoneOffset.UTC);
        if (!utc.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
          throw new IllegalArgumentException(option + " must fall on a UTC day boundary"
              + " (intervals are UTC days), got '" + value + "', which is " + utc.toLocalDateTime()
              + " UTC; pass the day as YYYY-MM-DD or a time at 00:00 UTC");
        }
        return utc.toLocalDate();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(
            option + " must be a date YYYY-MM-DD, got '" + value + "'");
      }
    }
  }

  public long days() {
    return end.toEpochDay() - start.toEpochDay();
  }

  /** Start instant, UTC midnight, as an ISO timestamp literal usable in SQL. */
  public String startTimestamp() {
    return start + "T00:00:00Z";
  }

  public String endTimestamp() {
    return end + "T00:00:00Z";
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
