package io.carelake.evaluation.bootstrap;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the first pass over a chunk returns: for every replicate the positive and negative weight of
 * the chunk, overall and per subgroup cell, and how many rows each jackknife group has. The second
 * pass needs, for each chunk, the weight of the chunks with higher scores (to rank across chunks:
 * {@link Offsets}) and the totals of all chunks (to turn counts into rates).
 *
 * @param classWeights replicate-major: [r][0] positive, [r][1] negative, then per cell c
 *                     [r][2 + 2c] positive, [r][3 + 2c] negative
 */
public record ChunkTotals(int partition, double maxScore, long rows, double[] classWeights,
    long[] groupRows) implements Serializable {

  static int stride(SweepPlan plan) {
    return 2 + 2 * plan.cells();
  }

  /** Offsets for each chunk, in the order given, from the totals of all chunks. */
  public static List<Offsets> offsets(List<ChunkTotals> all, SweepPlan plan) {
    int replicates = plan.replicates();
    int stride = stride(plan);
    double[] total = new double[replicates * stride];
    for (ChunkTotals t : all) {
      SweepSums.addInto(total, t.classWeights());
    }
    List<ChunkTotals> byScore = new ArrayList<>(all);
    // highest scores first; empty chunks (NaN) last, where they add nothing to anyone's offsets
    byScore.sort(Comparator.comparingDouble((ChunkTotals t) -> Double.isNaN(t.maxScore())
        ? Double.NEGATIVE_INFINITY : t.maxScore()).reversed()
        .thenComparingInt(ChunkTotals::partition));
    java.util.Map<Integer, double[]> above = new java.util.HashMap<>();
    double[] running = new double[replicates * stride];
    for (ChunkTotals t : byScore) {
      above.put(t.partition(), running.clone());
      SweepSums.addInto(running, t.classWeights());
    }
    List<Offsets> out = new ArrayList<>();
    for (ChunkTotals t : all) {
      out.add(new Offsets(t.partition(), total, above.get(t.partition()), stride));
    }
    return out;
  }

  /** Rows per jackknife group over all chunks; a group with no rows gives no jackknife estimate. */
  public static long[] groupRows(List<ChunkTotals> all, SweepPlan plan) {
    long[] rows = new long[plan.jackknifeGroups()];
    for (ChunkTotals t : all) {
      for (int g = 0; g < rows.length; g++) {
        rows[g] += t.groupRows()[g];
      }
    }
    return rows;
  }

  /**
   * Weights of all chunks together ({@code total}) and of the chunks scoring above one chunk
   * ({@code above}), both in {@link ChunkTotals#classWeights()} layout.
   */
  public record Offsets(int partition, double[] total, double[] above, int stride)
      implements Serializable {

    /** The same offsets for replicate 0 alone (the data as they are). */
    public Offsets firstReplicate() {
      return new Offsets(partition, java.util.Arrays.copyOf(total, stride),
          java.util.Arrays.copyOf(above, stride), stride);
    }

    double totalPositive(int r) {
      return total[r * stride];
    }

    double totalNegative(int r) {
      return total[r * stride + 1];
    }

    double abovePositive(int r) {
      return above[r * stride];
    }

    double aboveNegative(int r) {
      return above[r * stride + 1];
    }

    double cellTotalNegative(int r, int c) {
      return total[r * stride + 3 + 2 * c];
    }

    double cellAboveNegative(int r, int c) {
      return above[r * stride + 3 + 2 * c];
    }
  }
}
