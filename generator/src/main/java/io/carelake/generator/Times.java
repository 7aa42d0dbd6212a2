package io.carelake.generator;

/** Event times as clinic systems in China send them: ISO-8601 local time with the +08:00 offset. */
final class Times {

  static final String OFFSET = "+08:00";

  private Times() {}

  /** {@code 2025-03-01} and 33152 s → {@code 2025-03-01T09:12:32+08:00}. */
  static String eventTime(String isoDate, int secondOfDay) {
    int s = Math.max(0, Math.min(secondOfDay, 86_399));
    char[] out = new char[25];
    isoDate.getChars(0, 10, out, 0);
    out[10] = 'T';
    two(out, 11, s / 3600);
    out[13] = ':';
    two(out, 14, s / 60 % 60);
    out[16] = ':';
    two(out, 17, s % 60);
    OFFSET.getChars(0, 6, out, 19);
    return new String(out);
  }

  /**
   * The clinic-local time {@code seconds} after midnight of {@code date} (any number of days
   * later), e.g. when a result taken in the morning is reported two days on.
   */
  static String at(java.time.LocalDate date, long seconds) {
    return eventTime(date.plusDays(Math.floorDiv(seconds, 86_400)).toString(),
        (int) Math.floorMod(seconds, 86_400));
  }

  private static void two(char[] out, int at, int v) {
    out[at] = (char) ('0' + v / 10);
    out[at + 1] = (char) ('0' + v % 10);
  }
}
