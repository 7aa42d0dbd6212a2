package io.carelake.privacy;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates written in free text, and their shifting by a patient's offset (the same offset
 * {@link KeyedHashes#dateShiftDays} gives the structured dates, so intervals within a patient are
 * preserved in text too). Formats, on the normalised text (full-width digits already ASCII):
 * {@code yyyy-mm-dd}, {@code yyyy/mm/dd}, {@code yyyy.mm.dd} (one separator kind per date),
 * {@code yyyy年m月d日} and the US {@code mm/dd/yyyy} of Synthea and FHIR narratives. Years
 * 1900-2099 only; what is not a calendar date ({@code 2025-13-45}) is left as written. A shifted
 * date keeps its format (zero padding as written).
 */
public final class TextDates {

  /** Groups: 1-4 y sep m d (ISO-like); 5-7 y m d (Chinese); 8-10 m d y (US). */
  static final Pattern DATE = Pattern.compile(
      "(?<![0-9.])((?:19|20)\\d{2})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![0-9]|\\.[0-9])"
          + "|(?<![0-9])((?:19|20)\\d{2}) ?年 ?(\\d{1,2}) ?月 ?(\\d{1,2}) ?[日号]"
          + "|(?<![0-9./])(\\d{1,2})/(\\d{1,2})/((?:19|20)\\d{2})(?![0-9]|/[0-9])");

  private TextDates() {}

  /** The shifted form of the date matched by {@code m}, or null when it is not a calendar date. */
  static String shifted(Matcher m, int days) {
    try {
      if (m.group(1) != null) {
        LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)));
        LocalDate s = d.plusDays(days);
        String sep = m.group(2);
        boolean padded = m.group(3).startsWith("0") || m.group(4).startsWith("0")
            || !sep.equals("/") && m.group(3).length() == 2 && m.group(4).length() == 2;
        String f = padded ? "%d%s%02d%s%02d" : "%d%s%d%s%d";
        return String.format(f, s.getYear(), sep, s.getMonthValue(), sep, s.getDayOfMonth());
      }
      if (m.group(5) != null) {
        LocalDate d = LocalDate.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
            Integer.parseInt(m.group(7)));
        LocalDate s = d.plusDays(days);
        String day = m.group().endsWith("号") ? "号" : "日";
        return s.getYear() + "年" + s.getMonthValue() + "月" + s.getDayOfMonth() + day;
      }
      LocalDate d = LocalDate.of(Integer.parseInt(m.group(10)), Integer.parseInt(m.group(8)),
          Integer.parseInt(m.group(9)));
      LocalDate s = d.plusDays(days);
      boolean padded = m.group(8).length() == 2 || m.group(9).length() == 2;
      return padded ? String.format("%02d/%02d/%d", s.getMonthValue(), s.getDayOfMonth(),
          s.getYear()) : s.getMonthValue() + "/" + s.getDayOfMonth() + "/" + s.getYear();
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  /**
   * Moves every date written in {@code text} by {@code days}, keeping its format; full-width
   * digits are recognised (the shifted date is written in ASCII digits). Null or 0 days: the text
   * as it is.
   */
  public static String shift(String text, Integer days) {
    if (text == null || days == null || days == 0 || text.isEmpty()) {
      return text;
    }
    NormalisedText n = NormalisedText.of(text);
    if (!n.hasDigit) {
      return text;
    }
    Matcher m = DATE.matcher(n.text());
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      String r = shifted(m, days);
      if (r == null) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length() + 8);
      }
      int s = n.originalStart(m.start());
      sb.append(text, last, s).append(r);
      last = n.originalEnd(m.end());
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }
}
