package io.carelake.privacy;

import com.ibm.icu.text.Transliterator;

/**
 * Traditional Han characters folded into their simplified forms, one character at a time (陳 →
 * 陈, 號 → 号, 醫 → 医), so that every Han-script rule — cues, surnames, streets — reads a note
 * written in traditional characters as it reads a simplified one. The table is built once per
 * JVM from ICU4J's {@code Traditional-Simplified} transliterator (its data is the Unicode
 * Unihan database's), for the characters that map to exactly one character.
 */
final class HanFold {

  private static final char[] TABLE = build();

  private HanFold() {}

  static char fold(char c) {
    return TABLE[c];
  }

  private static char[] build() {
    char[] t = new char[0x10000];
    for (int c = 0; c < t.length; c++) {
      t[c] = (char) c;
    }
    Transliterator ts = Transliterator.getInstance("Traditional-Simplified");
    StringBuilder block = new StringBuilder();
    for (int c = 0x3400; c <= 0x9FFF; c++) {
      if (c >= 0x4DC0 && c <= 0x4DFF) {
        continue; // Yijing hexagrams: not ideographs
      }
      block.setLength(0);
      block.append((char) c);
      String s = ts.transliterate(block.toString());
      if (s.length() == 1 && s.charAt(0) != c) {
        t[c] = s.charAt(0);
      }
    }
    return t;
  }
}
