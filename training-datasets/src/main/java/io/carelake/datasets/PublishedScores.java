package io.carelake.datasets;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Published risk scores, computed on the cohort's rows as baselines of the same outcome. Inputs
 * missing in a row (nothing measured in the window) take the median of the training rows, as the
 * models' inputs do; the iteration records which inputs the score read.
 *
 * <ul>
 *   <li><b>Framingham hypertension risk score</b>: Parikh NI, Pencina MJ, Wang TJ, et al. A risk
 *       score for predicting near-term incidence of hypertension: the Framingham Heart Study. Ann
 *       Intern Med. 2008;148(2):102-110. The paper's Weibull model (its points table is a rounding
 *       of it): {@code mu = 22.94954 - 0.15641 age - 0.20293 female - 0.19073 smoker - 0.16612
 *       parents - 0.03388 BMI - 0.05933 SBP - 0.12847 DBP + 0.00162 age x DBP}, risk over t years
 *       {@code 1 - exp(-exp((ln t - mu) / 0.87692))}; here t is the time at risk. Parents with
 *       hypertension: carelake's record (ICD-10 Z82.4) cannot tell one parent from two, so a
 *       recorded family history counts as one (the paper's scale is 0, 1, 2).</li>
 *   <li><b>New Chinese Diabetes Risk Score</b>: Zhou X, Qiao Q, Ji L, et al. Nonlaboratory-based
 *       risk assessment algorithm for undiagnosed type 2 diabetes developed on a nation-wide
 *       diabetes survey. Diabetes Care. 2013;36(12):3944-3952; the points table the Chinese
 *       Diabetes Society's guideline (2020) reproduces: age, sex, waist, BMI, systolic pressure and
 *       a family history of diabetes, 0 to 51 points (25 or more: screen). It was derived for
 *       undiagnosed diabetes, not incidence, and gives points, not a probability: the raw
 *       iteration's score is points / 51 (a rank; calibration needs the recalibrated one).</li>
 * </ul>
 */
final class PublishedScores {

  /** A score, the outcome it is a baseline of, and the feature columns it reads. */
  enum Score {
    FRAMINGHAM_HYPERTENSION("framingham_hypertension", "hypertension", List.of("age",
        "bmi_last_365d", "sbp_mean_90d", "sbp_mean_365d", "dbp_mean_90d", "dbp_mean_365d",
        "smoking_packs_last_365d", "fh_hypertension")),
    NCDRS("ncdrs", "type2_diabetes", List.of("age", "waist_last_365d", "bmi_last_365d",
        "sbp_mean_90d", "sbp_mean_365d", "fh_diabetes"));

    private final String algorithm;
    private final String outcome;
    private final List<String> inputs;

    Score(String algorithm, String outcome, List<String> inputs) {
      this.algorithm = algorithm;
      this.outcome = outcome;
      this.inputs = inputs;
    }

    String algorithm() {
      return algorithm;
    }

    String outcome() {
      return outcome;
    }

    List<String> inputs() {
      return inputs;
    }

    /** The raw score: a probability (Framingham) or points / 51 (NCDRS). */
    Column raw(Map<String, Double> medians, double years) {
      return this == FRAMINGHAM_HYPERTENSION ? framingham(medians, years) : ncdrsPoints(medians)
          .divide(NCDRS_MAX_POINTS);
    }

    /** What the recalibration regresses on: the raw risk's logit, or the points. */
    Column recalibrationInput(Map<String, Double> medians, double years) {
      if (this == FRAMINGHAM_HYPERTENSION) {
        Column p = clamp(framingham(medians, years));
        return org.apache.spark.sql.functions.log(p.divide(lit(1.0).minus(p)));
      }
      return ncdrsPoints(medians);
    }
  }

  static final double NCDRS_MAX_POINTS = 51.0;

  private PublishedScores() {}

  private static Column input(String column, Map<String, Double> medians) {
    return coalesce(col(column).cast("double"), lit(medians.get(column)));
  }

  /** The most recent 90 days' mean, else the year's, else the training median of the year's. */
  private static Column recent(String measurement, Map<String, Double> medians) {
    return coalesce(col(measurement + "_mean_90d"), col(measurement + "_mean_365d"),
        lit(medians.get(measurement + "_mean_365d")));
  }

  static Column framingham(Map<String, Double> medians, double years) {
    Column age = input("age", medians);
    Column female = when(col("sex").equalTo("2"), 1.0).otherwise(0.0);
    Column smoker = when(input("smoking_packs_last_365d", medians).gt(0), 1.0).otherwise(0.0);
    Column parents = input("fh_hypertension", medians);
    Column dbp = recent("dbp", medians);
    Column mu = lit(22.94954).minus(age.multiply(0.15641)).minus(female.multiply(0.20293))
        .minus(smoker.multiply(0.19073)).minus(parents.multiply(0.16612))
        .minus(input("bmi_last_365d", medians).multiply(0.03388))
        .minus(recent("sbp", medians).multiply(0.05933)).minus(dbp.multiply(0.12847))
        .plus(age.multiply(dbp).multiply(0.00162));
    return lit(1.0).minus(exp(exp(lit(Math.log(years)).minus(mu).divide(0.87692)).multiply(-1)));
  }

  private static Column clamp(Column p) {
    return org.apache.spark.sql.functions.least(org.apache.spark.sql.functions.greatest(p,
        lit(1e-12)), lit(1 - 1e-12));
  }

  /** NCDRS points (0-51) from the published table. */
  static Column ncdrsPoints(Map<String, Double> medians) {
    Column age = input("age", medians);
    Column male = col("sex").equalTo("1");
    Column waist = input("waist_last_365d", medians);
    Column bmi = input("bmi_last_365d", medians);
    Column sbp = recent("sbp", medians);
    Column agePoints = when(age.geq(65), 18).when(age.geq(60), 16).when(age.geq(55), 15)
        .when(age.geq(50), 13).when(age.geq(45), 12).when(age.geq(40), 11).when(age.geq(35), 8)
        .when(age.geq(25), 4).otherwise(0);
    Column waistPoints = when(male, bands(waist, 75, 80, 85, 90, 95))
        .otherwise(bands(waist, 70, 75, 80, 85, 90));
    Column bmiPoints = when(bmi.geq(30), 5).when(bmi.geq(24), 3).when(bmi.geq(22), 1).otherwise(0);
    Column sbpPoints = when(sbp.geq(160), 10).when(sbp.geq(150), 8).when(sbp.geq(140), 7)
        .when(sbp.geq(130), 6).when(sbp.geq(120), 3).when(sbp.geq(110), 1).otherwise(0);
    Column family = when(input("fh_diabetes", medians).gt(0), 6).otherwise(0);
    Column sex = when(male, 2).otherwise(0);
    return agePoints.plus(waistPoints).plus(bmiPoints).plus(sbpPoints).plus(family).plus(sex)
        .cast("double");
  }

  /** 0, 3, 5, 7, 8 or 10 points by the waist thresholds of one sex (cm). */
  private static Column bands(Column waist, int t1, int t2, int t3, int t4, int t5) {
    return when(waist.geq(t5), 10).when(waist.geq(t4), 8).when(waist.geq(t3), 7)
        .when(waist.geq(t2), 5).when(waist.geq(t1), 3).otherwise(0);
  }
}
