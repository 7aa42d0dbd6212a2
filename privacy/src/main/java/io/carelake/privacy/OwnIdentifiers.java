package io.carelake.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * The row's own identifiers, matched character by character on the normalised text whatever was
 * typed between their characters (spaces, line breaks, hyphens, dots, slashes, parentheses;
 * invisible characters are gone after normalisation) and in either letter case: resident id and
 * phone (digits only, a mobile without +86), address and name; for Chinese names of 3+
 * characters also the given name alone, for two-part Latin names also the swapped order.
 * Values too short to be identifying without destroying the text are not matched: names under 2
 * characters, ids under 4, phones under 5 digits, addresses under 4 characters.
 */
final class OwnIdentifiers implements Detector {

  @Override
  public void find(Scan scan) {
    if (scan.residentId == null && scan.phone == null && scan.address == null
        && scan.name == null) {
      return;
    }
    List<Value> values = new ArrayList<>(6);
    value(values, compactForm(scan.residentId), 4, PhiScrubber.Category.OWN_ID, true);
    value(values, phoneDigits(scan.phone), 5, PhiScrubber.Category.OWN_PHONE, true);
    value(values, compactForm(scan.address), 4, PhiScrubber.Category.OWN_ADDRESS, false);
    for (String form : nameForms(scan.name)) {
      value(values, form, 2, PhiScrubber.Category.OWN_NAME, false);
    }
    if (values.isEmpty()) {
      return;
    }
    // a start is tried only where a value's first character stands (String.indexOf: the
    // JDK's vectorised search), in either case for a Latin letter
    char[] t = scan.chars;
    int n = scan.length;
    for (Value v : values) {
      char first = v.chars[0];
      startsAt(scan, t, n, v, first);
      if (first >= 'A' && first <= 'Z') {
        startsAt(scan, t, n, v, (char) (first + 32));
      }
    }
  }

  private static void startsAt(Scan scan, char[] t, int n, Value v, char first) {
    for (int from = scan.text.indexOf(first); from >= 0; from = scan.text.indexOf(first,
        from + 1)) {
      own(scan, t, n, from, v);
    }
  }

  /** One value to look for: compact form, category, and how its ends are bounded. */
  private record Value(char[] chars, PhiScrubber.Category category, boolean latin) {}

  private static void value(List<Value> values, String value, int minLength,
      PhiScrubber.Category cat, boolean digitBoundary) {
    if (value == null || value.codePointCount(0, value.length()) < minLength) {
      return;
    }
    boolean latin = !digitBoundary && Character.isLetter(value.charAt(0))
        && value.charAt(0) < 0x80;
    values.add(new Value(value.toCharArray(), cat, latin));
  }

  static boolean isSeparator(char ch) {
    return ch == ' ' || ch == '-' || ch == '.' || ch == '/' || ch == '(' || ch == ')'
        || ch == '\t' || ch == '·' || ch == '_';
  }

  private static char upperAscii(char ch) {
    return ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch;
  }

  /**
   * Whether {@code value} (compact form: no separators, upper case) starts at {@code from} of the
   * normalised text with any separators between its characters; adds its span when it does.
   * Linear in practice: a start is only tried where the value's first character occurs.
   */
  private static void own(Scan scan, char[] t, int n, int from, Value value) {
    char[] v = value.chars;
    int j = from + 1;
    int k = 1;
    while (k < v.length) {
      int gap = 0;
      while (j < n && isSeparator(t[j]) && gap < DigitRuns.MAX_SEPARATOR + 1) {
        j++;
        gap++;
      }
      if (j >= n || upperAscii(t[j]) != v[k]) {
        break;
      }
      j++;
      k++;
    }
    if (k < v.length) {
      return;
    }
    int to = j;
    if (Scan.isAsciiDigit(t[from]) && from > 0 && Scan.isAsciiDigit(t[from - 1])
        || Scan.isAsciiDigit(t[to - 1]) && to < n && Scan.isAsciiDigit(t[to])) {
      return;
    }
    if (value.latin && (from > 0 && Scan.isAsciiLetter(t[from - 1])
        || to < n && Scan.isAsciiLetter(t[to]))) {
      return;
    }
    scan.addOwn(from, to, value.category);
  }

  /** A value as the matcher holds it: normalised, no separators, upper case. */
  static String compactForm(String value) {
    if (value == null) {
      return null;
    }
    return compactOfNormalised(NormalisedText.of(value).text());
  }

  private static String compactOfNormalised(String norm) {
    StringBuilder sb = new StringBuilder(norm.length());
    for (int i = 0; i < norm.length(); i++) {
      char ch = norm.charAt(i);
      if (!isSeparator(ch)) {
        sb.append(upperAscii(ch));
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** A phone's significant digits: no separators, no +86 / 0086 prefix on a mobile. */
  static String phoneDigits(String phone) {
    if (phone == null) {
      return null;
    }
    String norm = NormalisedText.of(phone).text();
    StringBuilder sb = new StringBuilder(norm.length());
    for (int i = 0; i < norm.length(); i++) {
      char ch = norm.charAt(i);
      if (ch >= '0' && ch <= '9') {
        sb.append(ch);
      }
    }
    String d = sb.toString();
    if (d.length() == 13 && d.startsWith("86")) {
      d = d.substring(2);
    } else if (d.length() == 15 && d.startsWith("0086")) {
      d = d.substring(4);
    }
    return d.isEmpty() ? null : d;
  }

  /** The full name and, for Chinese names of 3+ characters, the given name; Latin swapped. */
  static List<String> nameForms(String name) {
    List<String> out = new ArrayList<>();
    if (name == null || name.isBlank()) {
      return out;
    }
    String n = NormalisedText.of(name.strip()).text();
    String full = compactOfNormalised(n);
    if (full == null || full.codePointCount(0, full.length()) < 2) {
      return out;
    }
    out.add(full);
    if (full.codePoints().allMatch(
        ch -> Character.UnicodeScript.of(ch) == Character.UnicodeScript.HAN)) {
      int sl = NameLexicon.INSTANCE.surnameAt(full, 0) == 2 ? 2 : 1;
      String given = full.substring(sl);
      if (given.length() >= 2) {
        out.add(given);
      }
    } else {
      String[] parts = n.split("[\\s,]+");
      if (parts.length == 2) {
        String swapped = compactOfNormalised(parts[1] + parts[0]);
        if (swapped != null && swapped.length() >= 4) {
          out.add(swapped);
        }
      }
    }
    return out;
  }
}
