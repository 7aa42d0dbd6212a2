package io.carelake.privacy;

/**
 * E-mail addresses and URLs, found by hand-written scanners rather than regular expressions: each
 * {@code @} (e-mail) or scheme / {@code www.} (URL) is examined over a bounded window, so the work
 * stays linear on any input (a regular expression with a repeated group, {@code (label\.)+},
 * overflowed the stack on {@code x@} + 2,000 × {@code a.}).
 */
final class WebAddresses {

  private WebAddresses() {}

  static final int MAX_LOCAL = 64;
  static final int MAX_DOMAIN = 253;

  /** E-mail: local part, {@code @}, a domain of labels ending in a 2-24 letter top-level label. */
  static final class Emails implements Detector {
    @Override
    public void find(Scan scan) {
      if (!scan.normalised.hasAt) {
        return;
      }
      String t = scan.text;
      for (int at = t.indexOf('@'); at >= 0; at = t.indexOf('@', at + 1)) {
        int from = at;
        while (from > 0 && at - from < MAX_LOCAL && isLocal(t.charAt(from - 1))) {
          from--;
        }
        // longer than a local part can be: not an address (decided before the leading
        // punctuation is trimmed, which leaves a local character before the start)
        boolean tooLong = from > 0 && isLocal(t.charAt(from - 1));
        while (from < at && !isAlnum(t.charAt(from))) {
          from++;
        }
        if (from == at || tooLong) {
          continue;
        }
        int end = domainEnd(t, at + 1);
        if (end > 0) {
          scan.add(from, end, PhiScrubber.Category.EMAIL);
        }
      }
    }

    /** End of a valid domain starting at {@code start}, or -1. */
    static int domainEnd(String t, int start) {
      int i = start;
      int limit = Math.min(t.length(), start + MAX_DOMAIN);
      int lastDot = -1;
      int best = -1;
      while (i < limit) {
        char c = t.charAt(i);
        if (isAlnum(c) || c == '-') {
          i++;
        } else if (c == '.' && i > start && t.charAt(i - 1) != '.') {
          lastDot = i;
          i++;
        } else {
          break;
        }
        // a valid end: after a dot, 2-24 letters
        if (lastDot > start && i - lastDot - 1 >= 2 && i - lastDot - 1 <= 24
            && allLetters(t, lastDot + 1, i) && (i >= t.length() || !isAlnum(t.charAt(i)))) {
          best = i;
        }
      }
      return best;
    }
  }

  /** URLs: {@code http(s)://}, {@code ftp://} or {@code www.} and what follows up to a space. */
  static final class Urls implements Detector {
    private static final String[] STARTS = {"https://", "http://", "ftp://", "www."};

    @Override
    public void find(Scan scan) {
      if (scan.text.indexOf("://") < 0 && scan.text.indexOf("ww.") < 0
          && scan.text.indexOf("WW.") < 0) {
        return;
      }
      String l = scan.lower();
      for (String s : STARTS) {
        int from = 0;
        for (int k = l.indexOf(s, from); k >= 0; k = l.indexOf(s, from)) {
          int i = k + s.length();
          while (i < scan.length && isUrl(l.charAt(i))) {
            i++;
          }
          while (i > k + s.length() && ".,;:!?)]'\"".indexOf(l.charAt(i - 1)) >= 0) {
            i--;
          }
          if (i > k + s.length() + 2) {
            scan.add(k, i, PhiScrubber.Category.URL);
          }
          from = Math.max(i, k + 1);
        }
      }
    }
  }

  static boolean isAlnum(char c) {
    return Scan.isAsciiDigit(c) || Scan.isAsciiLetter(c);
  }

  static boolean isLocal(char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  static boolean isUrl(char c) {
    return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`' && c != '{'
        && c != '}' && c != '|' && c != '\\' && c != '^';
  }

  private static boolean allLetters(String t, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Scan.isAsciiLetter(t.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
