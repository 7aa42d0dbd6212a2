package io.carelake.governance.spec;

import java.util.Locale;

/** What a failing rule does: {@code block} quarantines the row (and blocks the run past the threshold), {@code warn} only reports. */
public enum Severity {
  BLOCK,
  WARN;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code block} / {@code warn}; null when the text is neither. */
  static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.code().equals(text)) {
        return s;
      }
    }
    return null;
  }
}
