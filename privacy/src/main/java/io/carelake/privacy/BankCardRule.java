package io.carelake.privacy;

/**
 * Payment card numbers: 13-19 digits, in one run or in groups of four (the last group shorter;
 * or 4-6-5 / 4-6-4), with a card network's prefix (UnionPay 62, Visa 4, Mastercard 51-55 and
 * 2221-2720, Amex 34/37, JCB 35, Discover 6011/65) and a valid Luhn check digit. The Luhn check
 * keeps nine in ten random digit runs of that length out.
 */
final class BankCardRule implements NumberDetector.Rule {

  @Override
  public void check(Scan scan, DigitRuns.Candidate c) {
    String d = c.digits();
    int n = d.length();
    if (n < 13 || n > 19 || d.indexOf('X') >= 0 || c.gluedToLetter(scan.text)) {
      return;
    }
    if (grouping(c) && network(d) && luhn(d)) {
      scan.add(c.from(), c.to(), PhiScrubber.Category.BANK_CARD);
    }
  }

  static boolean grouping(DigitRuns.Candidate c) {
    int[] s = c.sizes();
    if (s.length == 1) {
      return true;
    }
    if (c.sized(4, 6, 5) || c.sized(4, 6, 4)) {
      return true;
    }
    for (int i = 0; i < s.length - 1; i++) {
      if (s[i] != 4) {
        return false;
      }
    }
    return s[s.length - 1] >= 1 && s[s.length - 1] <= 4 && s.length >= 4;
  }

  static boolean network(String d) {
    int two = Integer.parseInt(d.substring(0, 2));
    int four = Integer.parseInt(d.substring(0, 4));
    return two == 62 || d.charAt(0) == '4' || two >= 51 && two <= 55
        || four >= 2221 && four <= 2720 || two == 34 || two == 37 || two == 35
        || four == 6011 || two == 65;
  }

  static boolean luhn(String d) {
    int sum = 0;
    boolean dbl = false;
    for (int i = d.length() - 1; i >= 0; i--) {
      int v = d.charAt(i) - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }
}
