package io.carelake.evaluation.spec;

import java.io.Serializable;
import java.util.List;

/**
 * A validated evaluation spec: what {@code evaluate} computes and the promotion gate
 * {@code evaluate --gate} applies. {@code sha256} (of the file's bytes) is recorded with every
 * result row and decision the spec produced; {@code source} is where it was read from.
 */
public record EvaluationSpec(String name, String version, String source, String sha256,
    Bootstrap bootstrap, int minEvents, OperatingPoints operatingPoints,
    DecisionCurve decisionCurve, Calibration calibration, Subgroups subgroups, Gate gate)
    implements Serializable {

  public record Bootstrap(int resamples, long seed, int jackknifeGroups) implements Serializable {}

  public record OperatingPoints(List<Double> thresholds, List<Double> sensitivities)
      implements Serializable {}

  /** Net-benefit thresholds {@code from, from + step, ...} up to {@code to}. */
  public record DecisionCurve(double from, double to, double step) implements Serializable {

    /** The grid, rounded to 10 decimals so that 0.01 + 0.01·k lands on the intended values. */
    public double[] thresholds() {
      int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
      double[] out = new double[n];
      for (int k = 0; k < n; k++) {
        out[k] = Math.round((from + k * step) * 1e10) / 1e10;
      }
      return out;
    }
  }

  public record Calibration(int bins, String smoothingMethod, double span, int smoothingBins)
      implements Serializable {}

  public record Subgroups(List<String> dimensions, int minRows, int minEvents,
      List<String> gapMetrics, double alpha) implements Serializable {}

  public record Gate(String interval, boolean rejectWithoutComparator, List<Criterion> criteria)
      implements Serializable {}

  /**
   * One gate criterion on an interval bound: {@code lower} (the interval's lower bound must be at
   * least it), {@code upper} (the upper bound at most it), or both (the interval within them).
   *
   * @param scope {@code iteration} (the evaluated iteration's own metric), {@code difference}
   *              (iteration − comparator, paired) or {@code subgroups} (every unsuppressed cell)
   */
  public record Criterion(String id, String scope, String metric, String interval, Double lower,
      Double upper, String rationale, int line) implements Serializable {

    /** "lower bound >= 0.6", "upper bound <= 0.1" or "interval within [0.8, 1.25]". */
    public String rule() {
      if (lower != null && upper != null) {
        return "interval within [" + lower + ", " + upper + "]";
      }
      return lower != null ? "lower bound >= " + lower : "upper bound <= " + upper;
    }
  }
}
