package io.carelake.evaluation.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * AUROCs of k models on the same rows and DeLong's covariance matrix of them (DeLong, DeLong &amp;
 * Clarke-Pearson, Biometrics 1988;44:837-845), computed with the mid-rank algorithm of Sun &amp; Xu
 * ("Fast implementation of DeLong's algorithm for comparing the areas under correlated receiver
 * operating characteristic curves", IEEE Signal Processing Letters 2014;21(11):1389-1393), in
 * O(k·n log n) instead of O(k·m·n):
 * <ul>
 *   <li>with m positives X and n negatives Y, T_Z the mid-ranks of all scores, T_X those of the
 *       positives among themselves and T_Y of the negatives among themselves;</li>
 *   <li>placements V10(X_i) = (T_Z(X_i) − T_X(X_i)) / n (negatives below X_i, ties ½) and
 *       V01(Y_j) = 1 − (T_Z(Y_j) − T_Y(Y_j)) / m (positives above Y_j, ties ½);</li>
 *   <li>AUROC = mean of V10; S10, S01 the sample covariance matrices (divisor m−1, n−1) of the
 *       placements across models; Cov = S10/m + S01/n.</li>
 * </ul>
 * Rows are independent here: when a patient contributes several rows use {@link ObuchowskiAuroc},
 * which takes the same placements and treats patients as the independent units.
 *
 * <p>Edge cases: AUROC undefined (NaN) without a positive or a negative; the covariance needs at
 * least two of each (NaN otherwise).
 */
public final class FastDelong {

  private FastDelong() {}

  /** Per-row placements of each model: V10 on positive rows, V01 on negative rows. */
  public record Placements(int[] labels, double[][] placement, int positives, int negatives) {}

  public static AurocCovariance of(int[] labels, double[]... scores) {
    Placements p = placements(labels, scores);
    int k = scores.length;
    int m = p.positives();
    int n = p.negatives();
    if (m == 0 || n == 0) {
      return AurocCovariance.undefined(k, m, n, labels.length);
    }
    double[] auc = aurocs(p);
    double[][] cov = new double[k][k];
    for (int r = 0; r < k; r++) {
      for (int s = 0; s < k; s++) {
        double s10 = 0;
        double s01 = 0;
        for (int i = 0; i < labels.length; i++) {
          double d = (p.placement()[r][i] - auc[r]) * (p.placement()[s][i] - auc[s]);
          if (labels[i] == 1) {
            s10 += d;
          } else {
            s01 += d;
          }
        }
        cov[r][s] = m < 2 || n < 2 ? Double.NaN : s10 / (m - 1) / m + s01 / (n - 1) / n;
      }
    }
    return new AurocCovariance(auc, cov, m, n, labels.length);
  }

  /** Placements by Sun &amp; Xu's mid-ranks; labels and every score array are validated. */
  public static Placements placements(int[] labels, double[]... scores) {
    if (scores.length == 0) {
      throw new IllegalArgumentException("at least one model's scores are needed");
    }
    for (double[] s : scores) {
      LabelledScores.requireLength("a model's scores", s.length, labels.length);
      LabelledScores.of(labels, s);
    }
    int[] pos = IntStream.range(0, labels.length).filter(i -> labels[i] == 1).toArray();
    int[] neg = IntStream.range(0, labels.length).filter(i -> labels[i] == 0).toArray();
    int m = pos.length;
    int n = neg.length;
    double[][] placement = new double[scores.length][labels.length];
    for (int r = 0; r < scores.length; r++) {
      double[] s = scores[r];
      double[] all = midRanks(s);
      double[] x = midRanks(select(s, pos));
      double[] y = midRanks(select(s, neg));
      for (int a = 0; a < m; a++) {
        placement[r][pos[a]] = n == 0 ? Double.NaN : (all[pos[a]] - x[a]) / n;
      }
      for (int b = 0; b < n; b++) {
        placement[r][neg[b]] = m == 0 ? Double.NaN : 1 - (all[neg[b]] - y[b]) / m;
      }
    }
    return new Placements(labels, placement, m, n);
  }

  /** AUROC of each model: the mean placement of the positives. */
  static double[] aurocs(Placements p) {
    double[] auc = new double[p.placement().length];
    for (int r = 0; r < auc.length; r++) {
      double sum = 0;
      for (int i = 0; i < p.labels().length; i++) {
        if (p.labels()[i] == 1) {
          sum += p.placement()[r][i];
        }
      }
      auc[r] = p.positives() == 0 || p.negatives() == 0 ? Double.NaN : sum / p.positives();
    }
    return auc;
  }

  /** Mid-ranks (1-based; tied values share the mean of their ranks): Sun &amp; Xu's Algorithm 1. */
  static double[] midRanks(double[] values) {
    int n = values.length;
    int[] order = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingDouble(i -> values[i])).mapToInt(Integer::intValue).toArray();
    double[] ranks = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j < n && values[order[j]] == values[order[i]]) {
        j++;
      }
      double mid = 0.5 * (i + j - 1) + 1;
      for (int k = i; k < j; k++) {
        ranks[order[k]] = mid;
      }
      i = j;
    }
    return ranks;
  }

  private static double[] select(double[] values, int[] idx) {
    return Arrays.stream(idx).mapToDouble(i -> values[i]).toArray();
  }
}
