package io.carelake.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of a normalised text as people type identifiers: <i>segments</i> (maximal runs of
 * ASCII digits; a final {@code X} kept on a run, for resident ids) joined into <i>groups</i> by
 * short separator runs — spaces (a line break is one, after normalisation), hyphens, dots,
 * slashes, parentheses, at most {@value #MAX_SEPARATOR} characters and at most one dot or slash.
 * An identifier is a run of consecutive segments of one group whose digits, read together, have
 * its shape; {@link #forEachCandidate} offers every such run up to {@value #MAX_DIGITS} digits,
 * so the work is linear in the text (each segment starts at most {@value #MAX_PARTS} candidates).
 */
final class DigitRuns {

  static final int MAX_SEPARATOR = 4;
  static final int MAX_DIGITS = 19;
  /** No identifier is typed in more groups than this (4-4-4-4-2, or +86 and 3-4-4 with spaces). */
  static final int MAX_PARTS = 8;

  /** A run of digits, [from, to) of the normalised text. */
  record Segment(int from, int to, String digits) {
    int size() {
      return digits.length();
    }
  }

  /** Consecutive segments joined by separators. */
  record Group(List<Segment> segments, boolean letterBefore, boolean letterAfter) {}

  /** A run of segments [first, last] of a group: its digits and their sizes. */
  record Candidate(Group group, int first, int last, String digits) {
    int from() {
      return group.segments().get(first).from();
    }

    int to() {
      return group.segments().get(last).to();
    }

    int parts() {
      return last - first + 1;
    }

    /** The sizes of the segments, e.g. {3, 4, 4}. */
    int[] sizes() {
      int[] s = new int[parts()];
      for (int i = first; i <= last; i++) {
        s[i - first] = group.segments().get(i).size();
      }
      return s;
    }

    boolean sized(int... expected) {
      return java.util.Arrays.equals(sizes(), expected);
    }

    /** Whether the candidate touches a letter (an alphanumeric code such as SN:A1234). */
    boolean gluedToLetter(String text) {
      return first == 0 && group.letterBefore() || last == group.segments().size() - 1
          && group.letterAfter();
    }

    /** The separator characters between the segments (empty when contiguous). */
    String separators(String text) {
      StringBuilder sb = new StringBuilder();
      for (int i = first; i < last; i++) {
        sb.append(text, group.segments().get(i).to(), group.segments().get(i + 1).from());
      }
      return sb.toString();
    }
  }

  interface Visitor {
    void visit(Candidate c);
  }

  private final List<Group> groups;

  private DigitRuns(List<Group> groups) {
    this.groups = groups;
  }

  List<Group> groups() {
    return groups;
  }

  static DigitRuns of(String text) {
    return of(text, text.toCharArray());
  }

  static DigitRuns of(String text, char[] t) {
    List<Group> groups = new ArrayList<>();
    int n = t.length;
    int i = 0;
    List<Segment> current = null;
    boolean letterBefore = false;
    int lastEnd = -1;
    while (i < n) {
      char c = t[i];
      if (!Scan.isAsciiDigit(c)) {
        i++;
        continue;
      }
      int from = i;
      while (i < n && Scan.isAsciiDigit(t[i])) {
        i++;
      }
      if (i < n && (t[i] == 'X' || t[i] == 'x') && !(i + 1 < n && Scan.isAsciiLetter(t[i + 1]))) {
        i++;
      }
      String digits = text.substring(from, i);
      Segment seg = new Segment(from, i, t[i - 1] == 'x' ? digits.toUpperCase(java.util.Locale.ROOT)
          : digits);
      if (current != null && joins(t, lastEnd, from)) {
        current.add(seg);
      } else {
        if (current != null) {
          groups.add(new Group(current, letterBefore, lastEnd < n
              && Scan.isAsciiLetter(t[lastEnd])));
        }
        current = new ArrayList<>();
        current.add(seg);
        letterBefore = from > 0 && Scan.isAsciiLetter(t[from - 1]);
      }
      lastEnd = i;
    }
    if (current != null) {
      groups.add(new Group(current, letterBefore, lastEnd < n
          && Scan.isAsciiLetter(t[lastEnd])));
    }
    return new DigitRuns(groups);
  }

  /** Whether the text between two segments is a separator run. */
  private static boolean joins(char[] t, int from, int to) {
    int len = to - from;
    if (len < 1 || len > MAX_SEPARATOR) {
      return false;
    }
    int strong = 0;
    for (int k = from; k < to; k++) {
      char c = t[k];
      if (c == '.' || c == '/') {
        strong++;
      } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
        return false;
      }
    }
    return strong <= 1;
  }

  /** Offers every run of consecutive segments of every group, up to {@value #MAX_DIGITS} digits. */
  void forEachCandidate(Visitor v) {
    StringBuilder digits = new StringBuilder(MAX_DIGITS + 8);
    for (Group g : groups) {
      List<Segment> segs = g.segments();
      for (int a = 0; a < segs.size(); a++) {
        digits.setLength(0);
        for (int b = a; b < segs.size() && b - a < MAX_PARTS; b++) {
          digits.append(segs.get(b).digits());
          if (digits.length() > MAX_DIGITS) {
            break;
          }
          if (digits.length() < 7) {
            continue; // no numeric identifier is shorter
          }
          v.visit(new Candidate(g, a, b, digits.toString()));
        }
      }
    }
  }
}
