package io.carelake.privacy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The name resources the scrubber reads (under {@code carelake/privacy/names/}, each file's header
 * says where it comes from and its licence):
 * <ul>
 *   <li>{@code cn-surnames.txt}: the Baijiaxing's 504 surnames and common modern ones it lacks;</li>
 *   <li>{@code cn-given-chars.tsv}: how often each character occurs in Chinese given names
 *       (ngender's table);</li>
 *   <li>{@code us-first-names.txt}, {@code us-last-names.txt}: the US Census 1990 lists.</li>
 * </ul>
 * Loaded once per JVM; lookups are array or hash lookups.
 */
final class NameLexicon {

  /** Given-name characters seen at least this often count as name characters without a cue. */
  static final int NAME_CHAR_MIN = 3_000;

  static final NameLexicon INSTANCE = new NameLexicon();

  private final boolean[] surname = new boolean[0x10000];
  private final Set<String> compound = new HashSet<>();
  private final int[] givenCount = new int[0x10000];
  private final Set<String> usFirst = new HashSet<>();
  private final Set<String> usLast = new HashSet<>();

  private NameLexicon() {
    for (String s : lines("cn-surnames.txt")) {
      if (s.length() == 1) {
        surname[s.charAt(0)] = true;
      } else {
        compound.add(s);
      }
    }
    for (String line : lines("cn-given-chars.tsv")) {
      int tab = line.indexOf('\t');
      givenCount[line.charAt(0)] = Integer.parseInt(line.substring(tab + 1).strip());
    }
    for (String s : lines("us-first-names.txt")) {
      usFirst.add(s.toUpperCase(Locale.ROOT));
    }
    for (String s : lines("us-last-names.txt")) {
      usLast.add(s.toUpperCase(Locale.ROOT));
    }
  }

  private static java.util.List<String> lines(String file) {
    String path = "carelake/privacy/names/" + file;
    InputStream in = NameLexicon.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("the name resource " + path + " is missing from the"
          + " classpath (carelake-privacy jar)");
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    return out;
  }

  /** Length of the surname starting at {@code at} (2 compound, 1 single, 0 none). */
  int surnameAt(String t, int at) {
    if (at + 1 < t.length() && compound.contains(t.substring(at, at + 2))) {
      return 2;
    }
    return at < t.length() && surname[t.charAt(at)] ? 1 : 0;
  }

  boolean isSurname(char c) {
    return surname[c];
  }

  /** How often {@code c} occurs in given names (0 when never seen). */
  int givenCount(char c) {
    return givenCount[c];
  }

  boolean isNameChar(char c) {
    return givenCount[c] >= NAME_CHAR_MIN;
  }

  boolean isUsFirst(String word) {
    return usFirst.contains(word.toUpperCase(Locale.ROOT));
  }

  boolean isUsLast(String word) {
    return usLast.contains(word.toUpperCase(Locale.ROOT));
  }
}
