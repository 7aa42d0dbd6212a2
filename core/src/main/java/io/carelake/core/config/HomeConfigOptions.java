package io.carelake.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

  /**
   * As {@link #resolve()}, for a command that reads a deployment rather than sets one up (digest,
   * audit): a home without {@code carelake.properties} is refused instead of created with defaults.
   */
  public CarelakeConfig resolveExisting() {
    Map<String, String> env = System.getenv();
    if (config == null && (home != null || env.get(CarelakeConfig.CONFIG_ENV) == null)) {
      requireHome(home != null ? home : Path.of(env.getOrDefault(CarelakeConfig.HOME_ENV,
          CarelakeConfig.HOME_DEFAULT)), "--home");
    }
    return resolve();
  }

  /** The configuration of an existing home named by {@code option}; refused when it has none. */
  public static CarelakeConfig loadExisting(Path home, String option) {
    requireHome(home, option);
    return CarelakeConfig.load(home);
  }

  private static void requireHome(Path home, String option) {
    if (!Files.isRegularFile(home.resolve(CarelakeConfig.FILE_NAME))) {
      throw new ConfigException("No carelake home at " + home.toAbsolutePath().normalize() + " ("
          + CarelakeConfig.FILE_NAME + " not found): give " + option
          + " the home of a deployment that has run");
    }
  }
}
