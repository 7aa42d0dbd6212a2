package io.carelake.reports;

import java.util.regex.Pattern;

/**
 * Masks what could be a value from a patient row in the free text a report shows (ledger
 * messages). The report reads only ledger, check and metric tables, but a job's error message may
 * quote the value it choked on; this is the last line of defence, not the first.
 *
 * <p>Masked: quoted values ({@code 'x'}, {@code "x"}, {@code «x»}, and CJK quotes), 15–18 character
 * resident ids, CN mobile numbers, e-mail addresses and any run of CJK characters (names and
 * addresses in the source systems are Chinese; carelake's own messages are English). Run ids and
 * {@code namespace.table} names in quotes are kept. Bare dates are not masked (intervals are
 * dates): a birth date in a message is masked only when quoted. Messages are cut to
 * {@value #MAX_LENGTH} characters.
 */
final class Redaction {

  static final int MAX_LENGTH = 500;

  /** Run ids and table names are quoted in carelake messages and are not PHI: keep those. */
  private static final Pattern SAFE_QUOTED = Pattern.compile(
      "[a-z_]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z_]+\\.[a-z_]+");

  private static final Pattern QUOTED = Pattern.compile(
      "'([^']*)'|\"([^\"]*)\"|“([^”]*)”|‘([^’]*)’|「([^」]*)」|«([^»]*)»");
  private static final Pattern RESIDENT_ID = Pattern.compile(
      "(?<![0-9A-Za-z])[0-9]{14,17}[0-9Xx](?![0-9A-Za-z])");
  private static final Pattern MOBILE = Pattern.compile("(?<![0-9])(?:\\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])");
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.-]+");
  private static final Pattern CJK = Pattern.compile(
      "[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsHangul}][\\p{IsHan}\\p{IsHiragana}"
          + "\\p{IsKatakana}\\p{IsHangul}0-9０-９\\-－#号]*");

  private Redaction() {}

  static String mask(String message) {
    if (message == null) {
      return null;
    }
    String s = QUOTED.matcher(message).replaceAll(m -> {
      String inner = m.group(m.group(1) != null ? 1 : m.group(2) != null ? 2
          : m.group(3) != null ? 3 : m.group(4) != null ? 4 : m.group(5) != null ? 5 : 6);
      if (SAFE_QUOTED.matcher(inner).matches()) {
        return java.util.regex.Matcher.quoteReplacement(m.group());
      }
      return "[value]";
    });
    s = RESIDENT_ID.matcher(s).replaceAll("[ID]");
    s = MOBILE.matcher(s).replaceAll("[PHONE]");
    s = EMAIL.matcher(s).replaceAll("[EMAIL]");
    s = CJK.matcher(s).replaceAll("[TEXT]");
    if (s.length() > MAX_LENGTH) {
      s = s.substring(0, MAX_LENGTH) + "… (cut; the full message is in governance.runs)";
    }
    return s;
  }
}
