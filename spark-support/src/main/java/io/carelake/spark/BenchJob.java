package io.carelake.spark;

import io.carelake.core.time.Interval;
import java.io.IOException;

/**
 * Base of the benches that run as a job ({@link JobMain}) in a {@link ScratchHome}: each takes
 * {@link JobOptions} (from {@link OptionsJob}) and has a fixed name and data interval; its
 * {@code main} is {@link #runInScratch}.
 */
public abstract class BenchJob extends OptionsJob {

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
  public final Interval interval() {
    return interval;
  }
}
