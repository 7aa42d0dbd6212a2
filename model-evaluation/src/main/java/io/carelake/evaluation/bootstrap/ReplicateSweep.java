package io.carelake.evaluation.bootstrap;

import java.util.List;

/**
 * The two passes over a chunk that give every replicate's sums that depend on the order of scores
 * (see {@link SweepPlan} for what they are): the ranking and the histograms. The additive sums and
 * the subgroup cells' weight, events, Brier and score sums come from {@link PatientSums}, per
 * patient instead of per row; the arrays of both are added. Plain Java over arrays: Spark runs it once per score-range partition, the tests and the
 * coverage simulation run it on all rows at once.
 *
 * <p>Replicates are the outer loop and rows the inner one: one replicate's sums (a few KB) stay in
 * the CPU cache while the chunk's rows stream past, and a row whose patient drew weight 0 costs
 * only its hash.
 *
 * <p>Ranks across chunks: the rows are in descending score order within the chunk, and the
 * {@link ChunkTotals.Offsets} say how much positive and negative weight lies in the chunks above.
 * So each run of tied scores knows the global count of negatives below it (AUROC pairs), the global
 * true and false positives at its threshold (average precision, and the operating point at a target
 * sensitivity, which exactly one chunk finds per replicate). Everything a sweep returns is then
 * additive across chunks.
 */
public final class ReplicateSweep {

  private ReplicateSweep() {}

  /** Pass 1: per replicate the chunk's positive and negative weight, overall and per cell. */
  public static ChunkTotals totals(int partition, Chunk chunk, SweepPlan plan) {
    int replicates = plan.replicates();
    int stride = ChunkTotals.stride(plan);
    double[] out = new double[replicates * stride];
    int[] weights = new int[chunk.n];
    int[] weighted = new int[chunk.n];
    boolean anyCells = plan.cells() > 0;
    for (int r = 0; r < replicates; r++) {
      int o = r * stride;
      chunk.weights(r, plan, 0, chunk.n, weights);
      double positive = 0;
      double all = 0;
      for (int k = 0; k < chunk.n; k++) {
        double w = weights[k];
        all += w;
        positive += w * chunk.label[k];
      }
      out[o] = positive;
      out[o + 1] = all - positive;
      if (anyCells) {
        int per = chunk.perRow;
        int m = nonZero(weights, chunk.n, weighted);
        for (int i = 0; i < m; i++) {
          int k = weighted[i];
          int w = weights[k];
          int slot = o + 3 - (int) chunk.label[k];
          for (int j = k * per, end = j + per; j < end; j++) {
            int c = chunk.cell[j];
            if (c >= 0) {
              out[slot + 2 * c] += w;
            }
          }
        }
      }
    }
    long[] groupRows = new long[plan.jackknifeGroups()];
    for (int k = 0; k < chunk.n; k++) {
      if (chunk.group[k] >= 0) {
        groupRows[chunk.group[k]]++;
      }
    }
    return new ChunkTotals(partition, chunk.maxScore(), chunk.n, out, groupRows);
  }

  /** Rows per block: a block's per-row arrays (about 70 bytes a row) stay in the L2 cache. */
  static final int BLOCK_ROWS = 2048;

  /**
   * Pass 2: every replicate's ranking and histogram sums, given where the chunk sits among all
   * chunks (the additive and cell sums are 0 here: {@link PatientSums}).
   *
   * <p>Blocked for the memory hierarchy: for each block of rows (ending where a run of tied scores
   * ends), every replicate is swept over the block before the next block is read, so the block's
   * per-row arrays are read from the cache for all replicates instead of from memory once per
   * replicate. Per replicate and block there are two tight loops: the histograms, and the ranking
   * (runs of tied scores; a lone score, the usual case, is a run of one), whose running counts
   * carry over from block to block in {@link Ranking}.
   */
  public static double[] sweep(Chunk chunk, SweepPlan plan, ChunkTotals.Offsets offsets) {
    int replicates = plan.replicates();
    int slots = plan.slots();
    double[] out = new double[replicates * slots];
    int[] weights = new int[Math.min(chunk.n, BLOCK_ROWS) + 1];
    int[] weighted = new int[weights.length];
    Ranking ranking = new Ranking(plan, offsets);
    int from = 0;
    while (from < chunk.n) {
      int to = blockEnd(chunk, from);
      if (to - from > weights.length) {
        weights = new int[to - from];
        weighted = new int[to - from];
      }
      for (int r = 0; r < replicates; r++) {
        int o = r * slots;
        chunk.weights(r, plan, from, to, weights);
        int m = nonZero(weights, to - from, weighted);
        histograms(chunk, from, weighted, m, weights, plan, out, o);
        ranking.run(chunk, from, weighted, m, weights, r, out, o);
      }
      from = to;
    }
    ranking.finish(out);
    return out;
  }

  /** The end of the block that starts at {@code from}: a tie-run boundary at or after BLOCK_ROWS. */
  static int blockEnd(Chunk chunk, int from) {
    int end = from;
    while (end < chunk.n && end - from < BLOCK_ROWS) {
      end = chunk.tieEnd[end];
    }
    return end;
  }

  /**
   * The positions in {@code w[0 .. n)} whose weight is not 0, in order, into {@code into}; returns
   * how many. Branch-free: about 37 % of Poisson(1) weights are 0, at random, so a branch on each
   * would be mispredicted often in every loop that skips them; the loops after this one walk the
   * list instead.
   */
  static int nonZero(int[] w, int n, int[] into) {
    int m = 0;
    for (int k = 0; k < n; k++) {
      into[m] = k;
      m += w[k] != 0 ? 1 : 0;
    }
    return m;
  }

  /**
   * The histograms (thresholds, calibration bins, equal-count bins), over the rows of non-zero
   * weight only. Every slot still receives its rows in order, so the sums are the same, bit for
   * bit, as a walk over all rows.
   */
  private static void histograms(Chunk c, int from, int[] weighted, int m, int[] weights,
      SweepPlan plan, double[] out, int o) {
    int bins = o + plan.binsOffset();
    int atoms = o + plan.atomsOffset();
    int quantiles = o + plan.quantilesOffset();
    for (int i = 0; i < m; i++) {
      int k = from + weighted[i];
      int w = weights[weighted[i]];
      double wy = w * c.label[k];
      double ws = w * c.score[k];
      int b = bins + SweepPlan.BIN_SLOTS * c.bin[k];
      out[b] += w;
      out[b + 1] += wy;
      out[b + 2] += ws;
      int q = quantiles + SweepPlan.BIN_SLOTS * c.quantileBin[k];
      out[q] += w;
      out[q + 1] += wy;
      out[q + 2] += ws;
      if (c.atom[k] >= 0) {
        int a = atoms + SweepPlan.ATOM_SLOTS * c.atom[k];
        out[a] += w;
        out[a + 1] += wy;
      }
    }
  }

  /**
   * The descending walk over the chunk's scores with the global counts above it: AUROC pairs,
   * average precision, the operating points at target sensitivities, and the same per subgroup
   * cell. The running counts of every replicate carry over from one block to the next.
   */
  private static final class Ranking {
    private final SweepPlan plan;
    private final int cells;
    private final double[] targets;
    private final int[] targetOrder;
    private final ChunkTotals.Offsets offsets;
    // per replicate: running true and false positives, AUROC pairs, AP sum, next target
    private final double[] tp;
    private final double[] fp;
    private final double[] pairs;
    private final double[] ap;
    private final int[] next;
    // per replicate and cell: running false positives (negatives above)
    private final double[] cellFp;
    // per run of tied scores
    // per run of tied scores: each cell's negative and positive weight (slots 2c and 2c + 1), and
    // the cells the run touched as a bit set (a bit per cell: marking is branch-free)
    private final double[] cellNegPos;
    private final long[] touched;
    // per replicate, copied once: the cells' negative weight in all chunks; the block's AUROC pairs
    private final double[] cellTotalNeg;
    private final double[] cellPairs;

    Ranking(SweepPlan plan, ChunkTotals.Offsets offsets) {
      this.plan = plan;
      this.offsets = offsets;
      this.cells = plan.cells();
      this.targets = plan.sensitivityTargets();
      // targets are reached in ascending order as the walk adds true positives
      this.targetOrder = java.util.stream.IntStream.range(0, targets.length).boxed()
          .sorted(java.util.Comparator.comparingDouble(t -> targets[t]))
          .mapToInt(Integer::intValue).toArray();
      int replicates = plan.replicates();
      tp = new double[replicates];
      fp = new double[replicates];
      pairs = new double[replicates];
      ap = new double[replicates];
      next = new int[replicates];
      cellFp = new double[replicates * cells];
      for (int r = 0; r < replicates; r++) {
        double positives = offsets.totalPositive(r);
        tp[r] = offsets.abovePositive(r);
        fp[r] = offsets.aboveNegative(r);
        // targets already reached in a chunk above (or never: no positives) are not this chunk's
        int t = 0;
        while (t < targetOrder.length
            && (!(positives > 0) || tp[r] / positives >= targets[targetOrder[t]])) {
          t++;
        }
        next[r] = t;
        for (int c = 0; c < cells; c++) {
          cellFp[r * cells + c] = offsets.cellAboveNegative(r, c);
        }
      }
      this.cellNegPos = new double[2 * cells];
      this.touched = new long[(cells + 63) >>> 6];
      this.cellTotalNeg = new double[cells];
      this.cellPairs = new double[cells];
    }

    /**
     * One replicate over one block: {@code weighted[0 .. m)} are the block's rows (relative to
     * {@code from}) whose weight is not 0, in descending score order.
     */
    void run(Chunk c, int from, int[] weighted, int m, int[] weights, int r, double[] out,
        int o) {
      double positives = offsets.totalPositive(r);
      double negatives = offsets.totalNegative(r);
      double truePos = tp[r];
      double falsePos = fp[r];
      double pairSum = 0;
      double apSum = 0;
      int nextTarget = next[r];
      int per = c.perRow;
      int cellBase = r * cells;
      for (int cell = 0; cell < cells; cell++) {
        cellTotalNeg[cell] = offsets.cellTotalNegative(r, cell);
        cellPairs[cell] = 0;
      }
      int i = 0;
      while (i < m) {
        int row = from + weighted[i];
        int end = c.runEnd[row];
        if (end == row + 1 && c.tieEnd[row] == end) {
          // a lone score, the usual case: no run to gather first
          int w = weights[weighted[i++]];
          if (c.label[row] == 1) {
            pairSum += w * (negatives - falsePos);
            truePos += w;
            apSum += w * truePos / (truePos + falsePos);
            while (nextTarget < targetOrder.length
                && truePos / positives >= targets[targetOrder[nextTarget]]) {
              reached(out, o, nextTarget++, c.score[row], truePos, falsePos);
            }
            for (int j = row * per, stop = j + per; j < stop; j++) {
              int cell = c.cell[j];
              if (cell >= 0) {
                cellPairs[cell] += w * (cellTotalNeg[cell] - cellFp[cellBase + cell]);
              }
            }
          } else {
            falsePos += w;
            for (int j = row * per, stop = j + per; j < stop; j++) {
              int cell = c.cell[j];
              if (cell >= 0) {
                cellFp[cellBase + cell] += w;
              }
            }
          }
          continue;
        }
        // a run of tied scores: its rows of non-zero weight, gathered first
        double groupPos = 0;
        double groupNeg = 0;
        int first = row;
        while (i < m && (row = from + weighted[i]) < end) {
          int w = weights[weighted[i++]];
          int positive = (int) c.label[row];
          groupPos += w * positive;
          groupNeg += w * (1 - positive);
          for (int j = row * per, stop = j + per; j < stop; j++) {
            int cell = c.cell[j];
            if (cell >= 0) {
              cellNegPos[2 * cell + positive] += w;
              touched[cell >>> 6] |= 1L << cell;
            }
          }
        }
        // negatives scoring strictly lower than this run, in all chunks; ties count one half
        pairSum += groupPos * (negatives - falsePos - 0.5 * groupNeg);
        truePos += groupPos;
        falsePos += groupNeg;
        if (groupPos > 0) {
          apSum += groupPos * truePos / (truePos + falsePos);
          while (nextTarget < targetOrder.length
              && truePos / positives >= targets[targetOrder[nextTarget]]) {
            reached(out, o, nextTarget++, c.score[first], truePos, falsePos);
          }
        }
        for (int word = 0; word < touched.length; word++) {
          long bits = touched[word];
          touched[word] = 0;
          while (bits != 0) {
            int cell = (word << 6) + Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            double neg = cellNegPos[2 * cell];
            double below = cellTotalNeg[cell] - cellFp[cellBase + cell] - neg;
            cellPairs[cell] += cellNegPos[2 * cell + 1] * (below + 0.5 * neg);
            cellFp[cellBase + cell] += neg;
            cellNegPos[2 * cell] = 0;
            cellNegPos[2 * cell + 1] = 0;
          }
        }
      }
      int cellsOffset = o + plan.cellsOffset();
      for (int cell = 0; cell < cells; cell++) {
        out[cellsOffset + SweepPlan.CELL_SLOTS * cell + SweepPlan.CELL_AUC_PAIRS] +=
            cellPairs[cell];
      }
      tp[r] = truePos;
      fp[r] = falsePos;
      pairs[r] += pairSum;
      ap[r] += apSum;
      next[r] = nextTarget;
    }

    /** The operating point of target {@code t} (in ascending order) is at this run. */
    private void reached(double[] out, int o, int t, double score, double truePos,
        double falsePos) {
      int at = o + plan.targetsOffset() + SweepPlan.TARGET_SLOTS * targetOrder[t];
      out[at] = 1;
      out[at + 1] = score;
      out[at + 2] = truePos;
      out[at + 3] = falsePos;
    }

    void finish(double[] out) {
      int slots = plan.slots();
      for (int r = 0; r < pairs.length; r++) {
        out[r * slots + SweepPlan.AUC_PAIRS] = pairs[r];
        out[r * slots + SweepPlan.AP_SUM] = ap[r];
      }
    }
  }

  /**
   * Every replicate's sums of all rows at once (one chunk): both passes plus {@link PatientSums}'
   * sweep over the same rows' patients. The plain-Java path.
   */
  public static double[] run(Chunk all, SweepPlan plan) {
    ChunkTotals totals = totals(0, all, plan);
    List<ChunkTotals.Offsets> offsets = ChunkTotals.offsets(List.of(totals), plan);
    return SweepSums.addInto(sweep(all, plan, offsets.get(0)),
        PatientSums.of(all, plan).sweep(plan));
  }
}
