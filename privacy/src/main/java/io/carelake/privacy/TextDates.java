package io.carelake.privacy;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates written in free text, and their shifting by a patient's offset (the same offset
 * {@link KeyedHashes#dateShiftDays} gives the structured dates, so intervals within a patient are
 * preserved in text too). Forms, on the normalised text: {@code yyyy-mm-dd}, {@code yyyy/mm/dd},
 * {@code yyyy.mm.dd}; {@code yyyy年m月d日}; {@code m月d日} (no year: shifted within a non-leap
 * year, 2月29日 within a leap one); {@code yyyy年m月} (no day: its 15th is shifted, and the
 * month it lands in written); {@code yyyymmdd} (not after 批号 / 编号 / SN / LOT); US
 * {@code mm/dd/yyyy}; {@code March 5, 2024}, {@code Mar 5 2024}, {@code 5 March 2024},
 * {@code 05-Mar-2024}. Years 1900-2099; what is not a calendar date is left as written. A
 * shifted date keeps its form (zero padding, month names as typed).
 */
public final class TextDates {

  /**
   * A written form: its pattern, how a match is shifted (null when not a date), and whether a
   * batch or serial cue before it means it is not a date.
   */
  private record Form(Pattern pattern, Shifter shifter, boolean codeShaped) {
    Form(Pattern pattern, Shifter shifter) {
      this(pattern, shifter, false);
    }
  }

  private interface Shifter {
    String shift(Matcher m, int days);
  }

  /** English month names in any case ("March", "MARCH", "march"): a date is a date however typed. */
  static final String MONTHS = "((?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?"
      + "|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?))";

  /** The ISO-like, full Chinese and US numeric forms (groups 1-4, 5-7, 8-10). */
  static final Pattern DATE = Pattern.compile(
      "(?<![0-9.])((?:19|20)\\d{2})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![0-9]|\\.[0-9])"
          + "|(?<![0-9])((?:19|20)\\d{2}) ?年 ?(\\d{1,2}) ?月 ?(\\d{1,2}) ?[日号]"
          + "|(?<![0-9./])(\\d{1,2})/(\\d{1,2})/((?:19|20)\\d{2})(?![0-9]|/[0-9])");

  private static final List<Form> FORMS = List.of(
      new Form(DATE, TextDates::shifted),
      new Form(Pattern.compile("(?<![0-9年])(?<!年 )(\\d{1,2}) ?月 ?(\\d{1,2}) ?([日号])"),
          TextDates::monthDay),
      new Form(Pattern.compile("(?<![0-9])((?:19|20)\\d{2}) ?年 ?(\\d{1,2}) ?月(?! ?\\d)"),
          TextDates::yearMonth),
      new Form(Pattern.compile("(?<![0-9A-Za-z-])((?:19|20)\\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\\d"
          + "|3[01])(?![0-9])"), TextDates::compact, true),
      new Form(Pattern.compile("(?<![A-Za-z])" + MONTHS + "(\\.?) (\\d{1,2})(,?) ((?:19|20)\\d{2})"
          + "(?![0-9])"), TextDates::monthNameFirst),
      new Form(Pattern.compile("(?<![0-9])(\\d{1,2}) " + MONTHS + "(\\.?) ((?:19|20)\\d{2})"
          + "(?![0-9])"), TextDates::dayFirst),
      new Form(Pattern.compile("(?<![0-9])(\\d{1,2})-" + MONTHS + "-((?:19|20)\\d{2}|\\d{2})"
          + "(?![0-9])"), TextDates::dayMonthHyphen));

  static final String[] NOT_A_DATE = {"批号", "编号", "sn", "lot", "序列号", "条码", "no"};

  private TextDates() {}

  /**
   * Adds a DATE span with the shifted text for every date in the text (only when shifting). Each
   * form runs where it can match: the numeric and English forms on ASCII runs with enough
   * digits, the Chinese forms around each 年 and 月.
   */
  static void find(Scan scan) {
    if (!scan.shifting() || !scan.normalised.hasDigit) {
      return;
    }
    String t = scan.text;
    int n = scan.length;
    Matcher[] ms = new Matcher[FORMS.size()];
    int[] runs = scan.asciiRuns();
    for (int r = 0; r < runs.length; r += 3) {
      int start = runs[r];
      int i = runs[r + 1];
      int digits = runs[r + 2];
      if (digits >= 6 && hasYear(scan.chars, start, i)) {
        run(scan, ms, 0, start, i);
        run(scan, ms, 3, start, i);
      }
      if (digits >= 3 && digits < i - start && hasMonthName(scan.chars, start, i)) {
        run(scan, ms, 4, start, i);
        run(scan, ms, 5, start, i);
        run(scan, ms, 6, start, i);
      }
    }
    // a year takes the two characters before 年 at least; a 年 before that (1年前) must not end
    // the search, nor a 月 at the text's start (月经) the one below
    for (int k = t.indexOf('年', 2); k >= 0; k = t.indexOf('年', k + 1)) {
      run(scan, ms, 0, Math.max(0, k - 5), Math.min(n, k + 12));
      run(scan, ms, 2, Math.max(0, k - 5), Math.min(n, k + 6));
    }
    for (int k = t.indexOf('月', 1); k >= 0; k = t.indexOf('月', k + 1)) {
      if (Scan.isAsciiDigit(t.charAt(k - 1)) || t.charAt(k - 1) == ' ') {
        run(scan, ms, 1, Math.max(0, k - 3), Math.min(n, k + 6));
      }
    }
  }

  /** Four digits 19xx / 20xx in [from, to): every numeric form holds a year. */
  private static boolean hasYear(char[] t, int from, int to) {
    for (int i = from; i + 3 < to; i++) {
      if ((t[i] == '1' && t[i + 1] == '9' || t[i] == '2' && t[i + 1] == '0')
          && Scan.isAsciiDigit(t[i + 2]) && Scan.isAsciiDigit(t[i + 3])) {
        return true;
      }
    }
    return false;
  }

  private static final String MONTH_STARTS = "janfebmaraprmayjunjulaugsepoctnovdec";

  /** A month name's first three letters (any case) in [from, to). */
  private static boolean hasMonthName(char[] t, int from, int to) {
    for (int i = from; i + 2 < to; i++) {
      if (Scan.isAsciiLetter(t[i]) && (i == from || !Scan.isAsciiLetter(t[i - 1]))) {
        char a = (char) (t[i] | 0x20);
        char b = (char) (t[i + 1] | 0x20);
        char c = (char) (t[i + 2] | 0x20);
        for (int k = 0; k < MONTH_STARTS.length(); k += 3) {
          if (MONTH_STARTS.charAt(k) == a && MONTH_STARTS.charAt(k + 1) == b
              && MONTH_STARTS.charAt(k + 2) == c) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void run(Scan scan, Matcher[] ms, int form, int from, int to) {
    Form f = FORMS.get(form);
    if (ms[form] == null) {
      ms[form] = f.pattern().matcher(scan.text).useTransparentBounds(true);
    }
    Matcher m = ms[form];
    m.region(from, to);
    while (m.find()) {
      if (f.codeShaped() && scan.cueBefore(m.start(), 10, NOT_A_DATE)) {
        continue;
      }
      String r = f.shifter().shift(m, scan.shiftDays);
      if (r != null) {
        scan.add(m.start(), m.end(), PhiScrubber.Category.DATE, r);
      }
    }
  }

  /** The shifted form of a {@link #DATE} match, or null when it is not a calendar date. */
  static String shifted(Matcher m, int days) {
    try {
      if (m.group(1) != null) {
        LocalDate s = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4))).plusDays(days);
        String sep = m.group(2);
        boolean padded = m.group(3).startsWith("0") || m.group(4).startsWith("0")
            || !sep.equals("/") && m.group(3).length() == 2 && m.group(4).length() == 2;
        String f = padded ? "%d%s%02d%s%02d" : "%d%s%d%s%d";
        return String.format(f, s.getYear(), sep, s.getMonthValue(), sep, s.getDayOfMonth());
      }
      if (m.group(5) != null) {
        LocalDate s = LocalDate.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
            Integer.parseInt(m.group(7))).plusDays(days);
        String day = m.group().endsWith("号") ? "号" : "日";
        return s.getYear() + "年" + s.getMonthValue() + "月" + s.getDayOfMonth() + day;
      }
      LocalDate s = LocalDate.of(Integer.parseInt(m.group(10)), Integer.parseInt(m.group(8)),
          Integer.parseInt(m.group(9))).plusDays(days);
      boolean padded = m.group(8).length() == 2 || m.group(9).length() == 2;
      return padded ? String.format("%02d/%02d/%d", s.getMonthValue(), s.getDayOfMonth(),
          s.getYear()) : s.getMonthValue() + "/" + s.getDayOfMonth() + "/" + s.getYear();
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  private static String monthDay(Matcher m, int days) {
    try {
      int month = Integer.parseInt(m.group(1));
      int day = Integer.parseInt(m.group(2));
      int year = month == 2 && day == 29 ? 2000 : 2001;
      LocalDate s = LocalDate.of(year, month, day).plusDays(days);
      return s.getMonthValue() + "月" + s.getDayOfMonth() + m.group(3);
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  private static String yearMonth(Matcher m, int days) {
    try {
      LocalDate s = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 15)
          .plusDays(days);
      return s.getYear() + "年" + s.getMonthValue() + "月";
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  private static String compact(Matcher m, int days) {
    try {
      LocalDate s = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3))).plusDays(days);
      return String.format("%d%02d%02d", s.getYear(), s.getMonthValue(), s.getDayOfMonth());
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  private static String monthNameFirst(Matcher m, int days) {
    LocalDate s = english(m.group(1), m.group(3), m.group(5), days);
    return s == null ? null : monthName(s, m.group(1)) + m.group(2) + " " + s.getDayOfMonth()
        + m.group(4) + " " + s.getYear();
  }

  private static String dayFirst(Matcher m, int days) {
    LocalDate s = english(m.group(2), m.group(1), m.group(4), days);
    return s == null ? null : s.getDayOfMonth() + " " + monthName(s, m.group(2)) + m.group(3)
        + " " + s.getYear();
  }

  private static String dayMonthHyphen(Matcher m, int days) {
    String y = m.group(3);
    String year = y.length() == 2 ? (Integer.parseInt(y) < 50 ? "20" : "19") + y : y;
    LocalDate s = english(m.group(2), m.group(1), year, days);
    if (s == null) {
      return null;
    }
    String day = m.group(1).length() == 2 ? String.format("%02d", s.getDayOfMonth())
        : Integer.toString(s.getDayOfMonth());
    String outYear = y.length() == 2 ? String.format("%02d", s.getYear() % 100)
        : Integer.toString(s.getYear());
    String month = monthName(s, m.group(2));
    // dd-Mon-yyyy is written with abbreviations: "May" there is one
    if (m.group(2).length() == 3 && month.length() > 3 && !month.equalsIgnoreCase("Sept")) {
      month = month.substring(0, 3);
    }
    return day + "-" + month + "-" + outYear;
  }

  private static LocalDate english(String month, String day, String year, int days) {
    try {
      return LocalDate.of(Integer.parseInt(year), monthNumber(month), Integer.parseInt(day))
          .plusDays(days);
    } catch (DateTimeException | NumberFormatException notADate) {
      return null;
    }
  }

  private static int monthNumber(String name) {
    String p = name.substring(0, 3).toLowerCase(Locale.ROOT);
    return List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
        "dec").indexOf(p) + 1;
  }

  /** The month of {@code s} named as {@code typed} was: full or abbreviated, same case. */
  private static String monthName(LocalDate s, String typed) {
    String full = s.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    String typedFull = java.time.Month.of(monthNumber(typed))
        .getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    // "May" is a full name and an abbreviation: a typed full name is answered with a full name
    String name = typed.equalsIgnoreCase(typedFull) ? full : full.substring(0, 3);
    if (typed.equalsIgnoreCase("sept") && s.getMonthValue() == 9) {
      name = "Sept";
    }
    if (typed.equals(typed.toUpperCase(Locale.ROOT))) {
      return name.toUpperCase(Locale.ROOT);
    }
    return typed.equals(typed.toLowerCase(Locale.ROOT)) ? name.toLowerCase(Locale.ROOT) : name;
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
    Scan scan = new Scan(n, null, null, null, null, days);
    find(scan);
    return PhiScrubber.replace(text, PhiScrubber.resolve(scan, n));
  }
}
