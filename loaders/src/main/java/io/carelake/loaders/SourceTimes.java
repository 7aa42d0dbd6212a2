package io.carelake.loaders;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Source timestamps (FHIR dateTime, Synthea CSV ISO instants) to instants and back to text. */
final class SourceTimes {

  private SourceTimes() {}

  /**
   * Parses an ISO-8601 date-time with an offset or {@code Z}, or a bare date (read as midnight
   * UTC, as FHIR allows for a dateTime with day precision).
   *
   * @return null when the text is blank
   * @throws DateTimeParseException when the text is not such a time
   */
  static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim();
    if (t.length() <= 10) {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** The event_time text: ISO-8601 in UTC with {@code Z}, as ingestion parses it. */
  static String format(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }
}
