package io.carelake.spark;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every carelake job takes: where its configuration is, and how loud to be. */
public final class JobOptions {

  @Option(names = "--home", paramLabel = "DIR",
      description = "carelake home holding carelake.properties (default: $CARELAKE_HOME or ./.carelake).")
  Path home;

  @Option(names = "--config", paramLabel = "FILE",
      description = "An explicit carelake.properties (cluster deployments; default: $CARELAKE_CONFIG).")
  Path config;

  @Option(names = "--verbose", description = "Print stack traces and engine logs on error.")
  boolean verbose;

  public Path home() {
    return home;
  }

  public Path config() {
    return config;
  }

  public boolean verbose() {
    return verbose;
  }
}
