package io.carelake.evaluation.bootstrap;

import io.carelake.evaluation.stats.CalibrationCurve;
import java.io.Serializable;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * What one replicate sweep computes, fixed before it starts, and where each number lives in the
 * flat array of sums a sweep returns ({@link SweepSums}).
 *
 * <p>Replicates: index 0 is the data as they are (every weight 1: the point estimate, computed by
 * the same code as the resamples); 1 … {@code resamples} the Poisson bootstrap resamples;
 * then one per jackknife group (that group's patients weigh 0), for the BCa acceleration.
 *
 * <p>Score edges: every threshold at which counts "score &gt;= t" are needed (the fixed operating
 * thresholds and the decision-curve grid) and the inner edges of the uniform calibration bins, in
 * one sorted list. A row falls in bin b = the number of edges strictly below its score, so bin b is
 * (edge[b−1], edge[b]] (scikit-learn's calibration bins); a score exactly on an edge is also
 * counted in that edge's "atom", so that "score &gt;= edge" = the bins above the edge + its atom.
 * Separately, {@code quantileEdges} cut the scores into equal-count bins for the smoothed
 * calibration curve.
 *
 * <p>{@code cells} is the number of subgroup cells (each row belongs to at most one per
 * dimension).
 */
public final class SweepPlan implements Serializable {

  private static final long serialVersionUID = 1L;

  // Scalar slots of a replicate.
  static final int W = 0;
  static final int P = 1;
  static final int BRIER = 2;
  static final int SUM_SCORE = 3;
  static final int U_INTERCEPT = 4;
  static final int I_INTERCEPT = 5;
  static final int U0 = 6;
  static final int U1 = 7;
  static final int I00 = 8;
  static final int I01 = 9;
  static final int I11 = 10;
  static final int AUC_PAIRS = 11;
  static final int AP_SUM = 12;
  // third derivatives of the log-likelihoods (see Calibrators): Σ w·v(1−2p)·x^k
  static final int T_INTERCEPT = 13;
  static final int T0 = 14;
  static final int T1 = 15;
  static final int T2 = 16;
  static final int T3 = 17;
  static final int SCALARS = 18;
  // Per sensitivity target: found (0/1), threshold, TP, FP at it.
  static final int TARGET_SLOTS = 4;
  // Per bin: weight, positive weight, weighted score sum. Per atom: weight, positive weight.
  static final int BIN_SLOTS = 3;
  static final int ATOM_SLOTS = 2;
  // Per cell: weight, positive weight, Brier sum, score sum, AUROC pairs.
  static final int CELL_SLOTS = 5;
  static final int CELL_W = 0;
  static final int CELL_P = 1;
  static final int CELL_BRIER = 2;
  static final int CELL_SUM_SCORE = 3;
  static final int CELL_AUC_PAIRS = 4;

  private final long seed;
  private final int resamples;
  private final int jackknifeGroups;
  private final double[] thresholds;
  private final int calibrationBins;
  private final double[] quantileEdges;
  private final double[] sensitivityTargets;
  private final int cells;
  // derived once: the sweep reads them per block and replicate
  private final double[] edges;
  private final int binsOffset;
  private final int atomsOffset;
  private final int quantilesOffset;
  private final int cellsOffset;
  private final int slots;

  public SweepPlan(long seed, int resamples, int jackknifeGroups, double[] thresholds,
      int calibrationBins, double[] quantileEdges, double[] sensitivityTargets, int cells) {
    if (resamples < 1) {
      throw new IllegalArgumentException("at least 1 bootstrap resample is needed, got " + resamples);
    }
    if (jackknifeGroups < 0) {
      throw new IllegalArgumentException("jackknife groups must be >= 0, got " + jackknifeGroups);
    }
    for (double t : thresholds) {
      if (!(t > 0 && t < 1)) {
        throw new IllegalArgumentException("thresholds must lie strictly between 0 and 1, got " + t);
      }
    }
    for (double s : sensitivityTargets) {
      if (!(s > 0 && s <= 1)) {
        throw new IllegalArgumentException("target sensitivities must lie in (0, 1], got " + s);
      }
    }
    if (calibrationBins < 1) {
      throw new IllegalArgumentException("calibration bins must be >= 1, got " + calibrationBins);
    }
    for (int i = 1; i < quantileEdges.length; i++) {
      if (!(quantileEdges[i] > quantileEdges[i - 1])) {
        throw new IllegalArgumentException("quantile edges must be strictly increasing");
      }
    }
    if (cells < 0) {
      throw new IllegalArgumentException("cells must be >= 0, got " + cells);
    }
    this.seed = seed;
    this.resamples = resamples;
    this.jackknifeGroups = jackknifeGroups;
    this.thresholds = thresholds.clone();
    this.calibrationBins = calibrationBins;
    this.quantileEdges = quantileEdges.clone();
    this.sensitivityTargets = sensitivityTargets.clone();
    this.cells = cells;
    this.edges = unionOfEdges(this.thresholds, calibrationBins);
    this.binsOffset = SCALARS + TARGET_SLOTS * this.sensitivityTargets.length;
    this.atomsOffset = binsOffset + BIN_SLOTS * (edges.length + 1);
    this.quantilesOffset = atomsOffset + ATOM_SLOTS * edges.length;
    this.cellsOffset = quantilesOffset + BIN_SLOTS * (this.quantileEdges.length + 1);
    this.slots = cellsOffset + CELL_SLOTS * cells;
  }

  public long seed() {
    return seed;
  }

  public int resamples() {
    return resamples;
  }

  public int jackknifeGroups() {
    return jackknifeGroups;
  }

  public double[] thresholds() {
    return thresholds.clone();
  }

  public int calibrationBins() {
    return calibrationBins;
  }

  public double[] quantileEdges() {
    return quantileEdges.clone();
  }

  public double[] sensitivityTargets() {
    return sensitivityTargets.clone();
  }

  public int cells() {
    return cells;
  }

  /** 1 + resamples + jackknife groups. */
  public int replicates() {
    return 1 + resamples + jackknifeGroups;
  }

  public int firstJackknife() {
    return 1 + resamples;
  }

  /** The sorted union of the thresholds and the calibration bins' inner edges. */
  public double[] edges() {
    return edges.clone();
  }

  private static double[] unionOfEdges(double[] thresholds, int calibrationBins) {
    TreeSet<Double> all = new TreeSet<>();
    for (double t : thresholds) {
      all.add(t);
    }
    double[] cal = CalibrationCurve.edges(calibrationBins);
    for (int k = 1; k < cal.length - 1; k++) {
      all.add(cal[k]);
    }
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  int edgeCount() {
    return edges.length;
  }

  int quantileBins() {
    return quantileEdges.length + 1;
  }

  // Offsets of the sections inside one replicate's slots.
  int targetsOffset() {
    return SCALARS;
  }

  int binsOffset() {
    return binsOffset;
  }

  int atomsOffset() {
    return atomsOffset;
  }

  int quantilesOffset() {
    return quantilesOffset;
  }

  int cellsOffset() {
    return cellsOffset;
  }

  /** Slots per replicate. */
  public int slots() {
    return slots;
  }

  /** Index of an edge value in {@link #edges()}; the value must be one of them. */
  int edgeIndex(double value) {
    int i = Arrays.binarySearch(edges, value);
    if (i < 0) {
      throw new IllegalArgumentException(value + " is not an edge of this plan");
    }
    return i;
  }

  /** The number of values in sorted {@code edges} strictly below {@code score}. */
  static int binOf(double score, double[] edges) {
    return CalibrationCurve.countBelow(edges, 0, edges.length, score);
  }
}
