package io.carelake.governance.spec;

import java.util.Locale;

/**
 * What a failing rule does.
 * <ul>
 *   <li>{@code block}: a failing row is quarantined, and when the failing share of the slice is above
 *       the rule's threshold the whole run is blocked (exit 3, nothing published);
 *   <li>{@code quarantine}: a failing row is quarantined; above the threshold the rule reports
 *       {@code WARN}, the run goes on;
 *   <li>{@code warn}: report only; rows are not touched.
 * </ul>
 */
public enum Severity {
  BLOCK,
  QUARANTINE,
  WARN;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when a row failing a rule of this severity goes to quarantine. */
  public boolean quarantinesRows() {
    return this != WARN;
  }

  /** Parses {@code block} / {@code quarantine} / {@code warn}; null when the text is none of them. */
  static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.code().equals(text)) {
        return s;
      }
    }
    return null;
  }
}
