package io.carelake.spark;

import io.carelake.core.time.Interval;
import picocli.CommandLine.Mixin;

/**
 * Base of the interval-driven jobs: every one takes {@link JobOptions} ({@code --home},
 * {@code --config}, {@code --verbose}) and {@link IntervalOptions} ({@code --interval-start},
 * {@code --interval-end}); picocli finds these mixins on the superclasses.
 */
public abstract class IntervalJob extends OptionsJob {

  @Mixin protected IntervalOptions intervalOptions = new IntervalOptions();

  @Override
  public final Interval interval() {
    return intervalOptions.interval();
  }
}
