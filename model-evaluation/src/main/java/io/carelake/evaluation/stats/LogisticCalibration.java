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

  public static Fit intercept(int[] labels, double[] scores) {
    return intercept(LabelledScores.of(labels, scores));
  }

  /** Calibration-in-the-large: a in logit P(y=1) = a + logit(s). */
  public static Fit intercept(LabelledScores data) {
    double[] x = covariate(data);
    if (!outcomeVaries(data)) {
      return Fit.undefined(0);
    }
    double a = 0;
    for (int it = 1; it <= MAX_ITERATIONS; it++) {
      double score = 0;
      double information = 0;
      for (int i = 0; i < x.length; i++) {
        double p = expit(a + x[i]);
        double w = data.weights()[i];
        score += w * (data.labels()[i] - p);
        information += w * p * (1 - p);
      }
      if (!(information > 0)) {
        return Fit.undefined(it);
      }
      double step = score / information;
      a += step;
      if (Math.abs(a) > DIVERGED) {
        return Fit.undefined(it);
      }
      if (Math.abs(step) < TOLERANCE * (1 + Math.abs(a))) {
        return new Fit(a, 1, 1 / Math.sqrt(informationAt(data, x, a)), Double.NaN, it, true);
      }
    }
    return Fit.undefined(MAX_ITERATIONS);
  }

  public static Fit slope(int[] labels, double[] scores) {
    return slope(LabelledScores.of(labels, scores));
  }

  /** Calibration slope: (a, b) in logit P(y=1) = a + b·logit(s). */
  public static Fit slope(LabelledScores data) {
    double[] x = covariate(data);
    if (!outcomeVaries(data) || !varies(x, data.weights())) {
      return Fit.undefined(0);
    }
    double a = 0;
    double b = 1;
    for (int it = 1; it <= MAX_ITERATIONS; it++) {
      double u0 = 0;
      double u1 = 0;
      double i00 = 0;
      double i01 = 0;
      double i11 = 0;
      for (int i = 0; i < x.length; i++) {
        double p = expit(a + b * x[i]);
        double w = data.weights()[i];
        double r = w * (data.labels()[i] - p);
        double v = w * p * (1 - p);
        u0 += r;
        u1 += r * x[i];
        i00 += v;
        i01 += v * x[i];
        i11 += v * x[i] * x[i];
      }
      double det = i00 * i11 - i01 * i01;
      if (!(det > 0)) {
        return Fit.undefined(it);
      }
      double da = (i11 * u0 - i01 * u1) / det;
      double db = (i00 * u1 - i01 * u0) / det;
      a += da;
      b += db;
      if (Math.abs(a) > DIVERGED || Math.abs(b) > DIVERGED) {
        return Fit.undefined(it);
      }
      if (Math.abs(da) < TOLERANCE * (1 + Math.abs(a))
          && Math.abs(db) < TOLERANCE * (1 + Math.abs(b))) {
        double[] cov = slopeCovariance(data, x, a, b);
        return new Fit(a, b, Math.sqrt(cov[0]), Math.sqrt(cov[2]), it, true);
      }
    }
    return Fit.undefined(MAX_ITERATIONS);
  }

  private static double[] covariate(LabelledScores data) {
    BrierScore.requireProbabilities(data.scores());
    double[] x = new double[data.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = logit(data.scores()[i]);
    }
    return x;
  }

  private static boolean outcomeVaries(LabelledScores data) {
    return data.positiveWeight() > 0 && data.negativeWeight() > 0;
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

  private static double informationAt(LabelledScores data, double[] x, double a) {
    double information = 0;
    for (int i = 0; i < x.length; i++) {
      double p = expit(a + x[i]);
      information += data.weights()[i] * p * (1 - p);
    }
    return information;
  }

  /** {var(a), cov(a, b), var(b)}: the inverse of the observed information at the estimate. */
  private static double[] slopeCovariance(LabelledScores data, double[] x, double a, double b) {
    double i00 = 0;
    double i01 = 0;
    double i11 = 0;
    for (int i = 0; i < x.length; i++) {
      double p = expit(a + b * x[i]);
      double v = data.weights()[i] * p * (1 - p);
      i00 += v;
      i01 += v * x[i];
      i11 += v * x[i] * x[i];
    }
    double det = i00 * i11 - i01 * i01;
    return new double[] {i11 / det, -i01 / det, i00 / det};
  }
}
