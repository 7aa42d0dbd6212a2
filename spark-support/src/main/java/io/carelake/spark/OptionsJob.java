package io.carelake.spark;

import picocli.CommandLine.Mixin;

/**
 * Base of the Spark jobs: each takes {@link JobOptions} ({@code --home}, {@code --config},
 * {@code --verbose}); picocli finds the mixin on the superclass.
 */
public abstract class OptionsJob implements SparkJob {

  @Mixin protected JobOptions jobOptions = new JobOptions();

  @Override
  public final JobOptions jobOptions() {
    return jobOptions;
  }
}
