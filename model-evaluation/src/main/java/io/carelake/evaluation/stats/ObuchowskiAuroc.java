package io.carelake.evaluation.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * AUROC with a variance that treats clusters (patients) as the independent units: Obuchowski,
 * "Nonparametric analysis of clustered ROC curve data", Biometrics 1997;53:567-578. When a patient
 * contributes several rows (several index dates), DeLong's variance treats them as independent and
 * is too small; Obuchowski sums each patient's placements first.
 *
 * <p>With I clusters, m_i positive and n_i negative rows in cluster i, M = Σ m_i, N = Σ n_i, and the
 * placements V10, V01 of {@link FastDelong} summed per cluster (V10_i over its positives, V01_i over
 * its negatives), for models r and s:
 * <pre>
 *   S10_rs = I / ((I−1) M) · Σ_i (V10r_i − m_i θr)(V10s_i − m_i θs)
 *   S01_rs = I / ((I−1) N) · Σ_i (V01r_i − n_i θr)(V01s_i − n_i θs)
 *   S11_rs = I / (I−1)     · Σ_i (V10r_i − m_i θr)(V01s_i − n_i θs)
 *   Cov(θr, θs) = S10_rs / M + S01_rs / N + (S11_rs + S11_sr) / (M N)
 * </pre>
 * For one model this is Obuchowski's Var(θ) = S10/M + S01/N + 2·S11/(MN); for two models on the same
 * rows, Var(θr − θs) gives the paired test of a difference. With one row per cluster S11 vanishes and
 * the variance is DeLong's with divisor I/(I−1)·(1/M) instead of 1/(M−1) (and likewise for N).
 *
 * <p>{@link #covariance(Moments)} takes the cluster sums already reduced ({@link Moments}), which is
 * how the Spark job computes it without collecting rows: placements per row, a sum per patient, and
 * the sums of products over patients.
 *
 * <p>Edge cases: AUROC undefined (NaN) without a positive or negative row; the covariance needs at
 * least two clusters (NaN otherwise).
 */
public final class ObuchowskiAuroc {

  private ObuchowskiAuroc() {}

  /**
   * The reduced cluster sums for k models: I, M, N, θ, and the centred sums of products
   * {@code ss10[r][s] = Σ_i (V10r_i − m_i θr)(V10s_i − m_i θs)}, {@code ss01} likewise for the
   * negatives, {@code ss11[r][s] = Σ_i (V10r_i − m_i θr)(V01s_i − n_i θs)}.
   */
  public record Moments(long clusters, long positives, long negatives, double[] auroc,
      double[][] ss10, double[][] ss01, double[][] ss11) {}

  public static AurocCovariance of(int[] labels, long[] clusters, double[]... scores) {
    LabelledScores.requireLength("clusters", clusters.length, labels.length);
    FastDelong.Placements p = FastDelong.placements(labels, scores);
    double[] auc = FastDelong.aurocs(p);
    int k = scores.length;
    // per cluster: [m_i, n_i, V10 sums per model, V01 sums per model]
    Map<Long, double[]> sums = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      double[] c = sums.computeIfAbsent(clusters[i], key -> new double[2 + 2 * k]);
      boolean positive = labels[i] == 1;
      c[positive ? 0 : 1] += 1;
      for (int r = 0; r < k; r++) {
        c[(positive ? 2 : 2 + k) + r] += p.placement()[r][i];
      }
    }
    double[][] ss10 = new double[k][k];
    double[][] ss01 = new double[k][k];
    double[][] ss11 = new double[k][k];
    for (double[] c : sums.values()) {
      for (int r = 0; r < k; r++) {
        double d10r = c[2 + r] - c[0] * auc[r];
        double d01r = c[2 + k + r] - c[1] * auc[r];
        for (int s = 0; s < k; s++) {
          double d10s = c[2 + s] - c[0] * auc[s];
          double d01s = c[2 + k + s] - c[1] * auc[s];
          ss10[r][s] += d10r * d10s;
          ss01[r][s] += d01r * d01s;
          ss11[r][s] += d10r * d01s;
        }
      }
    }
    return covariance(new Moments(sums.size(), p.positives(), p.negatives(), auc, ss10, ss01,
        ss11));
  }

  /** Obuchowski's covariance matrix from the reduced cluster sums. */
  public static AurocCovariance covariance(Moments m) {
    int k = m.auroc().length;
    long clusters = m.clusters();
    double bigM = m.positives();
    double bigN = m.negatives();
    if (m.positives() == 0 || m.negatives() == 0) {
      return AurocCovariance.undefined(k, m.positives(), m.negatives(), clusters);
    }
    double[][] cov = new double[k][k];
    double f = clusters < 2 ? Double.NaN : clusters / (clusters - 1.0);
    for (int r = 0; r < k; r++) {
      for (int s = 0; s < k; s++) {
        double s10 = f / bigM * m.ss10()[r][s];
        double s01 = f / bigN * m.ss01()[r][s];
        double s11rs = f * m.ss11()[r][s];
        double s11sr = f * m.ss11()[s][r];
        cov[r][s] = s10 / bigM + s01 / bigN + (s11rs + s11sr) / (bigM * bigN);
      }
    }
    return new AurocCovariance(m.auroc().clone(), cov, m.positives(), m.negatives(), clusters);
  }
}
