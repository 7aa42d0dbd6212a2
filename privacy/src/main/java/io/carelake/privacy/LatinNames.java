package io.carelake.privacy;

import java.util.regex.Pattern;

/**
 * Latin-script personal names: after a title ({@code Dr. / Mr. / Mrs. / Ms. / Miss / Mx / Prof.}),
 * one or two capitalised words; without a title, a capitalised first name of the US Census 1990
 * lists followed by a capitalised surname of them (Synthea's digit suffixes, {@code Abe604
 * Hagenes547}, are read without their digits). A single capitalised word is never taken for a
 * name without a title: too many are also words.
 */
final class LatinNames implements Detector {

  static final Pattern TITLED = Pattern.compile(
      "(?<![A-Za-z])(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\\.? ((?:[A-Z][A-Za-z'\\-]{0,30}\\d{0,4})(?: [A-Z]"
          + "[A-Za-z'\\-]{0,30}\\d{0,4})?)(?![A-Za-z])");
  static final Pattern PAIR = Pattern.compile(
      "(?<![A-Za-z0-9])([A-Z][a-z'\\-]{1,20})(\\d{0,4}) (?:[A-Z]\\. )?([A-Z][A-Za-z'\\-]{1,25})(\\d{0,4})"
          + "(?![A-Za-z])");

  private final NameLexicon lexicon = NameLexicon.INSTANCE;

  /** Dr, Mr, Mrs, Ms, Miss, Mx or Prof within [from, to). */
  static boolean hasTitleCue(String t, int from, int to) {
    for (int i = from; i < to - 1; i++) {
      char a = t.charAt(i);
      char b = t.charAt(i + 1);
      if ((a == 'D' || a == 'M' || a == 'P') && (b == 'r' || b == 's' || b == 'i' || b == 'x')) {
        return true;
      }
    }
    return false;
  }

  /** A capital, lower-case letters, a space and a capital: "Mary Smith", within [from, to). */
  static boolean hasCapitalPair(String t, int from, int to) {
    for (int i = from; i < to - 3; i++) {
      if (t.charAt(i) >= 'A' && t.charAt(i) <= 'Z' && t.charAt(i + 1) >= 'a'
          && t.charAt(i + 1) <= 'z') {
        int j = i + 1;
        while (j < to && (t.charAt(j) >= 'a' && t.charAt(j) <= 'z' || Scan.isAsciiDigit(t.charAt(j))
            || t.charAt(j) == '\'' || t.charAt(j) == '-')) {
          j++;
        }
        if (j + 1 < to && t.charAt(j) == ' ' && t.charAt(j + 1) >= 'A' && t.charAt(j + 1) <= 'Z') {
          return true;
        }
        i = j;
      }
    }
    return false;
  }

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasUpperLatin) {
      return;
    }
    AsciiRuns.find(scan, TITLED, PhiScrubber.Category.TITLE_NAME, null, 0,
        LatinNames::hasTitleCue);
    AsciiRuns.eachRun(scan, PAIR, 5, 0, LatinNames::hasCapitalPair, (m, start, end) -> {
      int from = start;
      while (from < end) {
        m.region(from, end);
        if (!m.find()) {
          break;
        }
        if (lexicon.isUsFirst(m.group(1)) && lexicon.isUsLast(m.group(3))) {
          scan.add(m.start(), m.end(), PhiScrubber.Category.LATIN_NAME);
          from = m.end();
        } else {
          from = m.start(3); // the surname may start the next pair
        }
      }
    });
  }
}
