package io.carelake.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * When a fact became available, for the point-in-time rule "a fact feeds a feature at index t only
 * if it happened before t and was available before t".
 */
public enum Clock {
  /**
   * The default: available from the source's record time (a lab report issued, a note signed), or
   * from carelake's ingest time when the source gave none. What a live system knew at t.
   */
  AVAILABLE,
  /**
   * Available when it happened: for a backfill of history whose sources carry no record time (its
   * ingest times all lie after every index date). The run records that it used this clock.
   */
  EVENT;

  /** The instant a fact counts as available, over safe.* columns. */
  Column availableTime() {
    return this == EVENT ? col("event_time")
        : coalesce(col("record_time"), col("ingest_time"));
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Clock parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--clock must be 'available' (record time, else ingest"
          + " time; the default) or 'event' (a backfill without record times), got '" + text + "'");
    }
  }
}
