package io.carelake.privacy;

import java.text.Normalizer;

/**
 * A text as the scrubber matches it, with the way back to the original: NFKC (full-width digits,
 * letters and punctuation become ASCII, the ideographic space a space), every dash-like character
 * ({@code ‐ ‑ ‒ – — ― −}) a hyphen, NBSP, tab and line breaks a space, Unicode format characters
 * (category Cf: zero-width space, soft hyphen, joiners, bidi marks) dropped, traditional Han
 * characters folded into simplified ones ({@link HanFold}). Exceptions: the clause punctuation
 * {@code ， ； ！ ？} stays full-width (it never occurs inside an identifier, and keeping it lets
 * the Latin-script rules run only on the short ASCII stretches of a Chinese note). For each character of {@link #text()},
 * {@link #start(int)} / {@link #end(int)} give the span of the original string it came from, so
 * that a match on the normalised text is replaced on the original string, whatever widths and
 * separators were typed there.
 *
 * <p>Fast path: ASCII and CJK ideographs are already NFKC-normal and map one to one; only other
 * characters go through {@link Normalizer}.
 */
final class NormalisedText {

  private final String original;
  private final String text;
  private final char[] chars;
  /** Null when every character maps one to one onto the original (the common case). */
  private final int[] starts;
  private final int[] ends;
  final boolean hasDigit;
  final boolean hasAt;
  final boolean hasUpperLatin;

  private NormalisedText(String original, char[] chars, int length, boolean same, int[] starts,
      int[] ends, boolean hasDigit, boolean hasAt, boolean hasUpperLatin) {
    this.original = original;
    this.chars = length == chars.length ? chars : java.util.Arrays.copyOf(chars, length);
    // an unchanged text (ASCII, simplified Han) is the original string itself
    this.text = same && length == original.length() ? original : new String(this.chars);
    this.starts = starts;
    this.ends = ends;
    this.hasDigit = hasDigit;
    this.hasAt = hasAt;
    this.hasUpperLatin = hasUpperLatin;
  }

  static NormalisedText of(String original) {
    int n = original.length();
    char[] out = new char[n + 8];
    // the map back to the original is kept only once a character does not map one to one
    // (dropped, expanded, a surrogate pair): most texts never need it
    int[] starts = null;
    int[] ends = null;
    int len = 0;
    boolean same = true;
    boolean digit = false;
    boolean at = false;
    boolean upper = false;
    for (int i = 0; i < n; ) {
      char c = original.charAt(i);
      int cpLen = 1;
      String mapped = null;
      char single;
      if (c < 0x80) {
        // tabs and line breaks separate like spaces: an id split over two lines is one id
        single = c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C ? ' ' : c;
      } else if (c >= 0x4E00 && c <= 0x9FFF || c >= 0x3400 && c <= 0x4DBF) {
        single = HanFold.fold(c);
      } else if (c == 0x2028 || c == 0x2029 || c == 0x0085) {
        single = ' ';
      } else if (Character.getType(c) == Character.FORMAT) {
        // invisible format characters (zero-width space, soft hyphen, joiners, bidi marks, BOM)
        // are dropped: typed inside an identifier they must not hide it
        i++;
        continue;
      } else if (c == 0xFF0C || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F) {
        single = c; // ， ； ！ ？ end a clause: kept, so that ASCII runs stop at them
      } else if (c >= 0xFF01 && c <= 0xFF5E) {
        single = (char) (c - 0xFF01 + '!');
      } else if (c == 0x3000 || c == 0x00A0 || c == 0x2002 || c == 0x2003 || c == 0x2009
          || c == 0x202F) {
        single = ' ';
      } else if (c >= 0x2010 && c <= 0x2015 || c == 0x2212 || c == 0xFE63) {
        single = '-';
      } else if (c >= 0x3001 && c <= 0x3011) {
        single = c; // CJK punctuation: kept (NFKC leaves most of it; the rest is harmless)
      } else {
        single = 0;
        if (Character.isHighSurrogate(c) && i + 1 < n
            && Character.isLowSurrogate(original.charAt(i + 1))) {
          cpLen = 2;
        }
        mapped = cpLen == 1 ? nfkc(c) : Normalizer.normalize(original.substring(i, i + 2),
            Normalizer.Form.NFKC);
        if (mapped.length() == 1) {
          single = mapped.charAt(0);
          mapped = null;
        }
      }
      if (mapped == null) {
        if (starts == null && (len != i || cpLen != 1)) {
          starts = identity(len, out.length);
          ends = identityEnds(len, out.length);
        }
        if (len == out.length) {
          out = grow(out);
        }
        out[len] = single;
        same &= single == c && starts == null;
        if (starts != null) {
          if (len >= starts.length) {
            starts = grow(starts);
            ends = grow(ends);
          }
          starts[len] = i;
          ends[len] = i + cpLen;
        }
        len++;
        digit |= single >= '0' && single <= '9';
        at |= single == '@';
        upper |= single >= 'A' && single <= 'Z';
      } else {
        same = false;
        if (starts == null) {
          starts = identity(len, out.length + mapped.length());
          ends = identityEnds(len, out.length + mapped.length());
        }
        for (int k = 0; k < mapped.length(); k++) {
          if (len >= starts.length) {
            starts = grow(starts);
            ends = grow(ends);
          }
          if (len == out.length) {
            out = grow(out);
          }
          char m = mapped.charAt(k);
          out[len] = m;
          starts[len] = i;
          ends[len] = i + cpLen;
          len++;
          digit |= m >= '0' && m <= '9';
          at |= m == '@';
          upper |= m >= 'A' && m <= 'Z';
        }
      }
      i += cpLen;
    }
    return new NormalisedText(original, out, len, same, starts, ends, digit, at, upper);
  }

  /** NFKC of one BMP character, computed once per character and cached (benign races). */
  private static final String[] NFKC_CACHE = new String[0x10000];

  private static String nfkc(char c) {
    String r = NFKC_CACHE[c];
    if (r == null) {
      String s = String.valueOf(c);
      r = Normalizer.normalize(s, Normalizer.Form.NFKC);
      NFKC_CACHE[c] = r;
    }
    return r;
  }

  private static int[] grow(int[] a) {
    return java.util.Arrays.copyOf(a, a.length * 2 + 8);
  }

  private static char[] grow(char[] a) {
    return java.util.Arrays.copyOf(a, a.length * 2 + 8);
  }

  /** The one-to-one map of the first {@code len} characters, in an array of {@code size}. */
  private static int[] identity(int len, int size) {
    int[] a = new int[Math.max(size, len + 8)];
    for (int i = 0; i < len; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int[] identityEnds(int len, int size) {
    int[] a = new int[Math.max(size, len + 8)];
    for (int i = 0; i < len; i++) {
      a[i] = i + 1;
    }
    return a;
  }

  String original() {
    return original;
  }

  String text() {
    return text;
  }

  /** The normalised characters (shared: read only). */
  char[] chars() {
    return chars;
  }

  /** Start, in the original string, of the normalised character {@code i}. */
  int start(int i) {
    return starts == null ? i : starts[i];
  }

  /** End (exclusive), in the original string, of the normalised character {@code i}. */
  int end(int i) {
    return ends == null ? i + 1 : ends[i];
  }

  /** The original span [start, end) of the normalised span [from, to). */
  int originalStart(int from) {
    return start(from);
  }

  int originalEnd(int to) {
    return end(to - 1);
  }
}
