package io.carelake.evaluation.bootstrap;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The rows one sweep walks: one Spark partition of a score-range partitioning (or all rows, in the
 * plain-Java path), sorted by score from the highest down, with everything a resample needs per
 * row computed once: bins, the patient's weight stream and jackknife group, and the boundaries of
 * runs of tied scores. The sums that do not depend on the order of scores are not a chunk's
 * business: {@link PatientSums} adds them up per patient.
 */
public final class Chunk implements Serializable {

  private static final long serialVersionUID = 1L;

  final int n;
  final double[] score;
  final double[] label;
  final long[] patient;
  final long[] base;
  final int[] group;
  /** Each row's cells, flattened: row k's are {@code cell[k·perRow .. (k+1)·perRow)}, -1 padded. */
  final int[] cell;
  final int perRow;
  final int[] bin;
  final int[] atom;
  final int[] quantileBin;
  /** The full-data fits the additive sums are expanded around ({@link PatientSums}). */
  final Calibrators calibrators;
  /** End (exclusive) of the tie run that starts at each row; -1 inside a run. */
  final int[] tieEnd;
  /** End (exclusive) of the tie run each row belongs to (a walk that skips rows needs it). */
  final int[] runEnd;

  /**
   * @param patientHashes a 64-bit hash of each row's patient (Spark's xxhash64 of the pseudonym)
   * @param cells         per row, the subgroup cells it belongs to (may be empty, never null)
   */
  public static Chunk of(double[] scores, int[] labels, long[] patientHashes, int[][] cells,
      SweepPlan plan, Calibrators calibrators) {
    requireOneEntryPerRow(scores, labels, patientHashes, cells);
    return new Chunk(descending(scores), scores, labels, patientHashes, cells, plan, calibrators);
  }

  /** Refuses columns of different lengths (a sweep's and the patient sums' input). */
  static void requireOneEntryPerRow(double[] scores, int[] labels, long[] patientHashes,
      int[][] cells) {
    int n = scores.length;
    if (labels.length != n || patientHashes.length != n || cells.length != n) {
      throw new IllegalArgumentException("scores, labels, patients and cells need one entry per"
          + " row: " + n + ", " + labels.length + ", " + patientHashes.length + ", "
          + cells.length);
    }
  }

  /** Row order by score, highest first; rows already in that order (Spark sorts them) stay put. */
  private static int[] descending(double[] scores) {
    boolean sorted = true;
    for (int i = 1; i < scores.length && sorted; i++) {
      sorted = scores[i] <= scores[i - 1];
    }
    if (sorted) {
      return IntStream.range(0, scores.length).toArray();
    }
    return IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
        .mapToInt(Integer::intValue).toArray();
  }

  private Chunk(int[] order, double[] scores, int[] labels, long[] patientHashes, int[][] cells,
      SweepPlan plan, Calibrators cal) {
    this.n = order.length;
    double[] edges = plan.edges();
    double[] quantileEdges = plan.quantileEdges();
    score = new double[n];
    label = new double[n];
    patient = new long[n];
    base = new long[n];
    group = new int[n];
    int widest = 0;
    for (int[] c : cells) {
      widest = Math.max(widest, c.length);
    }
    this.perRow = widest;
    this.cell = new int[n * widest];
    java.util.Arrays.fill(this.cell, -1);
    bin = new int[n];
    atom = new int[n];
    quantileBin = new int[n];
    calibrators = cal;
    tieEnd = new int[n];
    runEnd = new int[n];
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double s = scores[i];
      if (!Double.isFinite(s) || (labels[i] != 0 && labels[i] != 1)) {
        throw new IllegalArgumentException("row " + i + " has score " + s + " and label "
            + labels[i] + "; a sweep takes finite scores and 0/1 labels only");
      }
      score[k] = s;
      label[k] = labels[i];
      patient[k] = patientHashes[i];
      base[k] = PoissonWeights.patientBase(plan.seed(), patientHashes[i]);
      group[k] = plan.jackknifeGroups() == 0 ? -1
          : PoissonWeights.jackknifeGroup(plan.seed(), patientHashes[i], plan.jackknifeGroups());
      System.arraycopy(cells[i], 0, this.cell, k * widest, cells[i].length);
      bin[k] = SweepPlan.binOf(s, edges);
      atom[k] = bin[k] < edges.length && edges[bin[k]] == s ? bin[k] : -1;
      quantileBin[k] = SweepPlan.binOf(s, quantileEdges);
    }
    Arrays.fill(tieEnd, -1);
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && score[end] == score[start]) {
        end++;
      }
      tieEnd[start] = end;
      Arrays.fill(runEnd, start, end, end);
      start = end;
    }
  }

  public int size() {
    return n;
  }

  /** Highest score (the chunk's upper end), or NaN when empty. */
  public double maxScore() {
    return n == 0 ? Double.NaN : score[0];
  }

  /** The patient hash of row k (in the chunk's descending order). */
  public long patient(int k) {
    return patient[k];
  }

  public int label(int k) {
    return (int) label[k];
  }

  /**
   * DeLong's placement of every row with every weight 1 (in the chunk's order), given the counts
   * of the chunks above: for a positive, the share of negatives scoring below it (ties ½); for a
   * negative, the share of positives scoring above it (ties ½). What {@link
   * io.carelake.evaluation.stats.FastDelong} computes from mid-ranks, here from the running counts
   * of the descending walk, so that Spark can sum them per patient for Obuchowski's variance.
   */
  public double[] placements(ChunkTotals.Offsets offsets) {
    double positives = offsets.totalPositive(0);
    double negatives = offsets.totalNegative(0);
    double posAbove = offsets.abovePositive(0);
    double negAbove = offsets.aboveNegative(0);
    double[] out = new double[n];
    int k = 0;
    while (k < n) {
      int end = tieEnd[k];
      double groupPos = 0;
      double groupNeg = 0;
      for (int i = k; i < end; i++) {
        if (label[i] == 1) {
          groupPos++;
        } else {
          groupNeg++;
        }
      }
      for (int i = k; i < end; i++) {
        out[i] = label[i] == 1
            ? (negatives - negAbove - groupNeg + 0.5 * groupNeg) / negatives
            : (posAbove + 0.5 * groupPos) / positives;
      }
      posAbove += groupPos;
      negAbove += groupNeg;
      k = end;
    }
    return out;
  }

  /**
   * The weights of rows [from, to) in replicate r, into {@code w[0 .. to-from)}: filled in a loop
   * of its own, without a branch on the replicate kind per row, before the sweep reads them.
   */
  void weights(int r, SweepPlan plan, int from, int to, int[] w) {
    weights(base, group, r, plan, from, to, w);
  }

  /** The same for any units with Poisson stream bases and jackknife groups (rows or patients). */
  static void weights(long[] base, int[] group, int r, SweepPlan plan, int from, int to,
      int[] w) {
    if (r == 0) {
      java.util.Arrays.fill(w, 0, to - from, 1);
    } else if (r <= plan.resamples()) {
      for (int k = from; k < to; k++) {
        w[k - from] = PoissonWeights.weight(base[k], r);
      }
    } else {
      int left = r - plan.firstJackknife();
      for (int k = from; k < to; k++) {
        w[k - from] = group[k] == left ? 0 : 1;
      }
    }
  }
}
