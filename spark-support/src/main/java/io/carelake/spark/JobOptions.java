package io.carelake.spark;

import io.carelake.core.config.HomeConfigOptions;
import picocli.CommandLine.Option;

/** Options every carelake job takes: where its configuration is, and how loud to be. */
public final class JobOptions extends HomeConfigOptions {

  @Option(names = "--verbose", description = "Print stack traces and engine logs on error.")
  boolean verbose;

  public boolean verbose() {
    return verbose;
  }
}
