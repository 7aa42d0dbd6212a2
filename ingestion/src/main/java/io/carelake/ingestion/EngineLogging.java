package io.carelake.ingestion;

/**
 * Chooses the log4j configuration before any engine class logs: this module's
 * {@code carelake-ingest-log4j2.properties} (WARN, or INFO with {@code --verbose}) unless the
 * launcher or Flink already named one ({@code flink run} always does, with Flink's own).
 */
final class EngineLogging {

  static final String CONFIG_RESOURCE = "carelake-ingest-log4j2.properties";

  private EngineLogging() {}

  static void configure(boolean verbose) {
    if (System.getProperty("log4j2.configurationFile") == null
        && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "classpath:" + CONFIG_RESOURCE);
    }
    System.setProperty("carelake.log.level", verbose ? "INFO" : "WARN");
    System.setProperty("carelake.log.kafka-network-level", verbose ? "INFO" : "ERROR");
  }
}
