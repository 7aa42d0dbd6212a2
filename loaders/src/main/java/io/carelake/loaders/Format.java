package io.carelake.loaders;

/** The input formats of {@code carelake load}. */
public enum Format {
  FHIR("fhir"),
  SYNTHEA_CSV("synthea-csv");

  private final String label;

  Format(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Format parse(String text) {
    for (Format f : values()) {
      if (f.label.equalsIgnoreCase(text) || f.name().equalsIgnoreCase(text)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + text + "': use fhir or synthea-csv");
  }

  @Override
  public String toString() {
    return label;
  }
}
