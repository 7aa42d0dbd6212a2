package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a Latin-script pattern only over the stretches of the normalised text that can hold it:
 * maximal runs of ASCII characters (a Chinese note is mostly Han text with short ASCII runs, so
 * the patterns see a small part of it). The matcher is bounded to each run.
 */
final class AsciiRuns {

  private AsciiRuns() {}

  /**
   * Adds every match of {@code p} (group 1 when the pattern has one that took part, else the
   * whole match) as {@code cat}, unless one of {@code unless} (lower-case cues) ends just
   * before it.
   */
  static void find(Scan scan, Pattern p, PhiScrubber.Category cat, String[] unless) {
    find(scan, p, cat, unless, 0, null);
  }

  /** A cheap test of whether a run [from, to) of the text can hold the pattern at all. */
  interface Gate {
    boolean mayHold(String text, int from, int to);
  }

  /**
   * As {@link #find(Scan, Pattern, PhiScrubber.Category, String[])}, on the runs that hold at least
   * {@code minDigits} digits and pass {@code gate} (null: every run).
   */
  static void find(Scan scan, Pattern p, PhiScrubber.Category cat, String[] unless,
      int minDigits, Gate gate) {
    find(scan, p, cat, unless, minDigits, gate, null);
  }

  /** As above; a match is added only when {@code accept} (null: always) takes it. */
  static void find(Scan scan, Pattern p, PhiScrubber.Category cat, String[] unless,
      int minDigits, Gate gate, java.util.function.Predicate<Matcher> accept) {
    eachRun(scan, p, 4, minDigits, gate, (m, start, end) -> {
      m.region(start, end);
      while (m.find()) {
        int g = m.groupCount() >= 1 && m.group(1) != null ? 1 : 0;
        if (unless != null && scan.cueBefore(m.start(), 10, unless)
            || accept != null && !accept.test(m)) {
          continue;
        }
        scan.add(m.start(g), m.end(g), cat);
      }
    });
  }

  /** What to do in one run [start, end) with the matcher of the pattern (its region not set). */
  interface RunBody {
    void run(Matcher m, int start, int end);
  }

  /**
   * Calls {@code body} for each ASCII run of at least {@code minLength} characters and
   * {@code minDigits} digits that {@code gate} (null: every run) lets through, in text order, with
   * one matcher of {@code p} over the text, made at the first such run.
   */
  static void eachRun(Scan scan, Pattern p, int minLength, int minDigits, Gate gate,
      RunBody body) {
    String t = scan.text;
    Matcher m = null;
    int[] runs = scan.asciiRuns();
    for (int r = 0; r < runs.length; r += 3) {
      int start = runs[r];
      int end = runs[r + 1];
      if (end - start < minLength || runs[r + 2] < minDigits
          || gate != null && !gate.mayHold(t, start, end)) {
        continue;
      }
      m = m == null ? p.matcher(t).useTransparentBounds(true) : m;
      body.run(m, start, end);
    }
  }
}
