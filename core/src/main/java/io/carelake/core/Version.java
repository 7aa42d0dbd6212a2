package io.carelake.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** carelake's version, as built (recorded in every ledger row). */
public final class Version {

  public static final String CARELAKE = load();

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/carelake/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private Version() {}
}
