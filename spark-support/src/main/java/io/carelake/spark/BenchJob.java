package io.carelake.spark;

import io.carelake.core.time.Interval;
import java.io.IOException;
import picocli.CommandLine.Mixin;

/**
 * Base of the benches that run as a job ({@link JobMain}) in a {@link ScratchHome}: each takes
 * {@link JobOptions} (picocli finds the mixin on the superclass) and has a fixed name and data
 * interval; its {@code main} is {@link #runInScratch}.
 */
public abstract class BenchJob implements SparkJob {

  @Mixin protected JobOptions jobOptions = new JobOptions();

  private final String name;
  private final Interval interval;

  protected BenchJob(String name, Interval interval) {
    this.name = name;
    this.interval = interval;
  }

  /**
   * Runs {@code bench} with {@code args} in a new scratch home named after it, deleted afterwards:
   * a bench never touches a real home's tables. Returns the run's exit code.
   */
  public static int runInScratch(BenchJob bench, String[] args) throws IOException {
    return ScratchHome.runIn(bench.name() + "-", args, a -> JobMain.run(bench, a));
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final JobOptions jobOptions() {
    return jobOptions;
  }

  @Override
  public final Interval interval() {
    return interval;
  }
}
