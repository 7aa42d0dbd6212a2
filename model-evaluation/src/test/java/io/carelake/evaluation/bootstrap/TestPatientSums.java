package io.carelake.evaluation.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The per-patient sums against the row-level sums they replaced: the same slots, in every
 * replicate, whatever the order of the rows or their split into partitions by patient. The
 * reference below is the row-level walk the sweep used before (per-row terms written out as it
 * computed them, weighted by the row's patient's weight, added row by row in descending score
 * order); summing per patient first changes the order of the additions only, so non-integer slots
 * agree to rounding (1e-12 of the sum of the terms' magnitudes) and integer slots exactly.
 */
class TestPatientSums {

  static final double RELATIVE = 1e-12;
  static final TestReplicateSweep.Data D = data();
  static final SweepPlan PLAN = plan(D);
  static final Calibrators CAL = TestReplicateSweep.calibrators(D);

  /** All rows as one chunk, in descending score order. */
  static Chunk whole() {
    return Chunk.of(D.scores(), D.labels(), D.patients(), D.cells(), PLAN, CAL);
  }

  /** More patients than one block; a second cell per row that changes within a patient. */
  static TestReplicateSweep.Data data() {
    TestReplicateSweep.Data d = TestReplicateSweep.data(1500, 29);
    SplittableRandom r = new SplittableRandom(7);
    int[][] cells = new int[d.scores().length][];
    for (int i = 0; i < cells.length; i++) {
      // sex (cells 0, 1) and an "age band" (2, 3, 4) that some rows lack (a null dimension)
      int band = r.nextInt(4);
      cells[i] = band == 3 ? d.cells()[i] : new int[] {d.cells()[i][0], 2 + band};
    }
    return new TestReplicateSweep.Data(d.scores(), d.labels(), d.patients(), cells);
  }

  static SweepPlan plan(TestReplicateSweep.Data d) {
    SweepPlan two = TestReplicateSweep.plan(d, 40, 9);
    return new SweepPlan(two.seed(), two.resamples(), two.jackknifeGroups(), two.thresholds(),
        two.calibrationBins(), two.quantileEdges(), two.sensitivityTargets(), 5);
  }

  /** The additive and cell slots by the row-level walk, and the sum of their terms' magnitudes. */
  static double[][] rowLevel(Chunk c, SweepPlan plan, Calibrators cal) {
    int slots = plan.slots();
    double[] sums = new double[plan.replicates() * slots];
    double[] scale = new double[sums.length];
    int[] w = new int[c.n];
    int[] additive = {SweepPlan.W, SweepPlan.P, SweepPlan.BRIER, SweepPlan.SUM_SCORE,
        SweepPlan.U_INTERCEPT, SweepPlan.I_INTERCEPT, SweepPlan.T_INTERCEPT, SweepPlan.U0,
        SweepPlan.U1, SweepPlan.I00, SweepPlan.I01, SweepPlan.I11, SweepPlan.T0, SweepPlan.T1,
        SweepPlan.T2, SweepPlan.T3};
    for (int r = 0; r < plan.replicates(); r++) {
      c.weights(r, plan, 0, c.n, w);
      int o = r * slots;
      for (int k = 0; k < c.n; k++) {
        double s = c.score[k];
        double y = c.label[k];
        double x = LogisticCalibration.logit(s);
        double pi = LogisticCalibration.expit(cal.interceptOffset() + x);
        double vi = pi * (1 - pi);
        double ps = LogisticCalibration.expit(cal.slopeIntercept() + cal.slope() * x);
        double res = y - ps;
        double v = ps * (1 - ps);
        double skew = v * (1 - 2 * ps);
        double[] t = {1, y, (s - y) * (s - y), s, y - pi, vi, vi * (1 - 2 * pi), res, res * x, v,
            v * x, v * x * x, skew, skew * x, skew * x * x, skew * x * x * x};
        for (int i = 0; i < t.length; i++) {
          sums[o + additive[i]] += w[k] * t[i];
          scale[o + additive[i]] += w[k] * Math.abs(t[i]);
        }
        for (int j = k * c.perRow; j < (k + 1) * c.perRow && c.cell[j] >= 0; j++) {
          int co = o + plan.cellsOffset() + SweepPlan.CELL_SLOTS * c.cell[j];
          double[] ct = {1, y, (s - y) * (s - y), s};
          for (int i = 0; i < ct.length; i++) {
            sums[co + i] += w[k] * ct[i];
            scale[co + i] += w[k] * Math.abs(ct[i]);
          }
        }
      }
    }
    return new double[][] {sums, scale};
  }

  static PatientSums patientsOf(TestReplicateSweep.Data d, int[] rows, SweepPlan plan,
      Calibrators cal) {
    return PatientSums.of(Arrays.stream(rows).mapToDouble(i -> d.scores()[i]).toArray(),
        Arrays.stream(rows).map(i -> d.labels()[i]).toArray(),
        Arrays.stream(rows).mapToLong(i -> d.patients()[i]).toArray(),
        Arrays.stream(rows).mapToObj(i -> d.cells()[i]).toArray(int[][]::new), plan, cal);
  }

  @Test
  void patientSumsAgreeWithTheRowLevelSumsInEveryReplicate() {
    Chunk chunk = whole();
    PatientSums patients = PatientSums.of(chunk, PLAN);
    assertThat(patients.size()).isEqualTo(1500).isGreaterThan(PatientSums.BLOCK_PATIENTS);
    double[] sums = patients.sweep(PLAN);
    double[][] reference = rowLevel(chunk, PLAN, CAL);
    int integers = 0;
    for (int i = 0; i < sums.length; i++) {
      double expected = reference[0][i];
      assertThat(Math.abs(sums[i] - expected)).as("slot %d of replicate %d", i % PLAN.slots(),
          i / PLAN.slots()).isLessThanOrEqualTo(RELATIVE * reference[1][i]);
      int slot = i % PLAN.slots();
      boolean counts = slot == SweepPlan.W || slot == SweepPlan.P || slot >= PLAN.cellsOffset()
          && (slot - PLAN.cellsOffset()) % SweepPlan.CELL_SLOTS <= SweepPlan.CELL_P;
      if (counts) {
        assertThat(sums[i]).isEqualTo(expected);
        integers += expected > 0 ? 1 : 0;
      }
    }
    assertThat(integers).isGreaterThan(PLAN.replicates() * 10);
  }

  /** The statistics and intervals built on the sums agree with those built on row-level sums. */
  @Test
  void publishedStatisticsAgreeWithTheRowLevelPath() {
    Chunk chunk = whole();
    long[] groups = ReplicateSweep.totals(0, chunk, PLAN).groupRows();
    ReplicateSet now = new ReplicateSet(PLAN, ReplicateSweep.run(chunk, PLAN), groups, CAL);
    double[] ranking = ReplicateSweep.sweep(chunk, PLAN, ChunkTotals.offsets(
        List.of(ReplicateSweep.totals(0, chunk, PLAN)), PLAN).get(0));
    ReplicateSet before = new ReplicateSet(PLAN,
        SweepSums.addInto(ranking, rowLevel(chunk, PLAN, CAL)[0]), groups, CAL);
    List<ToDoubleFunction<Replicate>> statistics = new ArrayList<>(List.of(Replicate::brier,
        Replicate::scaledBrier, Replicate::meanPredicted, Replicate::observedExpected,
        Replicate::calibrationIntercept, Replicate::calibrationSlope, Replicate::auroc));
    for (int c = 0; c < PLAN.cells(); c++) {
      int cell = c;
      statistics.add(x -> x.cellBrier(cell));
      statistics.add(x -> x.cellObservedExpected(cell));
      statistics.add(x -> x.cellAuroc(cell));
    }
    ConfidenceLevel level = new ConfidenceLevel(0.95);
    for (ToDoubleFunction<Replicate> statistic : statistics) {
      double[] a = now.values(statistic);
      double[] b = before.values(statistic);
      for (int r = 0; r < a.length; r++) {
        assertThat(a[r]).isCloseTo(b[r], org.assertj.core.api.Assertions.within(
            RELATIVE * (1 + Math.abs(b[r]))));
      }
      ReplicateSet.Summary x = now.summarize(a, level);
      ReplicateSet.Summary y = before.summarize(b, level);
      double[] both = {x.value(), x.percentile()[0], x.percentile()[1], x.bca()[0], x.bca()[1]};
      double[] old = {y.value(), y.percentile()[0], y.percentile()[1], y.bca()[0], y.bca()[1]};
      for (int i = 0; i < both.length; i++) {
        assertThat(both[i]).isCloseTo(old[i], org.assertj.core.api.Assertions.within(
            1e-11 * (1 + Math.abs(old[i]))));
      }
    }
  }

  /** Rows in any order give the same sums bit for bit; patients split by hash agree to rounding. */
  @Test
  void anyRowOrderAndAnySplitByPatientGiveTheSameSums() {
    Chunk chunk = whole();
    int[] all = IntStream.range(0, D.scores().length).toArray();
    double[] whole = patientsOf(D, all, PLAN, CAL).sweep(PLAN);
    int[] shuffled = all.clone();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    assertThat(patientsOf(D, shuffled, PLAN, CAL).sweep(PLAN)).containsExactly(whole);
    double[] merged = new double[whole.length];
    for (int part = 0; part < 3; part++) {
      int p = part;
      int[] rows = Arrays.stream(shuffled)
          .filter(i -> Math.floorMod(Long.hashCode(D.patients()[i]), 3) == p).toArray();
      SweepSums.addInto(merged, patientsOf(D, rows, PLAN, CAL).sweep(PLAN));
    }
    double[] scale = rowLevel(chunk, PLAN, CAL)[1];
    for (int i = 0; i < whole.length; i++) {
      assertThat(Math.abs(merged[i] - whole[i])).as("slot %d", i)
          .isLessThanOrEqualTo(RELATIVE * scale[i]);
    }
  }

  @Test
  void rowsWithoutOneEntryEachAreRefused() {
    assertThatThrownBy(() -> PatientSums.of(new double[] {0.5}, new int[] {1, 0}, new long[] {1},
        new int[][] {{}}, PLAN, new Calibrators(0, 0, 1)))
        .hasMessageContaining("need one entry per row: 1, 2, 1, 1");
  }
}
