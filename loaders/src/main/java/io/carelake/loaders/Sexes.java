package io.carelake.loaders;

import java.util.Locale;

/** Source sex/gender values to GB/T 2261.1 codes: 1 male, 2 female, 0 unknown, 9 unspecified. */
final class Sexes {

  private Sexes() {}

  /** FHIR administrative gender: male 1, female 2, other 9 (not stated as either), unknown 0. */
  static String fromFhir(String gender) {
    if (gender == null) {
      return "0";
    }
    return switch (gender.toLowerCase(Locale.ROOT)) {
      case "male" -> "1";
      case "female" -> "2";
      case "other" -> "9";
      default -> "0";
    };
  }

  /** Synthea CSV GENDER: M 1, F 2, anything else 0. */
  static String fromCsv(String gender) {
    if (gender == null) {
      return "0";
    }
    return switch (gender.trim().toUpperCase(Locale.ROOT)) {
      case "M" -> "1";
      case "F" -> "2";
      default -> "0";
    };
  }
}
