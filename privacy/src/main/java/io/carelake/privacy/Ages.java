package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ages over 89 (HIPAA Safe Harbor aggregates them into one category): {@code 92岁},
 * {@code 93周岁}, {@code 95 years old}, {@code 91-year-old}, {@code 94 yo}, {@code age 96},
 * {@code aged 91}, {@code 年龄：92}. The number becomes {@value #OVER_89}; younger ages stay.
 */
final class Ages implements Detector {

  static final String OVER_89 = "90+";

  static final Pattern AGE = Pattern.compile(
      "(?<![0-9.])(\\d{2,3})(?= ?(?:岁|周岁))"
          + "|(?<![0-9.])(\\d{2,3})(?=[- ]?(?i:years?[- ]old|yrs?[- ]old|yo(?![a-z])|y/o|y\\.o\\.))"
          + "|(?<=(?i:age|aged|年龄)[: ：]{0,2})(\\d{2,3})(?![0-9.])");

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasDigit) {
      return;
    }
    String t = scan.text;
    Matcher m = null;
    // 92岁, 93周岁: the number just before (two characters at least; a 岁 before that, as in
    // 8岁时, must not end the search)
    for (int k = t.indexOf('岁', 2); k >= 0; k = t.indexOf('岁', k + 1)) {
      m = m == null ? AGE.matcher(t).useTransparentBounds(true) : m;
      add(scan, m, Math.max(0, k - 6), k);
    }
    // 年龄: 92
    for (int k = t.indexOf("年龄"); k >= 0; k = t.indexOf("年龄", k + 1)) {
      m = m == null ? AGE.matcher(t).useTransparentBounds(true) : m;
      add(scan, m, k + 2, Math.min(scan.length, k + 8));
    }
    // 95 years old, 91-year-old, 94 yo, age 96: on the ASCII runs that hold a y or "age"
    AsciiRuns.find(scan, AGE, PhiScrubber.Category.AGE, null, 2, Ages::hasEnglishCue,
        Ages::over89);
  }

  private static void add(Scan scan, Matcher m, int from, int to) {
    m.region(from, to);
    while (m.find()) {
      if (over89(m)) {
        scan.add(m.start(), m.end(), PhiScrubber.Category.AGE, OVER_89);
      }
    }
  }

  static boolean over89(Matcher m) {
    int value = Integer.parseInt(m.group());
    return value >= 90 && value <= 150;
  }

  static boolean hasEnglishCue(String t, int from, int to) {
    for (int i = from; i < to - 1; i++) {
      char c = (char) (t.charAt(i) | 0x20);
      if (c == 'y' || c == 'a' && (t.charAt(i + 1) | 0x20) == 'g') {
        return true;
      }
    }
    return false;
  }
}
