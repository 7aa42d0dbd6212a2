package io.carelake.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One text being scrubbed: its normalised form, the row's own identifiers, the date shift, and
 * the spans the detectors found (on the normalised text). Built once per text; the digit runs
 * ({@link DigitRuns}) are computed on first use and shared by every numeric detector.
 */
final class Scan {

  /** A candidate on the normalised text, with what replaces it and its rule's priority. */
  record Span(int from, int to, PhiScrubber.Category category, String replacement, int priority) {}

  final NormalisedText normalised;
  final String text;
  final int length;
  final String name;
  final String residentId;
  final String phone;
  final String address;
  final Integer shiftDays;
  final char[] chars;
  final List<Span> spans = new ArrayList<>();
  private DigitRuns digitRuns;
  private int[] asciiRuns;
  private String lower;

  Scan(NormalisedText normalised, String name, String residentId, String phone, String address,
      Integer shiftDays) {
    this.normalised = normalised;
    this.text = normalised.text();
    this.length = text.length();
    this.chars = normalised.chars();
    this.name = name;
    this.residentId = residentId;
    this.phone = phone;
    this.address = address;
    this.shiftDays = shiftDays;
  }

  boolean shifting() {
    return shiftDays != null && shiftDays != 0;
  }

  DigitRuns digitRuns() {
    if (digitRuns == null) {
      digitRuns = DigitRuns.of(text, chars);
    }
    return digitRuns;
  }

  /**
   * The maximal runs of ASCII characters, as {start, end, digits} triples, computed once: the
   * Latin-script detectors look only there.
   */
  int[] asciiRuns() {
    if (asciiRuns == null) {
      int[] runs = new int[48];
      int k = 0;
      char[] t = chars;
      for (int i = 0; i < length; ) {
        if (t[i] >= 0x80) {
          i++;
          continue;
        }
        int start = i;
        int digits = 0;
        while (i < length && t[i] < 0x80) {
          if (t[i] >= '0' && t[i] <= '9') {
            digits++;
          }
          i++;
        }
        if (k + 3 > runs.length) {
          runs = java.util.Arrays.copyOf(runs, runs.length * 2);
        }
        runs[k++] = start;
        runs[k++] = i;
        runs[k++] = digits;
      }
      asciiRuns = java.util.Arrays.copyOf(runs, k);
    }
    return asciiRuns;
  }

  /** The text with ASCII letters in lower case (same length and positions). */
  String lower() {
    if (lower == null) {
      char[] l = chars.clone();
      for (int i = 0; i < l.length; i++) {
        if (l[i] >= 'A' && l[i] <= 'Z') {
          l[i] = (char) (l[i] + 32);
        }
      }
      lower = new String(l);
    }
    return lower;
  }

  /** Whether {@code cueLower} (lower-case ASCII or Han) starts at {@code at}, ASCII case folded. */
  boolean startsWithFolded(String cueLower, int at) {
    int n = cueLower.length();
    if (at < 0 || at + n > length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = chars[at + i];
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != cueLower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The positions where one of {@code cues} (lower case) starts, in order. The text is read once
   * for every cued detector together ({@link #cueStarts}); each detector then looks only at
   * those positions.
   */
  int[] cuePositions(boolean[] firstChars, String[] cues) {
    int[] found = null;
    int k = 0;
    int[] starts = cueStarts();
    for (int s = 0; s < starts.length; s++) {
      int i = starts[s];
      char c = chars[i];
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (!firstChars[c]) {
        continue;
      }
      for (String cue : cues) {
        if (cue.charAt(0) == c && startsWithFolded(cue, i)) {
          found = found == null ? new int[8] : found.length == k ? java.util.Arrays.copyOf(found,
              k * 2) : found;
          found[k++] = i;
          found[k++] = cue.length();
          break;
        }
      }
    }
    return found == null ? new int[0] : java.util.Arrays.copyOf(found, k);
  }

  /** The first character (lower case) of any cue of any detector: {@link #cueStarts}' filter. */
  private static final boolean[] ANY_CUE_START = new boolean[0x10000];

  static boolean[] firstChars(String... cues) {
    boolean[] t = new boolean[0x10000];
    for (String c : cues) {
      t[c.charAt(0)] = true;
    }
    synchronized (ANY_CUE_START) {
      for (String c : cues) {
        ANY_CUE_START[c.charAt(0)] = true;
      }
    }
    return t;
  }

  private int[] cueStarts;

  /** Where a character that starts some detector's cue stands, computed once per text. */
  private int[] cueStarts() {
    if (cueStarts == null) {
      int[] found = new int[16];
      int k = 0;
      boolean[] any = ANY_CUE_START;
      for (int i = 0; i < length; i++) {
        char c = chars[i];
        if (c >= 'A' && c <= 'Z') {
          c = (char) (c + 32);
        }
        if (any[c]) {
          if (k == found.length) {
            found = java.util.Arrays.copyOf(found, k * 2);
          }
          found[k++] = i;
        }
      }
      cueStarts = java.util.Arrays.copyOf(found, k);
    }
    return cueStarts;
  }

  void add(int from, int to, PhiScrubber.Category cat) {
    add(from, to, cat, cat.tag);
  }

  void add(int from, int to, PhiScrubber.Category cat, String replacement) {
    if (to > from) {
      spans.add(new Span(from, to, cat, replacement, cat.ordinal()));
    }
  }

  /** A span of the row's own identifiers: it wins over a generic rule on the same text. */
  void addOwn(int from, int to, PhiScrubber.Category cat) {
    if (to > from) {
      spans.add(new Span(from, to, cat, cat.tag, -100 + cat.ordinal()));
    }
  }

  /**
   * True when one of {@code cues} (lower-case) ends within {@code window} characters before
   * {@code at}, with only spaces, colons, '#', 'no' or '号'/'码' between (as in "QQ号: 12345").
   */
  boolean cueBefore(int at, int window, String... cues) {
    int from = Math.max(0, at - window);
    // walk back over filler only: the cue must end where the filler starts (bounded by window)
    int e = at;
    while (e > from && isFiller(chars[e - 1])) {
      e--;
    }
    for (int end = e; end <= at; end++) {
      for (String cue : cues) {
        if (startsWithFolded(cue, end - cue.length())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isFiller(char c) {
    return c == ' ' || c == ':' || c == '#' || c == '：' || c == '号' || c == '码' || c == '是'
        || c == '为' || c == '.' || c == '(' || c == ')' || c == '（' || c == '）' || c == '-'
        || c == '=';
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  static boolean isHan(char c) {
    return c >= 0x4E00 && c <= 0x9FFF || c >= 0x3400 && c <= 0x4DBF;
  }

  char at(int i) {
    return i >= 0 && i < length ? text.charAt(i) : 0;
  }
}
