package io.carelake.deid;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.util.Locale;

/**
 * How the release is shared, and so the largest re-identification risk a class may carry
 * (GB/T 42460-2023, annex D's K-anonymity evaluation: the risk of a record is 1 / the size of its
 * class, set against a threshold per sharing model; the figures 1/20, 1/5 and 1/3 are those that
 * secondary sources report for the annex, not checked here against the standard's text). The
 * k-anonymity step enforces {@code k = 1 / threshold}. Configuration {@value #CONFIG_KEY}
 * (default {@code agreement}); recorded with every release (run parameters and
 * governance.privacy_results).
 */
public enum ReleaseModel {
  /** Published to anyone: class risk at most 1/20. */
  PUBLIC(20),
  /** Shared under a data-use agreement that forbids re-identification: at most 1/5. */
  AGREEMENT(5),
  /** Analysed only inside a controlled environment (an enclave): at most 1/3. */
  ENCLAVE(3);

  public static final String CONFIG_KEY = "deid.release-model";
  public static final ReleaseModel DEFAULT = AGREEMENT;

  private final int k;

  ReleaseModel(int k) {
    this.k = k;
  }

  /** The smallest class (distinct patients) the model allows: 1 / its risk threshold. */
  public int k() {
    return k;
  }

  /** The largest class risk the model allows, 1 / k. */
  public double maxClassRisk() {
    return 1.0 / k;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The configured model; a clear error naming the allowed values otherwise. */
  public static ReleaseModel from(CarelakeConfig config) {
    String value = config.get(CONFIG_KEY, DEFAULT.label()).strip().toLowerCase(Locale.ROOT);
    for (ReleaseModel m : values()) {
      if (m.label().equals(value)) {
        return m;
      }
    }
    throw new ConfigException("Configuration key '" + CONFIG_KEY + "' in " + config.file()
        + " must be public, agreement or enclave (how the release is shared: class risk at most"
        + " 1/20, 1/5 or 1/3), got '" + value + "'");
  }
}
