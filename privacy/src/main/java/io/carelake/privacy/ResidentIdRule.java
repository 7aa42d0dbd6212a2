package io.carelake.privacy;

import io.carelake.core.ids.ResidentIds;

/**
 * CN resident identity numbers (GB 11643), in any typed grouping ({@link DigitRuns}):
 * <ul>
 *   <li>18 characters (17 digits and a digit or X) whose check character is right, or whose
 *       region (11-91) and birth date (1900-2099) are plausible — a mistyped id still identifies
 *       its holder, while 18 random digits (a run of lab values typed with dots) rarely carry a
 *       calendar date where the birth date goes;</li>
 *   <li>15 digits (first generation): region digit 1-8 and a calendar {@code yymmdd}.</li>
 * </ul>
 */
final class ResidentIdRule implements NumberDetector.Rule {

  @Override
  public void check(Scan scan, DigitRuns.Candidate c) {
    String d = c.digits();
    if (d.length() == 18 && d.indexOf('X') < 0 || d.length() == 18 && d.indexOf('X') == 17) {
      if (validCheck(d) || plausible18(d)) {
        scan.add(c.from(), c.to(), PhiScrubber.Category.ID_18);
      }
    } else if (d.length() == 15 && d.indexOf('X') < 0 && d.charAt(0) >= '1' && d.charAt(0) <= '8'
        && calendar(1900 + num(d, 6, 2), num(d, 8, 2), num(d, 10, 2))) {
      scan.add(c.from(), c.to(), PhiScrubber.Category.ID_15);
    }
  }

  static boolean validCheck(String id18) {
    try {
      return ResidentIds.isValid(id18);
    } catch (RuntimeException e) {
      return false;
    }
  }

  static boolean plausible18(String d) {
    if (d.substring(0, 17).indexOf('X') >= 0) {
      return false;
    }
    int region = num(d, 0, 2);
    int year = num(d, 6, 4);
    return region >= 11 && region <= 91 && year >= 1900 && year <= 2099
        && calendar(year, num(d, 10, 2), num(d, 12, 2));
  }

  static boolean calendar(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1) {
      return false;
    }
    return day <= java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  static int num(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }
}
