package io.carelake.evaluation.bootstrap;

import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The sums of a replicate that do not depend on the ranking, from per-patient sufficient
 * statistics. In a resample every row of a patient carries the patient's weight, so a sum of
 * per-row terms weighted by it, Σ_rows w(patient)·x, is Σ_patients w·(Σ of the patient's x): the
 * additive slots (weight, events, Brier, score, the calibration score, information and third
 * derivatives) and each subgroup cell's weight, events, Brier and score sums are added up once per
 * patient (and cell), and the replicate loop visits patients instead of rows.
 *
 * <p>Exact in arithmetic; in floating point the sums are added in another order than a walk over
 * rows (per patient first), so a non-integer slot may differ from the row-level sum in its last
 * bits (TestPatientSums holds them to 1e-12 relative); weights and event counts are integers and
 * equal. The order is fixed: rows by patient hash, then score (highest first), then label, so the
 * same rows give the same sums on any partitioning into patients.
 */
public final class PatientSums {

  /** The additive slots, in the order of {@link #terms}. */
  private static final int[] SLOTS = {SweepPlan.W, SweepPlan.P, SweepPlan.BRIER,
      SweepPlan.SUM_SCORE, SweepPlan.U_INTERCEPT, SweepPlan.I_INTERCEPT, SweepPlan.T_INTERCEPT,
      SweepPlan.U0, SweepPlan.U1, SweepPlan.I00, SweepPlan.I01, SweepPlan.I11, SweepPlan.T0,
      SweepPlan.T1, SweepPlan.T2, SweepPlan.T3};
  /** Per patient and cell: weight, events, Brier sum, score sum (CELL_W … CELL_SUM_SCORE). */
  private static final int CELL_TERMS = 4;
  /** Patients per block: a block's arrays stay in the cache across all replicates. */
  static final int BLOCK_PATIENTS = 1024;

  private final int n;
  private final long[] base;
  private final int[] group;
  /** Term-major: {@code term[t][p]} is patient p's sum of the row term of slot SLOTS[t]. */
  private final double[][] term;
  /** Patient p's cells are entries {@code cellStart[p] .. cellStart[p + 1])}. */
  private final int[] cellStart;
  private final int[] cellId;
  private final double[] cellTerm;

  private PatientSums(int n, long[] base, int[] group, double[][] term, int[] cellStart,
      int[] cellId, double[] cellTerm) {
    this.n = n;
    this.base = base;
    this.group = group;
    this.term = term;
    this.cellStart = cellStart;
    this.cellId = cellId;
    this.cellTerm = cellTerm;
  }

  /** The patients of all of a chunk's rows (the plain-Java path: one chunk holds every row). */
  public static PatientSums of(Chunk chunk, SweepPlan plan) {
    int[][] cells = new int[chunk.n][];
    for (int k = 0; k < chunk.n; k++) {
      int from = k * chunk.perRow;
      int to = from;
      while (to < from + chunk.perRow && chunk.cell[to] >= 0) {
        to++;
      }
      cells[k] = Arrays.copyOfRange(chunk.cell, from, to);
    }
    int[] labels = new int[chunk.n];
    for (int k = 0; k < chunk.n; k++) {
      labels[k] = (int) chunk.label[k];
    }
    return of(chunk.score, labels, chunk.patient, cells, plan, chunk.calibrators);
  }

  /**
   * Sums rows per patient: every row of a patient must be among the rows given (Spark hash-
   * partitions rows by patient). Rows sorted by patient hash, score descending, label (as Spark's
   * {@code sortWithinPartitions} leaves them) are taken in place, others are sorted first.
   */
  public static PatientSums of(double[] scores, int[] labels, long[] patientHashes, int[][] cells,
      SweepPlan plan, Calibrators calibrators) {
    Chunk.requireOneEntryPerRow(scores, labels, patientHashes, cells);
    int rows = scores.length;
    int[] order = canonical(scores, labels, patientHashes);
    int patients = 0;
    int entries = 0;
    for (int i = 0; i < rows; i++) {
      patients += i == 0 || patientHashes[order[i]] != patientHashes[order[i - 1]] ? 1 : 0;
      entries += cells[order[i]].length;
    }
    long[] base = new long[patients];
    int[] group = new int[patients];
    double[][] term = new double[SLOTS.length][patients];
    int[] cellStart = new int[patients + 1];
    int[] cellId = new int[entries];
    double[] cellTerm = new double[CELL_TERMS * entries];
    double[] x = new double[SLOTS.length];
    int p = -1;
    int used = 0;
    for (int i = 0; i < rows; i++) {
      int k = order[i];
      if (p < 0 || patientHashes[k] != patientHashes[order[i - 1]]) {
        p++;
        base[p] = PoissonWeights.patientBase(plan.seed(), patientHashes[k]);
        group[p] = plan.jackknifeGroups() == 0 ? -1
            : PoissonWeights.jackknifeGroup(plan.seed(), patientHashes[k], plan.jackknifeGroups());
        cellStart[p] = used;
      }
      terms(scores[k], labels[k], calibrators, x);
      for (int t = 0; t < x.length; t++) {
        term[t][p] += x[t];
      }
      for (int c : cells[k]) {
        int e = cellStart[p];
        while (e < used && cellId[e] != c) {
          e++;
        }
        if (e == used) {
          cellId[used++] = c;
        }
        cellTerm[CELL_TERMS * e] += x[0];
        cellTerm[CELL_TERMS * e + 1] += x[1];
        cellTerm[CELL_TERMS * e + 2] += x[2];
        cellTerm[CELL_TERMS * e + 3] += x[3];
      }
    }
    cellStart[patients] = used;
    return new PatientSums(patients, base, group, term, cellStart, cellId, cellTerm);
  }

  /** Row order by patient hash, score (highest first), label; already-ordered rows stay put. */
  private static int[] canonical(double[] scores, int[] labels, long[] patients) {
    Comparator<Integer> order = Comparator.comparingLong((Integer i) -> patients[i])
        .thenComparing((Integer i, Integer j) -> scores[i] == scores[j] ? 0
            : Double.compare(scores[j], scores[i]))
        .thenComparingInt(i -> labels[i]);
    boolean sorted = true;
    for (int i = 1; i < scores.length && sorted; i++) {
      sorted = order.compare(i - 1, i) <= 0;
    }
    if (sorted) {
      return IntStream.range(0, scores.length).toArray();
    }
    return IntStream.range(0, scores.length).boxed().sorted(order).mapToInt(Integer::intValue)
        .toArray();
  }

  /**
   * A row's additive terms in {@link #SLOTS}' order: 1, the label, the squared error, the score,
   * then the calibration terms at the full-data fits (0 where a fit is undefined):
   * calibration-in-the-large's residual, variance v = p(1−p) and v(1−2p) at p = expit(a + x);
   * the slope model's residual r, r·x, v, v·x, v·x², and c = v(1−2p), c·x, c·x², c·x³ at
   * p = expit(a + b·x), with x = logit(score).
   */
  static void terms(double s, int y, Calibrators cal, double[] into) {
    Arrays.fill(into, 0);
    into[0] = 1;
    into[1] = y;
    into[2] = (s - y) * (s - y);
    into[3] = s;
    double x = LogisticCalibration.logit(s);
    if (cal.interceptDefined()) {
      double p = LogisticCalibration.expit(cal.interceptOffset() + x);
      double v = p * (1 - p);
      into[4] = y - p;
      into[5] = v;
      into[6] = v * (1 - 2 * p);
    }
    if (cal.slopeDefined()) {
      double p = LogisticCalibration.expit(cal.slopeIntercept() + cal.slope() * x);
      double residual = y - p;
      double v = p * (1 - p);
      double skew = v * (1 - 2 * p);
      into[7] = residual;
      into[8] = residual * x;
      into[9] = v;
      into[10] = v * x;
      into[11] = v * x * x;
      into[12] = skew;
      into[13] = skew * x;
      into[14] = skew * x * x;
      into[15] = skew * x * x * x;
    }
  }

  /** Number of patients. */
  public int size() {
    return n;
  }

  /**
   * Every replicate's additive slots and cells' weight, events, Brier and score sums (the other
   * slots are 0): in a flat array shaped like {@link ReplicateSweep#sweep}'s, to be added to it.
   */
  public double[] sweep(SweepPlan plan) {
    int replicates = plan.replicates();
    int slots = plan.slots();
    double[] out = new double[replicates * slots];
    int[] weights = new int[Math.min(n, BLOCK_PATIENTS)];
    int[] weighted = new int[weights.length];
    for (int from = 0; from < n; from += BLOCK_PATIENTS) {
      int to = Math.min(n, from + BLOCK_PATIENTS);
      for (int r = 0; r < replicates; r++) {
        int o = r * slots;
        Chunk.weights(base, group, r, plan, from, to, weights);
        additive(from, to, weights, out, o);
        if (plan.cells() > 0) {
          cells(from, weights, ReplicateSweep.nonZero(weights, to - from, weighted), weighted,
              out, o + plan.cellsOffset());
        }
      }
    }
    return out;
  }

  /**
   * The 16 additive sums of one replicate over patients [from, to): one loop with a local sum per
   * slot, so the 16 additions of a patient are independent of each other (a loop per slot would
   * wait on each addition's latency).
   */
  private void additive(int from, int to, int[] weights, double[] out, int o) {
    double[] x0 = term[0];
    double[] x1 = term[1];
    double[] x2 = term[2];
    double[] x3 = term[3];
    double[] x4 = term[4];
    double[] x5 = term[5];
    double[] x6 = term[6];
    double[] x7 = term[7];
    double[] x8 = term[8];
    double[] x9 = term[9];
    double[] x10 = term[10];
    double[] x11 = term[11];
    double[] x12 = term[12];
    double[] x13 = term[13];
    double[] x14 = term[14];
    double[] x15 = term[15];
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    double s8 = 0;
    double s9 = 0;
    double s10 = 0;
    double s11 = 0;
    double s12 = 0;
    double s13 = 0;
    double s14 = 0;
    double s15 = 0;
    for (int p = from; p < to; p++) {
      double w = weights[p - from];
      s0 += w * x0[p];
      s1 += w * x1[p];
      s2 += w * x2[p];
      s3 += w * x3[p];
      s4 += w * x4[p];
      s5 += w * x5[p];
      s6 += w * x6[p];
      s7 += w * x7[p];
      s8 += w * x8[p];
      s9 += w * x9[p];
      s10 += w * x10[p];
      s11 += w * x11[p];
      s12 += w * x12[p];
      s13 += w * x13[p];
      s14 += w * x14[p];
      s15 += w * x15[p];
    }
    double[] sums = {s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15};
    for (int t = 0; t < sums.length; t++) {
      out[o + SLOTS[t]] += sums[t];
    }
  }

  private void cells(int from, int[] weights, int m, int[] weighted, double[] out, int cells) {
    for (int i = 0; i < m; i++) {
      int p = from + weighted[i];
      double w = weights[weighted[i]];
      for (int e = cellStart[p], end = cellStart[p + 1]; e < end; e++) {
        int co = cells + SweepPlan.CELL_SLOTS * cellId[e];
        int at = CELL_TERMS * e;
        out[co + SweepPlan.CELL_W] += w * cellTerm[at];
        out[co + SweepPlan.CELL_P] += w * cellTerm[at + 1];
        out[co + SweepPlan.CELL_BRIER] += w * cellTerm[at + 2];
        out[co + SweepPlan.CELL_SUM_SCORE] += w * cellTerm[at + 3];
      }
    }
  }
}
