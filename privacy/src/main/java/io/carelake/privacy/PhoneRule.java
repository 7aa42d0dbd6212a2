package io.carelake.privacy;

/**
 * Telephone numbers:
 * <ul>
 *   <li>CN mobiles: {@code 1[3-9]} and 9 digits, in any grouping, optionally after 86 / 0086
 *       (with or without +, parentheses);</li>
 *   <li>CN landlines: area code ({@code 010}, {@code 02x}, {@code 0[3-9]xx}) and a 7-8 digit
 *       local number, grouped or not ({@code 01065123456}), or after 86 / 0086 with the area code
 *       without its 0; an extension ({@code 转123}, {@code ext 12}) goes with it;</li>
 *   <li>bare local numbers (7-8 digits, first 2-9) after a phone cue (电话, 手机, 座机, tel,
 *       phone …): without a cue a 7-8 digit number is too often a count or a code;</li>
 *   <li>US numbers: 10 digits as {@code 3-3-4} with any separators or parentheses, or as one run
 *       when it is a valid NANP number ({@code [2-9]xx[2-9]xxxxxx}); optionally after 1.</li>
 * </ul>
 * A number glued to letters (SN:A13812345678) is a code, not a phone.
 */
final class PhoneRule implements NumberDetector.Rule {

  static final String[] CUES = {"电话", "手机", "座机", "联系方式", "致电", "号码", "tel", "phone",
      "call", "mobile", "fax", "传真", "分机"};

  @Override
  public void check(Scan scan, DigitRuns.Candidate c) {
    String d = c.digits();
    int n = d.length();
    if (n < 7 || n > 15 || d.indexOf('X') >= 0 || c.gluedToLetter(scan.text)) {
      return;
    }
    if (mobile(d)) {
      scan.add(opened(scan, c), c.to(), PhiScrubber.Category.MOBILE);
    } else if (landline(d, c)) {
      scan.add(opened(scan, c), extended(scan, c.to()), PhiScrubber.Category.LANDLINE);
    } else if ((n == 7 || n == 8) && d.charAt(0) >= '2' && c.parts() <= 2
        && scan.cueBefore(c.from(), 12, CUES)) {
      scan.add(c.from(), extended(scan, c.to()), PhiScrubber.Category.LANDLINE);
    } else if (usPhone(d, c)) {
      scan.add(opened(scan, c), c.to(), PhiScrubber.Category.US_PHONE);
    }
  }

  static boolean mobile(String d) {
    String m = d.startsWith("0086") && d.length() == 15 ? d.substring(4)
        : d.startsWith("86") && d.length() == 13 ? d.substring(2) : d;
    return m.length() == 11 && m.charAt(0) == '1' && m.charAt(1) >= '3' && m.charAt(1) <= '9';
  }

  static boolean landline(String d, DigitRuns.Candidate c) {
    if (d.startsWith("0086")) {
      return areaAndLocal("0" + d.substring(4));
    }
    if (d.startsWith("86") && c.parts() >= 2 && c.sizes()[0] == 2) {
      return areaAndLocal("0" + d.substring(2));
    }
    return d.charAt(0) == '0' && areaAndLocal(d);
  }

  /** {@code 0} + area (10, 2x, [3-9]xx) + local of 7-8 digits starting 2-9. */
  static boolean areaAndLocal(String d) {
    if (d.length() < 10 || d.length() > 12 || d.charAt(0) != '0') {
      return false;
    }
    int area = d.charAt(1) == '1' ? (d.charAt(2) == '0' ? 3 : -1)
        : d.charAt(1) == '2' ? 3 : d.charAt(1) >= '3' ? 4 : -1;
    if (area < 0) {
      return false;
    }
    int local = d.length() - area;
    return (local == 7 || local == 8) && d.charAt(area) >= '1';
  }

  static boolean usPhone(String d, DigitRuns.Candidate c) {
    String ten = d.length() == 11 && d.charAt(0) == '1' ? d.substring(1) : d;
    if (ten.length() != 10) {
      return false;
    }
    int[] s = c.sizes();
    boolean grouped = s.length >= 3 && s[s.length - 1] == 4 && s[s.length - 2] == 3
        && s[s.length - 3] == 3 && (s.length == 3 || s.length == 4 && s[0] == 1);
    boolean nanp = ten.charAt(0) >= '2' && ten.charAt(3) >= '2';
    // one run of 10 digits (or 1 + 10): a NANP number; other groupings are not US numbers
    return grouped || nanp && (s.length == 1 || s.length == 2 && s[0] == 1);
  }

  /**
   * Where the number starts, its country prefix's {@code +} and an opening parenthesis closed
   * inside it ({@code (010)1234 5678}, {@code (+86)138…}) included.
   */
  static int opened(Scan scan, DigitRuns.Candidate c) {
    int from = c.from();
    if (scan.at(from - 1) == '+') {
      from--;
    }
    if (scan.at(from - 1) == '(' && c.parts() >= 2
        && scan.text.indexOf(')', c.group().segments().get(c.first()).to()) >= 0
        && scan.text.indexOf(')', c.group().segments().get(c.first()).to())
        < c.group().segments().get(c.first() + 1).from()) {
      from--;
    }
    return from;
  }

  /** A landline's extension (转123, ext 12, x12) or nothing. */
  private static int extended(Scan scan, int to) {
    String l = scan.lower();
    int i = to;
    while (i < scan.length && l.charAt(i) == ' ') {
      i++;
    }
    int mark = i;
    if (l.startsWith("转", i)) {
      i += 1;
    } else if (l.startsWith("ext", i)) {
      i += 3;
      if (i < scan.length && l.charAt(i) == '.') {
        i++;
      }
    } else if (l.startsWith("x", i) || l.startsWith("分机", i)) {
      i += l.startsWith("x", i) ? 1 : 2;
    } else {
      return to;
    }
    while (i < scan.length && l.charAt(i) == ' ') {
      i++;
    }
    int digits = i;
    while (i < scan.length && Scan.isAsciiDigit(l.charAt(i)) && i - digits < 6) {
      i++;
    }
    int k = i - digits;
    return k >= 1 && k <= 5 && (i >= scan.length || !Scan.isAsciiDigit(l.charAt(i))) && i > mark
        ? i : to;
  }
}
