package io.carelake.evaluation.bootstrap;

import io.carelake.evaluation.stats.BootstrapInterval;
import io.carelake.evaluation.stats.ConfidenceLevel;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * All replicates of one sweep (the sums of every chunk added up), and the bootstrap intervals of any
 * statistic of them: replicate 0 is the estimate, 1 … B the resamples (percentile and BCa
 * intervals), and the jackknife replicates of non-empty groups give BCa's acceleration.
 */
public final class ReplicateSet {

  private final SweepPlan plan;
  private final double[] sums;
  private final long[] groupRows;
  private final Replicate[] replicates;

  public ReplicateSet(SweepPlan plan, double[] sums, long[] groupRows, Calibrators calibrators) {
    if (sums.length != plan.replicates() * plan.slots()) {
      throw new IllegalArgumentException("expected " + plan.replicates() * plan.slots()
          + " sums for this plan, got " + sums.length);
    }
    this.plan = plan;
    this.sums = sums;
    this.groupRows = groupRows.clone();
    double[] edges = plan.edges();
    this.replicates = new Replicate[plan.replicates()];
    for (int r = 0; r < replicates.length; r++) {
      replicates[r] = new Replicate(plan, sums, r, edges, calibrators);
    }
  }

  public SweepPlan plan() {
    return plan;
  }

  /** The data as they are (every weight 1). */
  public Replicate point() {
    return replicates[0];
  }

  /** A statistic in every replicate, in replicate order. */
  public double[] values(ToDoubleFunction<Replicate> statistic) {
    double[] out = new double[replicates.length];
    for (int r = 0; r < out.length; r++) {
      out[r] = statistic.applyAsDouble(replicates[r]);
    }
    return out;
  }

  /** The statistic's estimate with its percentile and BCa intervals. */
  public Summary summarize(double[] values, ConfidenceLevel level) {
    return summarize(values[0], values, level);
  }

  /**
   * As {@link #summarize(double[], ConfidenceLevel)} with an estimate computed elsewhere (the exact
   * calibration fits, of which replicate 0 is the same value up to the fit's tolerance).
   */
  public Summary summarize(double estimate, double[] values, ConfidenceLevel level) {
    double[] resamples = Arrays.copyOfRange(values, 1, 1 + plan.resamples());
    int first = plan.firstJackknife();
    double[] jackknife = IntStream.range(0, plan.jackknifeGroups())
        .filter(g -> groupRows[g] > 0).mapToDouble(g -> values[first + g]).toArray();
    return new Summary(estimate, BootstrapInterval.percentile(resamples, level),
        BootstrapInterval.bca(resamples, estimate, jackknife, level), plan.resamples(),
        BootstrapInterval.undefinedCount(resamples));
  }

  /**
   * An estimate with its bootstrap intervals.
   *
   * @param undefined resamples in which the statistic could not be computed (left out of both
   *                  intervals)
   */
  public record Summary(double value, double[] percentile, double[] bca, int resamples,
      int undefined) {

    public boolean defined() {
      return !Double.isNaN(value);
    }
  }
}
