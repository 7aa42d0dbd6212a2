package io.carelake.loaders;

import java.util.ArrayList;
import java.util.List;

/** One-line US postal addresses: {@code "959 Mosciski Walk Suite 21, Grafton, MA 01519"}. */
final class Addresses {

  private Addresses() {}

  static String format(String line, String city, String state, String postal) {
    List<String> parts = new ArrayList<>();
    if (notBlank(line)) {
      parts.add(line.trim().replaceAll("\\s+", " "));
    }
    if (notBlank(city)) {
      parts.add(city.trim());
    }
    String statePostal = ((notBlank(state) ? state.trim() : "") + " "
        + (notBlank(postal) ? postal.trim() : "")).trim();
    if (!statePostal.isEmpty()) {
      parts.add(statePostal);
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
