package io.carelake.evaluation.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carelake.evaluation.stats.AveragePrecision;
import io.carelake.evaluation.stats.Auroc;
import io.carelake.evaluation.stats.BrierScore;
import io.carelake.evaluation.stats.CalibrationCurve;
import io.carelake.evaluation.stats.CalibrationIndex;
import io.carelake.evaluation.stats.ConfusionMatrix;
import io.carelake.evaluation.stats.LabelledScores;
import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The replicate sweep against the plain statistics functions on the same rows with the same
 * weights: replicate 0 (every weight 1), bootstrap resamples (the weights recomputed here from
 * {@link PoissonWeights}) and jackknife replicates; and the same sums whatever the chunking.
 */
class TestReplicateSweep {

  static final double EPS = 1e-9;
  static final double[] THRESHOLDS = {0.05, 0.1, 0.2, 0.3, 0.5};
  static final double[] TARGETS = {0.5, 0.8, 0.9};

  /** Clustered rows: patients with 1-6 rows, a patient effect, scores rounded (ties), two cells. */
  record Data(double[] scores, int[] labels, long[] patients, int[][] cells) {}

  static Data data(int patients, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[]> rows = new ArrayList<>();
    for (int p = 0; p < patients; p++) {
      double effect = r.nextGaussian() * 0.7;
      int sex = r.nextInt(2);
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        int label = r.nextDouble() < 0.25 ? 1 : 0;
        double eta = -1.3 + 1.4 * label + effect + r.nextGaussian();
        double score = Math.round(1000 / (1 + Math.exp(-eta))) / 1000.0;
        rows.add(new double[] {score, label, 1_000_003L * p + 17, sex});
      }
    }
    // a few scores exactly on thresholds and calibration edges
    rows.get(0)[0] = 0.1;
    rows.get(1)[0] = 0.2;
    rows.get(2)[0] = 0.5;
    Data d = new Data(new double[rows.size()], new int[rows.size()], new long[rows.size()],
        new int[rows.size()][]);
    for (int i = 0; i < rows.size(); i++) {
      d.scores[i] = rows.get(i)[0];
      d.labels[i] = (int) rows.get(i)[1];
      d.patients[i] = (long) rows.get(i)[2];
      d.cells[i] = new int[] {(int) rows.get(i)[3]};
    }
    return d;
  }

  static SweepPlan plan(Data d, int resamples, int groups) {
    double[] sorted = d.scores.clone();
    Arrays.sort(sorted);
    double[] quantiles = IntStream.rangeClosed(1, 19).mapToDouble(k -> sorted[k * sorted.length / 20])
        .distinct().toArray();
    return new SweepPlan(20251206L, resamples, groups, THRESHOLDS, 10, quantiles, TARGETS, 2);
  }

  static Calibrators calibrators(Data d) {
    return Calibrators.of(LogisticCalibration.intercept(d.labels, d.scores),
        LogisticCalibration.slope(d.labels, d.scores));
  }

  static ReplicateSet run(Data d, SweepPlan plan) {
    Calibrators cal = calibrators(d);
    Chunk chunk = Chunk.of(d.scores, d.labels, d.patients, d.cells, plan, cal);
    double[] sums = ReplicateSweep.run(chunk, plan);
    return new ReplicateSet(plan, sums, ReplicateSweep.totals(0, chunk, plan).groupRows(), cal);
  }

  /** The weights replicate r gives each row, recomputed from the hash. */
  static double[] weights(Data d, SweepPlan plan, int r) {
    double[] w = new double[d.scores.length];
    for (int i = 0; i < w.length; i++) {
      long base = PoissonWeights.patientBase(plan.seed(), d.patients[i]);
      if (r == 0) {
        w[i] = 1;
      } else if (r <= plan.resamples()) {
        w[i] = PoissonWeights.weight(base, r);
      } else {
        int g = PoissonWeights.jackknifeGroup(plan.seed(), d.patients[i], plan.jackknifeGroups());
        w[i] = g == r - plan.firstJackknife() ? 0 : 1;
      }
    }
    return w;
  }

  static void assertReplicateMatchesWeightedFunctions(Data d, SweepPlan plan, ReplicateSet set,
      int r) {
    LabelledScores weighted = LabelledScores.weighted(d.labels, d.scores, weights(d, plan, r));
    Replicate rep = set.values(x -> 0).length > r ? replicate(set, r) : null;
    assertThat(rep.weight()).isEqualTo(weighted.totalWeight());
    assertThat(rep.positives()).isEqualTo(weighted.positiveWeight());
    assertThat(rep.auroc()).as("auroc r=%d", r).isCloseTo(Auroc.of(weighted), within(EPS));
    assertThat(rep.averagePrecision()).as("ap r=%d", r)
        .isCloseTo(AveragePrecision.of(weighted), within(EPS));
    assertThat(rep.brier()).isCloseTo(BrierScore.of(weighted), within(EPS));
    for (double t : THRESHOLDS) {
      ConfusionMatrix m = ConfusionMatrix.at(weighted, t);
      double[] c = rep.confusionAt(t);
      assertThat(c).as("confusion at %s, r=%d", t, r).containsExactly(m.truePositive(),
          m.falsePositive(), m.trueNegative(), m.falseNegative());
    }
    for (int t = 0; t < TARGETS.length; t++) {
      ConfusionMatrix m = ConfusionMatrix.atSensitivity(weighted, TARGETS[t]);
      double[] op = rep.atSensitivity(t);
      assertThat(op).as("operating point %s, r=%d", TARGETS[t], r)
          .containsExactly(m.threshold(), m.truePositive(), m.falsePositive(), m.trueNegative(),
              m.falseNegative());
    }
    List<CalibrationCurve.Bin> bins = CalibrationCurve.uniform(weighted, 10);
    for (CalibrationCurve.Bin b : bins) {
      double[] sums = rep.calibrationBin(b.index());
      assertThat(sums[0]).isCloseTo(b.weight(), within(EPS));
      assertThat(sums[1] / sums[0]).isCloseTo(b.observed(), within(EPS));
      assertThat(sums[2] / sums[0]).isCloseTo(b.meanPredicted(), within(EPS));
    }
    // the additive sums read as ratios, counted here with plain loops over the weighted rows
    double w = 0;
    double events = 0;
    double scoreSum = 0;
    for (int i = 0; i < d.scores.length; i++) {
      w += weighted.weights()[i];
      events += weighted.weights()[i] * d.labels[i];
      scoreSum += weighted.weights()[i] * d.scores[i];
    }
    assertThat(rep.meanPredicted()).isCloseTo(scoreSum / w, within(EPS));
    assertThat(rep.observedExpected()).isCloseTo(events / scoreSum, within(EPS));
    for (double t : THRESHOLDS) {
      double tp = 0;
      double fp = 0;
      for (int i = 0; i < d.scores.length; i++) {
        if (d.scores[i] >= t) {
          tp += weighted.weights()[i] * d.labels[i];
          fp += weighted.weights()[i] * (1 - d.labels[i]);
        }
      }
      assertThat(rep.netBenefit(t)).as("net benefit at %s, r=%d", t, r)
          .isCloseTo(tp / w - fp / w * t / (1 - t), within(EPS));
      assertThat(rep.netBenefitTreatAll(t))
          .isCloseTo(events / w - (1 - events / w) * t / (1 - t), within(EPS));
    }
    for (int cell = 0; cell < 2; cell++) {
      final int c = cell;
      int[] rows = IntStream.range(0, d.scores.length).filter(i -> d.cells[i][0] == c).toArray();
      double cellEvents = Arrays.stream(rows).mapToDouble(i -> weighted.weights()[i] * d.labels[i])
          .sum();
      double cellScores = Arrays.stream(rows).mapToDouble(i -> weighted.weights()[i] * d.scores[i])
          .sum();
      assertThat(rep.cellObservedExpected(c)).isCloseTo(cellEvents / cellScores, within(EPS));
      LabelledScores sub = LabelledScores.weighted(
          Arrays.stream(rows).map(i -> d.labels[i]).toArray(),
          Arrays.stream(rows).mapToDouble(i -> d.scores[i]).toArray(),
          Arrays.stream(rows).mapToDouble(i -> weighted.weights()[i]).toArray());
      assertThat(rep.cellAuroc(c)).as("cell %d auroc r=%d", c, r)
          .isCloseTo(Auroc.of(sub), within(EPS));
      assertThat(rep.cellBrier(c)).isCloseTo(BrierScore.of(sub), within(EPS));
    }
  }

  static Replicate replicate(ReplicateSet set, int r) {
    Replicate[] holder = new Replicate[1];
    int[] i = {0};
    set.values(x -> {
      if (i[0]++ == r) {
        holder[0] = x;
      }
      return 0;
    });
    return holder[0];
  }

  /**
   * More cells than one 64-bit word of the tie runs' bit set, two per row, with ties: every cell's
   * AUROC and sums in a resample and a jackknife replicate equal the plain functions on its rows.
   */
  @Test
  void cellsBeyondOneWordOfTheBitSetMatchPlainFunctions() {
    Data base = data(400, 11);
    int[][] cells = new int[base.scores.length][];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = new int[] {(int) Math.floorMod(base.patients[i], 70L), 70 + i % 3};
    }
    Data d = new Data(base.scores, base.labels, base.patients, cells);
    double[] sorted = d.scores.clone();
    Arrays.sort(sorted);
    SweepPlan plan = new SweepPlan(20251206L, 5, 10, THRESHOLDS, 10,
        IntStream.rangeClosed(1, 19).mapToDouble(k -> sorted[k * sorted.length / 20]).distinct()
            .toArray(), TARGETS, 73);
    ReplicateSet set = run(d, plan);
    for (int r : new int[] {0, 3, plan.firstJackknife() + 4}) {
      double[] w = weights(d, plan, r);
      Replicate rep = replicate(set, r);
      for (int cell = 0; cell < 73; cell++) {
        final int c = cell;
        int[] rows = IntStream.range(0, d.scores.length)
            .filter(i -> d.cells[i][0] == c || d.cells[i][1] == c).toArray();
        LabelledScores sub = LabelledScores.weighted(
            Arrays.stream(rows).map(i -> d.labels[i]).toArray(),
            Arrays.stream(rows).mapToDouble(i -> d.scores[i]).toArray(),
            Arrays.stream(rows).mapToDouble(i -> w[i]).toArray());
        assertThat(rep.cellWeight(c)).as("cell %d weight r=%d", c, r)
            .isEqualTo(sub.totalWeight());
        assertThat(rep.cellPositives(c)).isEqualTo(sub.positiveWeight());
        if (sub.positiveWeight() > 0 && sub.positiveWeight() < sub.totalWeight()) {
          assertThat(rep.cellAuroc(c)).as("cell %d auroc r=%d", c, r)
              .isCloseTo(Auroc.of(sub), within(EPS));
        }
      }
    }
  }

  @Test
  void replicateZeroIsThePlainStatisticsOnTheData() {
    Data d = data(150, 1);
    SweepPlan plan = plan(d, 20, 10);
    ReplicateSet set = run(d, plan);
    assertReplicateMatchesWeightedFunctions(d, plan, set, 0);
    Replicate point = set.point();
    assertThat(point.calibrationIntercept())
        .isCloseTo(LogisticCalibration.intercept(d.labels, d.scores).intercept(), within(EPS));
    assertThat(point.calibrationSlope())
        .isCloseTo(LogisticCalibration.slope(d.labels, d.scores).slope(), within(EPS));
    assertThat(point.scaledBrier()).isCloseTo(BrierScore.scaled(d.labels, d.scores), within(EPS));
  }

  @Test
  void everyResampleAndJackknifeReplicateIsTheWeightedStatistic() {
    Data d = data(120, 2);
    SweepPlan plan = plan(d, 25, 8);
    ReplicateSet set = run(d, plan);
    for (int r = 1; r < plan.replicates(); r++) {
      assertReplicateMatchesWeightedFunctions(d, plan, set, r);
    }
  }

  @Test
  void chunksByScoreRangeGiveTheSameSumsAsOneChunk() {
    Data d = data(200, 3);
    SweepPlan plan = plan(d, 30, 7);
    Calibrators cal = calibrators(d);
    double[] whole = ReplicateSweep.run(Chunk.of(d.scores, d.labels, d.patients, d.cells, plan,
        cal), plan);
    // three score ranges (ties never split: a range holds every row of its scores), in shuffled
    // partition order, plus an empty one
    double[][] ranges = {{0.3, 2}, {-1, 0.15}, {0.15, 0.3}, {5, 6}};
    List<Chunk> chunks = new ArrayList<>();
    List<ChunkTotals> totals = new ArrayList<>();
    for (int p = 0; p < ranges.length; p++) {
      double lo = ranges[p][0];
      double hi = ranges[p][1];
      int[] rows = IntStream.range(0, d.scores.length)
          .filter(i -> d.scores[i] > lo && d.scores[i] <= hi).toArray();
      Chunk c = Chunk.of(Arrays.stream(rows).mapToDouble(i -> d.scores[i]).toArray(),
          Arrays.stream(rows).map(i -> d.labels[i]).toArray(),
          Arrays.stream(rows).mapToLong(i -> d.patients[i]).toArray(),
          Arrays.stream(rows).mapToObj(i -> d.cells[i]).toArray(int[][]::new), plan, cal);
      chunks.add(c);
      totals.add(ReplicateSweep.totals(p, c, plan));
    }
    List<ChunkTotals.Offsets> offsets = ChunkTotals.offsets(totals, plan);
    double[] merged = new double[whole.length];
    for (int p = 0; p < chunks.size(); p++) {
      SweepSums.addInto(merged, ReplicateSweep.sweep(chunks.get(p), plan, offsets.get(p)));
    }
    // the sums that do not depend on the ranking come per patient, whatever the chunking
    SweepSums.addInto(merged, PatientSums.of(d.scores, d.labels, d.patients, d.cells, plan, cal)
        .sweep(plan));
    for (int i = 0; i < whole.length; i++) {
      assertThat(merged[i]).as("slot %d", i).isCloseTo(whole[i], within(1e-9 * (1 + Math.abs(whole[i]))));
    }
    assertThat(ChunkTotals.groupRows(totals, plan)).containsExactly(
        ReplicateSweep.totals(0, Chunk.of(d.scores, d.labels, d.patients, d.cells, plan, cal),
            plan).groupRows());
  }

  /**
   * More rows than one block of the sweep ({@code BLOCK_ROWS}), with long runs of tied scores
   * (scores on a grid of 0.01) that a block boundary must not split: the point estimate, resamples
   * and a jackknife replicate still equal the plain functions.
   */
  @Test
  void severalBlocksGiveTheSameStatisticsAsThePlainFunctions() {
    Data base = data(1400, 6);
    assertThat(base.scores.length).isGreaterThan(2 * ReplicateSweep.BLOCK_ROWS);
    double[] coarse = Arrays.stream(base.scores).map(s -> Math.round(s * 100) / 100.0).toArray();
    Data d = new Data(coarse, base.labels, base.patients, base.cells);
    SweepPlan plan = plan(d, 3, 4);
    ReplicateSet set = run(d, plan);
    for (int r : new int[] {0, 1, 3, plan.firstJackknife() + 2}) {
      assertReplicateMatchesWeightedFunctions(d, plan, set, r);
    }
  }

  /** Every row is in exactly one jackknife group: the one its patient's hash gives. */
  @Test
  void jackknifeGroupSizesCountEveryRowOnce() {
    Data d = data(80, 13);
    SweepPlan plan = plan(d, 2, 5);
    long[] expected = new long[5];
    for (long patient : d.patients) {
      expected[PoissonWeights.jackknifeGroup(plan.seed(), patient, 5)]++;
    }
    Chunk chunk = Chunk.of(d.scores, d.labels, d.patients, d.cells, plan, calibrators(d));
    long[] groups = ReplicateSweep.totals(0, chunk, plan).groupRows();
    assertThat(groups).containsExactly(expected);
    assertThat(Arrays.stream(groups).sum()).isEqualTo(d.scores.length);
  }

  @Test
  void aCellOutsideThePlanIsRefused() {
    Data d = data(30, 8);
    ReplicateSet set = run(d, plan(d, 2, 0));
    assertThatThrownBy(() -> set.point().cellWeight(2))
        .hasMessage("no cell 2 in a plan of 2");
    assertThatThrownBy(() -> set.point().cellAuroc(-1))
        .hasMessage("no cell -1 in a plan of 2");
  }

  /**
   * The resample's calibration-in-the-large is the root of its expanded score equation
   * U − I·δ − ½·T·δ² = 0 nearest the one-step δ = U / I; here U, I and T are summed from their
   * definitions at the full-data fit and the root taken with the quadratic formula, and the
   * slope's two equations are solved by Newton's method: a different route to the same roots.
   */
  @Test
  void resampleCalibrationIsTheRootOfTheExpandedScoreEquation() {
    Data d = data(250, 12);
    SweepPlan plan = plan(d, 6, 0);
    ReplicateSet set = run(d, plan);
    LogisticCalibration.Fit intercept = LogisticCalibration.intercept(d.labels, d.scores);
    LogisticCalibration.Fit slope = LogisticCalibration.slope(d.labels, d.scores);
    for (int r = 1; r <= plan.resamples(); r++) {
      double[] w = weights(d, plan, r);
      double u = 0;
      double info = 0;
      double t = 0;
      for (int i = 0; i < w.length; i++) {
        double x = LogisticCalibration.logit(d.scores[i]);
        double p = 1 / (1 + Math.exp(-(intercept.intercept() + x)));
        u += w[i] * (d.labels[i] - p);
        info += w[i] * p * (1 - p);
        t += w[i] * p * (1 - p) * (1 - 2 * p);
      }
      // ½T·δ² + I·δ − U = 0, the root near U / I, in the form without cancellation
      double delta = 2 * u / (info + Math.sqrt(info * info + 2 * t * u));
      assertThat(replicate(set, r).calibrationIntercept()).as("intercept r=%d", r)
          .isCloseTo(intercept.intercept() + delta, within(1e-12));
      assertThat(replicate(set, r).calibrationSlope()).as("slope r=%d", r)
          .isCloseTo(slope.slope() + newtonSlopeStep(d, w, slope), within(1e-10));
    }
  }

  /** δb of the root of U − I·δ − ½·Q(δ) = 0 for logit P = a + b·x, by Newton's method. */
  static double newtonSlopeStep(Data d, double[] w, LogisticCalibration.Fit fit) {
    double da = 0;
    double db = 0;
    for (int it = 0; it < 30; it++) {
      double[] f = new double[2];
      double[][] jac = new double[2][2];
      for (int i = 0; i < w.length; i++) {
        double x = LogisticCalibration.logit(d.scores[i]);
        double p = 1 / (1 + Math.exp(-(fit.intercept() + fit.slope() * x)));
        double v = p * (1 - p);
        double k = v * (1 - 2 * p);
        double lin = da + db * x;
        double[] xj = {1, x};
        for (int j = 0; j < 2; j++) {
          f[j] += w[i] * ((d.labels[i] - p) * xj[j] - v * xj[j] * lin
              - 0.5 * k * xj[j] * lin * lin);
          jac[j][0] += w[i] * (-v * xj[j] - k * xj[j] * lin);
          jac[j][1] += w[i] * (-v * xj[j] * x - k * xj[j] * lin * x);
        }
      }
      double det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
      da -= (jac[1][1] * f[0] - jac[0][1] * f[1]) / det;
      db -= (jac[0][0] * f[1] - jac[1][0] * f[0]) / det;
    }
    return db;
  }

  @Test
  void resampleCalibrationFitsAreCloseToTheRefits() {
    Data d = data(400, 4);
    SweepPlan plan = plan(d, 40, 0);
    ReplicateSet set = run(d, plan);
    double seSlope = LogisticCalibration.slope(d.labels, d.scores).seSlope();
    double seIntercept = LogisticCalibration.intercept(d.labels, d.scores).seIntercept();
    double worstSlope = 0;
    double worstIntercept = 0;
    for (int r = 1; r <= plan.resamples(); r++) {
      LabelledScores resample = LabelledScores.weighted(d.labels, d.scores, weights(d, plan, r));
      worstSlope = Math.max(worstSlope, Math.abs(replicate(set, r).calibrationSlope()
          - LogisticCalibration.slope(resample).slope()));
      worstIntercept = Math.max(worstIntercept, Math.abs(replicate(set, r).calibrationIntercept()
          - LogisticCalibration.intercept(resample).intercept()));
    }
    // a resample moves each estimate by about one standard error; the expansion lands within a
    // few hundredths of a standard error of the refit (one Newton step alone: about 0.3)
    assertThat(worstSlope).isLessThan(0.05 * seSlope);
    assertThat(worstIntercept).isLessThan(0.01 * seIntercept);
  }

  @Test
  void smoothedCalibrationIsTheLowessOfTheQuantileBins() {
    Data d = data(300, 5);
    SweepPlan plan = plan(d, 5, 0);
    ReplicateSet set = run(d, plan);
    double[] edges = plan.quantileEdges();
    int bins = edges.length + 1;
    double[] x = new double[bins];
    double[] y = new double[bins];
    double[] w = new double[bins];
    for (int i = 0; i < d.scores.length; i++) {
      int b = SweepPlan.binOf(d.scores[i], edges);
      w[b] += 1;
      x[b] += d.scores[i];
      y[b] += d.labels[i];
    }
    for (int b = 0; b < bins; b++) {
      x[b] /= w[b];
      y[b] /= w[b];
    }
    CalibrationIndex.Result expected = CalibrationIndex.of(x, y, w, 0.75);
    CalibrationIndex.Result actual = set.point().smoothedCalibration(0.75);
    assertThat(actual.ici()).isCloseTo(expected.ici(), within(EPS));
    assertThat(actual.e90()).isCloseTo(expected.e90(), within(EPS));
    assertThat(actual.smoothed()).hasSize(bins);
  }

  /** An empty equal-count bin (no score between two edges) weighs nothing in the smoothing. */
  @Test
  void anEmptyQuantileBinLeavesTheSmoothedCalibrationAlone() {
    Data d = data(300, 5);
    // scores have three decimals: nothing lies in (0.3001, 0.3002]
    double[] edges = {0.1, 0.2, 0.3001, 0.3002, 0.4, 0.6};
    SweepPlan plan = new SweepPlan(20251206L, 2, 0, THRESHOLDS, 10, edges, TARGETS, 2);
    ReplicateSet set = run(d, plan);
    List<double[]> bins = new ArrayList<>();
    for (int b = 0; b <= edges.length; b++) {
      double lo = b == 0 ? Double.NEGATIVE_INFINITY : edges[b - 1];
      double hi = b == edges.length ? Double.POSITIVE_INFINITY : edges[b];
      double w = 0;
      double x = 0;
      double y = 0;
      for (int i = 0; i < d.scores.length; i++) {
        if (d.scores[i] > lo && d.scores[i] <= hi) {
          w++;
          x += d.scores[i];
          y += d.labels[i];
        }
      }
      if (w > 0) {
        bins.add(new double[] {x / w, y / w, w});
      }
    }
    assertThat(bins).hasSize(edges.length);
    CalibrationIndex.Result expected = CalibrationIndex.of(
        bins.stream().mapToDouble(b -> b[0]).toArray(), bins.stream().mapToDouble(b -> b[1]).toArray(),
        bins.stream().mapToDouble(b -> b[2]).toArray(), 0.75);
    CalibrationIndex.Result actual = set.point().smoothedCalibration(0.75);
    assertThat(actual.ici()).isCloseTo(expected.ici(), within(EPS));
    assertThat(actual.e50()).isCloseTo(expected.e50(), within(EPS));
  }

  /** Without a full-data calibration fit (one outcome only) no resample has one either. */
  @Test
  void noCalibrationFitNoReplicateCalibration() {
    Data d = data(40, 14);
    int[] none = new int[d.labels.length];
    Data oneClass = new Data(d.scores, none, d.patients, d.cells);
    SweepPlan plan = plan(oneClass, 2, 0);
    ReplicateSet set = run(oneClass, plan);
    assertThat(set.point().calibrationIntercept()).isNaN();
    assertThat(set.point().calibrationSlope()).isNaN();
    assertThat(replicate(set, 1).calibrationSlope()).isNaN();
    assertThat(set.point().auroc()).isNaN();
  }

  @Test
  void poissonWeightsHaveMeanAndVarianceOneAndAreReproducible() {
    double sum = 0;
    double sumSq = 0;
    double cross = 0;
    int n = 0;
    for (long patient = 0; patient < 2000; patient++) {
      long base = PoissonWeights.patientBase(7, patient * 31 + 5);
      for (int r = 1; r <= 100; r++) {
        int w = PoissonWeights.weight(base, r);
        int next = PoissonWeights.weight(base, r + 1);
        sum += w;
        sumSq += w * w;
        cross += (w - 1.0) * (next - 1.0);
        n++;
      }
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(1.0, within(0.02));
    assertThat(sumSq / n - mean * mean).isCloseTo(1.0, within(0.03));
    assertThat(cross / n).as("successive resamples are uncorrelated").isCloseTo(0.0, within(0.02));
    long base = PoissonWeights.patientBase(7, 42);
    assertThat(PoissonWeights.weight(base, 3)).isEqualTo(PoissonWeights.weight(
        PoissonWeights.patientBase(7, 42), 3));
    assertThat(IntStream.range(0, 1000).map(p -> PoissonWeights.jackknifeGroup(7, p, 10))
        .distinct().count()).isEqualTo(10);
  }
}
