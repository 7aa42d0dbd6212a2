package io.carelake.privacy;

/**
 * CN vehicle plates: a province's one-character abbreviation, a letter (not I or O), an optional
 * separator ({@code ·}, space, hyphen, dot), then five characters of letters and digits (six for
 * new-energy vehicles) holding at least one digit, and nothing alphanumeric after; a trailing
 * 挂 / 学 / 警 goes with it.
 */
final class VehiclePlates implements Detector {

  static final String PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
  private static final boolean[] PROVINCE = new boolean[0x10000];

  static {
    for (char c : PROVINCES.toCharArray()) {
      PROVINCE[c] = true;
    }
  }

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasDigit || !scan.normalised.hasUpperLatin) {
      return;
    }
    String t = scan.text;
    char[] c = scan.chars;
    for (int k = 0; k < scan.length - 6; k++) {
      if (!PROVINCE[c[k]] || !plateLetter(c[k + 1])) {
        continue;
      }
      int i = k + 2;
      char sep = t.charAt(i);
      if (sep == '·' || sep == ' ' || sep == '-' || sep == '.' || sep == '•') {
        i++;
      }
      int body = i;
      int digits = 0;
      while (i < scan.length && i - body < 6 && (plateLetter(t.charAt(i))
          || Scan.isAsciiDigit(t.charAt(i)))) {
        digits += Scan.isAsciiDigit(t.charAt(i)) ? 1 : 0;
        i++;
      }
      int size = i - body;
      boolean after = i < scan.length && (Scan.isAsciiLetter(t.charAt(i))
          || Scan.isAsciiDigit(t.charAt(i)));
      if ((size == 5 || size == 6) && digits >= 1 && !after) {
        if (i < scan.length && "挂学警".indexOf(t.charAt(i)) >= 0) {
          i++;
        }
        scan.add(k, i, PhiScrubber.Category.VEHICLE_PLATE);
        k = i - 1;
      }
    }
  }

  private static boolean plateLetter(char c) {
    return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
  }
}
