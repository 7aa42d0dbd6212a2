package io.carelake.evaluation.bootstrap;

import io.carelake.evaluation.stats.BrierScore;
import io.carelake.evaluation.stats.CalibrationCurve;
import io.carelake.evaluation.stats.CalibrationIndex;
import io.carelake.evaluation.stats.NetBenefit;

/**
 * One replicate's sums read as metrics: the same formulas for the point estimate (replicate 0),
 * every resample and every jackknife estimate. Each method's formula is the one of the plain
 * function in {@code io.carelake.evaluation.stats} with the replicate's weights, which the tests
 * check replicate 0 against.
 */
public final class Replicate {

  private final SweepPlan plan;
  private final double[] sums;
  private final int o;
  private final double[] edges;
  private final Calibrators calibrators;
  private CalibrationIndex.Result smoothed;

  Replicate(SweepPlan plan, double[] sums, int r, double[] edges, Calibrators calibrators) {
    this.plan = plan;
    this.sums = sums;
    this.o = r * plan.slots();
    this.edges = edges;
    this.calibrators = calibrators;
  }

  private double slot(int i) {
    return sums[o + i];
  }

  public double weight() {
    return slot(SweepPlan.W);
  }

  public double positives() {
    return slot(SweepPlan.P);
  }

  public double negatives() {
    return weight() - positives();
  }

  public double prevalence() {
    return ratio(positives(), weight());
  }

  public double auroc() {
    return positives() > 0 && negatives() > 0
        ? slot(SweepPlan.AUC_PAIRS) / (positives() * negatives()) : Double.NaN;
  }

  public double averagePrecision() {
    return ratio(slot(SweepPlan.AP_SUM), positives());
  }

  public double brier() {
    return ratio(slot(SweepPlan.BRIER), weight());
  }

  public double scaledBrier() {
    return BrierScore.scaled(brier(), prevalence());
  }

  public double meanPredicted() {
    return ratio(slot(SweepPlan.SUM_SCORE), weight());
  }

  /** Observed events over expected (Σ scores): 1 when the average risk is right. */
  public double observedExpected() {
    return ratio(positives(), slot(SweepPlan.SUM_SCORE));
  }

  /** Calibration-in-the-large of the resample, from the full-data fit (see {@link Calibrators}). */
  public double calibrationIntercept() {
    double u = slot(SweepPlan.U_INTERCEPT);
    double information = slot(SweepPlan.I_INTERCEPT);
    double t = slot(SweepPlan.T_INTERCEPT);
    if (!calibrators.interceptDefined() || !(information > 0)) {
      return Double.NaN;
    }
    // U − I·δ − ½·T·δ² = 0, the root nearest the one-step δ = U / I
    double delta = u / information;
    for (int it = 0; it < Calibrators.TAYLOR_ITERATIONS; it++) {
      double next = (u - 0.5 * t * delta * delta) / information;
      if (Math.abs(next - delta) < 1e-15 * (1 + Math.abs(delta))) {
        delta = next;
        break;
      }
      delta = next;
    }
    return calibrators.interceptOffset() + delta;
  }

  /** The calibration slope of the resample, from the full-data fit (see {@link Calibrators}). */
  public double calibrationSlope() {
    double i00 = slot(SweepPlan.I00);
    double i01 = slot(SweepPlan.I01);
    double i11 = slot(SweepPlan.I11);
    double det = i00 * i11 - i01 * i01;
    if (!calibrators.slopeDefined() || !(det > 0)) {
      return Double.NaN;
    }
    double u0 = slot(SweepPlan.U0);
    double u1 = slot(SweepPlan.U1);
    double t0 = slot(SweepPlan.T0);
    double t1 = slot(SweepPlan.T1);
    double t2 = slot(SweepPlan.T2);
    double t3 = slot(SweepPlan.T3);
    // U − I·δ − ½·Q(δ) = 0 with Q_j = Σ w·v(1−2p)·x^j·(δa + δb·x)²; fixed point from the one step
    double da = 0;
    double db = 0;
    for (int it = 0; it < Calibrators.TAYLOR_ITERATIONS; it++) {
      double q0 = da * da * t0 + 2 * da * db * t1 + db * db * t2;
      double q1 = da * da * t1 + 2 * da * db * t2 + db * db * t3;
      double r0 = u0 - 0.5 * q0;
      double r1 = u1 - 0.5 * q1;
      double na = (i11 * r0 - i01 * r1) / det;
      double nb = (i00 * r1 - i01 * r0) / det;
      boolean done = Math.abs(na - da) < 1e-15 * (1 + Math.abs(na))
          && Math.abs(nb - db) < 1e-15 * (1 + Math.abs(nb));
      da = na;
      db = nb;
      if (done) {
        break;
      }
    }
    return calibrators.slope() + db;
  }

  /** Positive and negative weight scoring {@code >= threshold} (a plan threshold). */
  public double[] atOrAbove(double threshold) {
    int j = plan.edgeIndex(threshold);
    double w = 0;
    double pos = 0;
    for (int b = j + 1; b <= edges.length; b++) {
      int i = plan.binsOffset() + SweepPlan.BIN_SLOTS * b;
      w += slot(i);
      pos += slot(i + 1);
    }
    int a = plan.atomsOffset() + SweepPlan.ATOM_SLOTS * j;
    w += slot(a);
    pos += slot(a + 1);
    return new double[] {pos, w - pos};
  }

  /** {tp, fp, tn, fn} at a plan threshold. */
  public double[] confusionAt(double threshold) {
    double[] called = atOrAbove(threshold);
    return new double[] {called[0], called[1], negatives() - called[1], positives() - called[0]};
  }

  public double netBenefit(double threshold) {
    double[] called = atOrAbove(threshold);
    return NetBenefit.model(called[0], called[1], weight(), threshold);
  }

  public double netBenefitTreatAll(double threshold) {
    return weight() > 0 ? NetBenefit.treatAll(prevalence(), threshold) : Double.NaN;
  }

  /**
   * {threshold, tp, fp, tn, fn} of the operating point at target sensitivity {@code t} (index into
   * the plan's targets), or null when no positive weight was drawn.
   */
  public double[] atSensitivity(int t) {
    int i = plan.targetsOffset() + SweepPlan.TARGET_SLOTS * t;
    if (slot(i) != 1) {
      return null;
    }
    double tp = slot(i + 2);
    double fp = slot(i + 3);
    return new double[] {slot(i + 1), tp, fp, negatives() - fp, positives() - tp};
  }

  /** The uniform calibration bin {@code k}: {weight, positive weight, score sum}. */
  public double[] calibrationBin(int k) {
    double[] cal = CalibrationCurve.edges(plan.calibrationBins());
    // fine bins b lie inside calibration bin k when edge[b] <= cal[k+1] (upper end) and above cal[k]
    int first = k == 0 ? 0 : plan.edgeIndex(cal[k]) + 1;
    int last = k == plan.calibrationBins() - 1 ? edges.length : plan.edgeIndex(cal[k + 1]);
    double[] out = new double[3];
    for (int b = first; b <= last; b++) {
      int i = plan.binsOffset() + SweepPlan.BIN_SLOTS * b;
      out[0] += slot(i);
      out[1] += slot(i + 1);
      out[2] += slot(i + 2);
    }
    return out;
  }

  /** LOWESS on the equal-count score bins, with ICI / E50 / E90 (computed once). */
  public CalibrationIndex.Result smoothedCalibration(double span) {
    if (smoothed == null) {
      int bins = plan.quantileBins();
      double[] x = new double[bins];
      double[] y = new double[bins];
      double[] w = new double[bins];
      for (int b = 0; b < bins; b++) {
        int i = plan.quantilesOffset() + SweepPlan.BIN_SLOTS * b;
        w[b] = slot(i);
        x[b] = w[b] > 0 ? Math.min(1, Math.max(0, slot(i + 2) / w[b])) : 0;
        y[b] = w[b] > 0 ? slot(i + 1) / w[b] : 0;
      }
      smoothed = CalibrationIndex.of(x, y, w, span);
    }
    return smoothed;
  }

  /** Weight, positive weight, Brier sum, score sum and AUROC pairs of subgroup cell c. */
  public double cellWeight(int c) {
    return slot(cellSlot(c, SweepPlan.CELL_W));
  }

  public double cellPositives(int c) {
    return slot(cellSlot(c, SweepPlan.CELL_P));
  }

  public double cellAuroc(int c) {
    double pos = cellPositives(c);
    double neg = cellWeight(c) - pos;
    return pos > 0 && neg > 0 ? slot(cellSlot(c, SweepPlan.CELL_AUC_PAIRS)) / (pos * neg)
        : Double.NaN;
  }

  public double cellBrier(int c) {
    return ratio(slot(cellSlot(c, SweepPlan.CELL_BRIER)), cellWeight(c));
  }

  public double cellObservedExpected(int c) {
    return ratio(cellPositives(c), slot(cellSlot(c, SweepPlan.CELL_SUM_SCORE)));
  }

  private int cellSlot(int c, int field) {
    if (c < 0 || c >= plan.cells()) {
      throw new IllegalArgumentException("no cell " + c + " in a plan of " + plan.cells());
    }
    return plan.cellsOffset() + SweepPlan.CELL_SLOTS * c + field;
  }

  static double ratio(double numerator, double denominator) {
    return denominator > 0 ? numerator / denominator : Double.NaN;
  }
}
