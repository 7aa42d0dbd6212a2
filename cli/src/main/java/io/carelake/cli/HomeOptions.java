package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;

/** {@code --home} / {@code --config}, as every command takes them, and how to pass them on. */
public final class HomeOptions extends HomeConfigOptions {

  public CarelakeConfig load() {
    return resolve();
  }

  /** The arguments that pass the same home or config on to a job. */
  public java.util.List<String> forward(CarelakeConfig resolved) {
    return config() != null ? java.util.List.of("--config", config().toAbsolutePath().toString())
        : java.util.List.of("--home", resolved.home().toString());
  }
}
