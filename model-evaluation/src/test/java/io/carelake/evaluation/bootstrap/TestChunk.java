package io.carelake.evaluation.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chunk's row order, its cells when rows belong to different numbers of cells, and DeLong's
 * placements from the descending walk, on five rows worked by hand: positives scoring 0.8 and
 * 0.4, negatives 0.6, 0.4 and 0.2. A positive's placement is the share of negatives below it
 * (ties ½): 0.8 → 3/3, 0.4 → (1 + ½)/3; a negative's, the share of positives above it: 0.6 → 1/2,
 * 0.4 → (1 + ½)/2, 0.2 → 2/2 (DeLong, DeLong &amp; Clarke-Pearson 1988; V10 and V01).
 */
class TestChunk {

  static final double[] SCORES = {0.8, 0.4, 0.6, 0.4, 0.2};
  static final int[] LABELS = {1, 1, 0, 0, 0};
  static final double[] PLACEMENT = {1.0, 0.5, 0.5, 0.75, 1.0};

  static SweepPlan plan(int cells) {
    return new SweepPlan(5L, 2, 0, new double[] {0.5}, 4, new double[] {0.3, 0.7},
        new double[] {0.5}, cells);
  }

  static Calibrators calibrators() {
    return Calibrators.of(LogisticCalibration.intercept(LABELS, SCORES),
        LogisticCalibration.slope(LABELS, SCORES));
  }

  static Chunk chunk(int[] rows, int[][] cells, SweepPlan plan) {
    double[] s = new double[rows.length];
    int[] y = new int[rows.length];
    long[] patients = new long[rows.length];
    int[][] c = new int[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      s[k] = SCORES[rows[k]];
      y[k] = LABELS[rows[k]];
      patients[k] = 100 + rows[k];
      c[k] = cells[rows[k]];
    }
    return Chunk.of(s, y, patients, c, plan, calibrators());
  }

  static int[][] noCells() {
    return new int[][] {{}, {}, {}, {}, {}};
  }

  @Test
  void rowsAreWalkedHighestScoreFirstWhateverTheirOrder() {
    SweepPlan plan = plan(0);
    Chunk given = chunk(new int[] {0, 1, 2, 3, 4}, noCells(), plan);
    Chunk ascending = chunk(new int[] {4, 3, 1, 2, 0}, noCells(), plan);
    Chunk descending = chunk(new int[] {0, 2, 1, 3, 4}, noCells(), plan);
    for (Chunk c : List.of(given, ascending, descending)) {
      assertThat(c.size()).isEqualTo(5);
      assertThat(c.maxScore()).isEqualTo(0.8);
      assertThat(c.patient(0)).isEqualTo(100);
      assertThat(c.patient(1)).isEqualTo(102);
      assertThat(c.patient(4)).isEqualTo(104);
      assertThat(c.label(0)).isEqualTo(1);
      assertThat(c.label(1)).isZero();
    }
    // rows already in descending order keep their order, ties included
    assertThat(descending.patient(2)).isEqualTo(101);
    assertThat(descending.patient(3)).isEqualTo(103);
    assertThat(chunk(new int[0], noCells(), plan).maxScore()).isNaN();
  }

  @Test
  void placementsFromOneChunkAndFromTwo() {
    SweepPlan plan = plan(0);
    Chunk whole = chunk(new int[] {0, 1, 2, 3, 4}, noCells(), plan);
    ChunkTotals.Offsets offsets = ChunkTotals.offsets(
        List.of(ReplicateSweep.totals(0, whole, plan)), plan).get(0);
    double[] p = whole.placements(offsets);
    for (int k = 0; k < 5; k++) {
      assertThat(p[k]).as("row %d", whole.patient(k) - 100)
          .isCloseTo(PLACEMENT[(int) whole.patient(k) - 100], within(1e-15));
    }
    // the lower chunk (0.4, 0.4, 0.2) learns the counts above it from the upper one (0.8, 0.6)
    Chunk upper = chunk(new int[] {0, 2}, noCells(), plan);
    Chunk lower = chunk(new int[] {1, 3, 4}, noCells(), plan);
    List<ChunkTotals> totals = new ArrayList<>();
    totals.add(ReplicateSweep.totals(0, lower, plan));
    totals.add(ReplicateSweep.totals(1, upper, plan));
    List<ChunkTotals.Offsets> split = ChunkTotals.offsets(totals, plan);
    double[] low = lower.placements(split.get(0));
    double[] up = upper.placements(split.get(1));
    for (int k = 0; k < 3; k++) {
      assertThat(low[k]).isCloseTo(PLACEMENT[(int) lower.patient(k) - 100], within(1e-15));
    }
    for (int k = 0; k < 2; k++) {
      assertThat(up[k]).isCloseTo(PLACEMENT[(int) upper.patient(k) - 100], within(1e-15));
    }
  }

  @Test
  void rowsInFewerCellsThanOthersCountOnlyInTheirOwn() {
    // rows 0-2 in cell 0 only, rows 3-4 in cells 0 and 1
    int[][] cells = {{0}, {0}, {0}, {0, 1}, {0, 1}};
    SweepPlan plan = plan(2);
    Chunk c = chunk(new int[] {0, 1, 2, 3, 4}, cells, plan);
    double[] sums = ReplicateSweep.run(c, plan);
    ReplicateSet set = new ReplicateSet(plan, sums, new long[0], calibrators());
    assertThat(set.point().cellWeight(0)).isEqualTo(5);
    assertThat(set.point().cellPositives(0)).isEqualTo(2);
    assertThat(set.point().cellWeight(1)).isEqualTo(2);
    assertThat(set.point().cellPositives(1)).isZero();
    // cell 0 holds every row: its AUROC is the whole AUROC, 4.5 of 6 pairs
    assertThat(set.point().cellAuroc(0)).isCloseTo(0.75, within(1e-15));
    assertThat(set.point().auroc()).isCloseTo(0.75, within(1e-15));
  }
}
