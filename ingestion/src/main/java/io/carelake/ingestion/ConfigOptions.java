package io.carelake.ingestion;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home} / {@code --config}, as every ingestion command takes them (a picocli mixin). */
final class ConfigOptions {

  @Option(names = "--home", paramLabel = "DIR",
      description = "carelake home holding carelake.properties (default: $CARELAKE_HOME or ./.carelake).")
  Path home;

  @Option(names = "--config", paramLabel = "FILE",
      description = "An explicit carelake.properties (cluster deployments; default: $CARELAKE_CONFIG).")
  Path config;

  /** The configuration these options name, with environment overrides applied. */
  CarelakeConfig resolve() {
    return CarelakeConfig.resolve(home, config, System.getenv());
  }
}
