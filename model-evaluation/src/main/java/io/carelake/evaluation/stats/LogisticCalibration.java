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
   * The sums Newton steps need, for both models at once: {@code intercept} is {a} of the
   * calibration-in-the-large model (b fixed at 1) and {@code slope} is {a, b}, either null when
   * that model needs no step; the answer holds, per model asked, {u0, u1, i00, i01, i11} =
   * Σ w(y − p)·(1, x), Σ w·p(1−p)·(1, x, x²) at p = expit(a + b·x) (null for a model not asked).
   * The arrays here compute them in a loop ({@link #newtonSums}); the Spark path runs the same loop
   * on each partition, one job per step, so both paths run the same Newton iterations
   * ({@link #fit}).
   */
  @FunctionalInterface
  public interface Sums {
    double[][] at(double[] intercept, double[] slope);
  }

  /** Whether the fits are possible at all: both outcomes present and (for the slope) x varies. */
  public record Support(double positiveWeight, double negativeWeight, boolean covariateVaries) {}

  public static Fit intercept(int[] labels, double[] scores) {
    return intercept(LabelledScores.of(labels, scores));
  }

  /** Calibration-in-the-large: a in logit P(y=1) = a + logit(s). */
  public static Fit intercept(LabelledScores data) {
    double[] x = covariate(data);
    return fit(support(data, x), arraySums(data, x))[0];
  }

  public static Fit slope(int[] labels, double[] scores) {
    return slope(LabelledScores.of(labels, scores));
  }

  /** Calibration slope: (a, b) in logit P(y=1) = a + b·logit(s). */
  public static Fit slope(LabelledScores data) {
    double[] x = covariate(data);
    return fit(support(data, x), arraySums(data, x))[1];
  }

  /**
   * Both fits by Newton–Raphson, in lockstep: the intercept model from a = 0, the slope model from
   * (a, b) = (0, 1); each stops when its step is below the tolerance, and its standard errors are
   * the inverse information at its last evaluated point (one step, under 1e-13, before the
   * estimate). Returns {intercept fit, slope fit}.
   */
  public static Fit[] fit(Support support, Sums sums) {
    boolean outcomeVaries = support.positiveWeight() > 0 && support.negativeWeight() > 0;
    Fit intercept = outcomeVaries ? null : Fit.undefined(0);
    Fit slope = outcomeVaries && support.covariateVaries() ? null : Fit.undefined(0);
    double ai = 0;
    double as = 0;
    double bs = 1;
    for (int it = 1; it <= MAX_ITERATIONS && (intercept == null || slope == null); it++) {
      double[][] s = sums.at(intercept == null ? new double[] {ai} : null,
          slope == null ? new double[] {as, bs} : null);
      if (intercept == null) {
        double[] t = s[0];
        if (!(t[2] > 0)) {
          intercept = Fit.undefined(it);
        } else {
          double step = t[0] / t[2];
          ai += step;
          if (Math.abs(ai) > DIVERGED) {
            intercept = Fit.undefined(it);
          } else if (Math.abs(step) < TOLERANCE * (1 + Math.abs(ai))) {
            intercept = new Fit(ai, 1, 1 / Math.sqrt(t[2]), Double.NaN, it, true);
          }
        }
      }
      if (slope == null) {
        double[] t = s[1];
        double det = t[2] * t[4] - t[3] * t[3];
        if (!(det > 0)) {
          slope = Fit.undefined(it);
        } else {
          double da = (t[4] * t[0] - t[3] * t[1]) / det;
          double db = (t[2] * t[1] - t[3] * t[0]) / det;
          as += da;
          bs += db;
          if (Math.abs(as) > DIVERGED || Math.abs(bs) > DIVERGED) {
            slope = Fit.undefined(it);
          } else if (Math.abs(da) < TOLERANCE * (1 + Math.abs(as))
              && Math.abs(db) < TOLERANCE * (1 + Math.abs(bs))) {
            // the covariance is the inverse of the information
            slope = new Fit(as, bs, Math.sqrt(t[4] / det), Math.sqrt(t[2] / det), it, true);
          }
        }
      }
    }
    return new Fit[] {intercept == null ? Fit.undefined(MAX_ITERATIONS) : intercept,
        slope == null ? Fit.undefined(MAX_ITERATIONS) : slope};
  }

  private static Support support(LabelledScores data, double[] x) {
    return new Support(data.positiveWeight(), data.negativeWeight(), varies(x, data.weights()));
  }

  private static Sums arraySums(LabelledScores data, double[] x) {
    return (intercept, slope) -> new double[][] {
        intercept == null ? null : arraySums(data, x, intercept[0], 1),
        slope == null ? null : arraySums(data, x, slope[0], slope[1])};
  }

  private static double[] arraySums(LabelledScores data, double[] x, double a, double b) {
    return newtonSums(x, data.labels(), data.weights(), a, b);
  }

  /**
   * One model's Newton sums over rows in order: {u0, u1, i00, i01, i11} = Σ w(y − p)·(1, x),
   * Σ w·p(1−p)·(1, x, x²) at p = expit(a + b·x); {@code weights} null means every weight 1.
   */
  public static double[] newtonSums(double[] x, int[] labels, double[] weights, double a,
      double b) {
    double[] s = new double[5];
    for (int i = 0; i < x.length; i++) {
      double p = expit(a + b * x[i]);
      double w = weights == null ? 1 : weights[i];
      double r = w * (labels[i] - p);
      double v = w * p * (1 - p);
      s[0] += r;
      s[1] += r * x[i];
      s[2] += v;
      s[3] += v * x[i];
      s[4] += v * x[i] * x[i];
    }
    return s;
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
