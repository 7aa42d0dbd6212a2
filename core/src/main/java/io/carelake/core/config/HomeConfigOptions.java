package io.carelake.core.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --home} / {@code --config}, declared once for every command and job that reads a
 * carelake configuration (a picocli {@code @Mixin}): where the configuration is, resolved by
 * {@link CarelakeConfig#resolve}.
 */
public class HomeConfigOptions {

  @Option(names = "--home", paramLabel = "DIR",
      description = "carelake home holding carelake.properties (default: $CARELAKE_HOME or"
          + " ./.carelake).")
  private Path home;

  @Option(names = "--config", paramLabel = "FILE",
      description = "An explicit carelake.properties instead of <home>/carelake.properties"
          + " (cluster deployments; default: $CARELAKE_CONFIG).")
  private Path config;

  /** The {@code --home} given, or null. */
  public Path home() {
    return home;
  }

  /** The {@code --config} given, or null. */
  public Path config() {
    return config;
  }

  /** The configuration these options name, with environment overrides applied. */
  public CarelakeConfig resolve() {
    return CarelakeConfig.resolve(home, config, System.getenv());
  }
}
