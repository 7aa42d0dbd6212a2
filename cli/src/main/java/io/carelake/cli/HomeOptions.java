package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home} / {@code --config}, as every command takes them. */
public final class HomeOptions {

  @Option(names = "--home", paramLabel = "DIR",
      description = "carelake home (default: $CARELAKE_HOME or ./.carelake).")
  Path home;

  @Option(names = "--config", paramLabel = "FILE",
      description = "An explicit carelake.properties instead of <home>/carelake.properties.")
  Path config;

  public CarelakeConfig load() {
    return CarelakeConfig.resolve(home, config, System.getenv());
  }

  /** The arguments that pass the same home or config on to a job. */
  public java.util.List<String> forward(CarelakeConfig resolved) {
    return config != null ? java.util.List.of("--config", config.toAbsolutePath().toString())
        : java.util.List.of("--home", resolved.home().toString());
  }
}
