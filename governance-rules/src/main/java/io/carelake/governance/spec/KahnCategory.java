package io.carelake.governance.spec;

import java.util.Locale;

/**
 * Kahn et al. (2016) harmonised data-quality categories, as the OHDSI Data Quality Dashboard tags
 * each check: does a value follow the format and vocabulary (conformance), is it there
 * (completeness), is it believable (plausibility).
 */
public enum KahnCategory {
  CONFORMANCE,
  COMPLETENESS,
  PLAUSIBILITY;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
