package io.carelake.evaluation.stats;

/**
 * AUROCs of one or more models scored on the same rows, with their estimated covariance matrix:
 * what {@link FastDelong} and {@link ObuchowskiAuroc} return. {@code units} is what the variance
 * counts as independent: rows for DeLong, clusters (patients) for Obuchowski.
 */
public record AurocCovariance(double[] auroc, double[][] covariance, long positives,
    long negatives, long units) {

  public double variance(int model) {
    return covariance[model][model];
  }

  public double standardError(int model) {
    return Math.sqrt(variance(model));
  }

  /** Var(AUROC_a − AUROC_b) = Var_a + Var_b − 2 Cov_ab: paired, on the same rows. */
  public double differenceVariance(int a, int b) {
    return covariance[a][a] + covariance[b][b] - 2 * covariance[a][b];
  }

  /** Two-sided p-value of H0: AUROC_a = AUROC_b, z = Δ / √Var(Δ) (DeLong et al. 1988). */
  public double differencePValue(int a, int b) {
    double se = Math.sqrt(differenceVariance(a, b));
    if (!(se > 0)) {
      return Double.NaN;
    }
    double z = (auroc[a] - auroc[b]) / se;
    return 2 * ConfidenceLevel.STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
  }

  static AurocCovariance undefined(int models, long positives, long negatives, long units) {
    double[] auc = new double[models];
    double[][] cov = new double[models][models];
    java.util.Arrays.fill(auc, Double.NaN);
    for (double[] row : cov) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    return new AurocCovariance(auc, cov, positives, negatives, units);
  }
}
