package io.carelake.evaluation.stats;

/**
 * Logistic recalibration of predicted probabilities on observed outcomes (Cox 1958; Van Calster et
 * al., "Calibration: the Achilles heel of predictive analytics", BMC Med 2019;17:230), by maximum
 * likelihood with Newton–Raphson, with x = logit(score):
 * <ul>
 *   <li><b>calibration-in-the-large</b>: logit P(y=1) = a + x (x as an offset); a = 0 when the
 *       average risk is right, a &gt; 0 when risks are too low;</li>
 *   <li><b>calibration slope</b>: logit P(y=1) = a + b·x; b = 1 ideal, b &lt; 1 when predictions
 *       are too extreme (typical of over-fitting), b &gt; 1 when too moderate.</li>
 * </ul>
 * The same fits as statsmodels' {@code GLM(y, X, family=Binomial(), offset=...)}, which the
 * reference tests hold against these on fixed data.
 *
 * <p>Edge cases: scores must lie in [0, 1]; 0 and 1 are clipped to [{@link #EPSILON},
 * 1 − {@link #EPSILON}] before the logit (otherwise a single certain prediction makes the
 * likelihood infinite). Undefined (NaN, {@code converged = false}) when the outcome does not vary,
 * when the slope model has a single distinct score, or when the likelihood has no finite maximum
 * (separation: the estimates run off to infinity).
 */
public final class LogisticCalibration {

  /** Clipping of scores before the logit. */
  public static final double EPSILON = 1e-15;
  static final int MAX_ITERATIONS = 100;
  static final double TOLERANCE = 1e-13;
  /** |estimate| beyond which the likelihood is taken to have no finite maximum. */
  static final double DIVERGED = 1e6;

  private LogisticCalibration() {}

  /** A fit: {@code slope} is 1 for the intercept-only model (the offset's fixed coefficient). */
  public record Fit(double intercept, double slope, double seIntercept, double seSlope,
      int iterations, boolean converged) {

    static Fit undefined(int iterations) {
      return new Fit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, iterations, false);
    }
  }

  /** logit(clip(s)): the covariate of both models. */
  public static double logit(double score) {
    double p = Math.min(1 - EPSILON, Math.max(EPSILON, score));
    return Math.log(p / (1 - p));
  }

  public static double expit(double eta) {
    return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
  }

  /**
   * The sums a Newton step needs at (a, b), over the rows with their weights: for the slope model
   * {u0, u1, i00, i01, i11} = Σ w(y − p)·(1, x), Σ w·p(1−p)·(1, x, x²) with p = expit(a + b·x); for
   * the intercept model b is fixed at 1 and only {u0, i00} are read. The arrays here compute them
   * in a loop; the Spark job computes them with one aggregation per step, so both run the same
   * Newton iterations ({@link #fitIntercept}, {@link #fitSlope}).
   */
  @FunctionalInterface
  public interface Sums {
    double[] at(double a, double b);
  }

  /** Whether the fit is possible at all: both outcomes present and (for the slope) x varies. */
  public record Support(double positiveWeight, double negativeWeight, boolean covariateVaries) {}

  public static Fit intercept(int[] labels, double[] scores) {
    return intercept(LabelledScores.of(labels, scores));
  }

  /** Calibration-in-the-large: a in logit P(y=1) = a + logit(s). */
  public static Fit intercept(LabelledScores data) {
    double[] x = covariate(data);
    return fitIntercept(support(data, x), arraySums(data, x));
  }

  public static Fit slope(int[] labels, double[] scores) {
    return slope(LabelledScores.of(labels, scores));
  }

  /** Calibration slope: (a, b) in logit P(y=1) = a + b·logit(s). */
  public static Fit slope(LabelledScores data) {
    double[] x = covariate(data);
    return fitSlope(support(data, x), arraySums(data, x));
  }

  /** Newton–Raphson for a in logit P = a + x, from a = 0. */
  public static Fit fitIntercept(Support support, Sums sums) {
    if (!(support.positiveWeight() > 0 && support.negativeWeight() > 0)) {
      return Fit.undefined(0);
    }
    double a = 0;
    for (int it = 1; it <= MAX_ITERATIONS; it++) {
      double[] s = sums.at(a, 1);
      if (!(s[2] > 0)) {
        return Fit.undefined(it);
      }
      double step = s[0] / s[2];
      a += step;
      if (Math.abs(a) > DIVERGED) {
        return Fit.undefined(it);
      }
      if (Math.abs(step) < TOLERANCE * (1 + Math.abs(a))) {
        return new Fit(a, 1, 1 / Math.sqrt(sums.at(a, 1)[2]), Double.NaN, it, true);
      }
    }
    return Fit.undefined(MAX_ITERATIONS);
  }

  /** Newton–Raphson for (a, b) in logit P = a + b·x, from (0, 1). */
  public static Fit fitSlope(Support support, Sums sums) {
    if (!(support.positiveWeight() > 0 && support.negativeWeight() > 0)
        || !support.covariateVaries()) {
      return Fit.undefined(0);
    }
    double a = 0;
    double b = 1;
    for (int it = 1; it <= MAX_ITERATIONS; it++) {
      double[] s = sums.at(a, b);
      double det = s[2] * s[4] - s[3] * s[3];
      if (!(det > 0)) {
        return Fit.undefined(it);
      }
      double da = (s[4] * s[0] - s[3] * s[1]) / det;
      double db = (s[2] * s[1] - s[3] * s[0]) / det;
      a += da;
      b += db;
      if (Math.abs(a) > DIVERGED || Math.abs(b) > DIVERGED) {
        return Fit.undefined(it);
      }
      if (Math.abs(da) < TOLERANCE * (1 + Math.abs(a))
          && Math.abs(db) < TOLERANCE * (1 + Math.abs(b))) {
        // the covariance is the inverse of the information at the estimate
        double[] at = sums.at(a, b);
        double d = at[2] * at[4] - at[3] * at[3];
        return new Fit(a, b, Math.sqrt(at[4] / d), Math.sqrt(at[2] / d), it, true);
      }
    }
    return Fit.undefined(MAX_ITERATIONS);
  }

  private static Support support(LabelledScores data, double[] x) {
    return new Support(data.positiveWeight(), data.negativeWeight(), varies(x, data.weights()));
  }

  private static Sums arraySums(LabelledScores data, double[] x) {
    return (a, b) -> {
      double[] s = new double[5];
      for (int i = 0; i < x.length; i++) {
        double p = expit(a + b * x[i]);
        double w = data.weights()[i];
        double r = w * (data.labels()[i] - p);
        double v = w * p * (1 - p);
        s[0] += r;
        s[1] += r * x[i];
        s[2] += v;
        s[3] += v * x[i];
        s[4] += v * x[i] * x[i];
      }
      return s;
    };
  }

  private static double[] covariate(LabelledScores data) {
    BrierScore.requireProbabilities(data.scores());
    double[] x = new double[data.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = logit(data.scores()[i]);
    }
    return x;
  }

  private static boolean varies(double[] x, double[] w) {
    Double first = null;
    for (int i = 0; i < x.length; i++) {
      if (w[i] > 0) {
        if (first == null) {
          first = x[i];
        } else if (x[i] != first) {
          return true;
        }
      }
    }
    return false;
  }
}
