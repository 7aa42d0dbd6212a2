package io.carelake.generator;

import java.util.SplittableRandom;

/**
 * A patient's risk factors that the published risk scores use and the care simulation records:
 * current smoking (packs a day, 0 for a non-smoker), parents with hypertension (0, 1 or 2), a
 * family history of diabetes, and central adiposity (a standard-normal latent that widens the
 * waist for a given BMI). Drawn from a stream of their own ({@link Seeds#RISK_FACTORS}).
 *
 * <p>Shares follow Chinese adult figures in round numbers: about half of men and 3 % of women
 * smoke (China Adult Tobacco Survey 2018: 50.5 % and 2.1 %); about 40 % report a parent with
 * hypertension, 15 % a first-degree relative with diabetes.
 *
 * <p>They raise incidence ({@link #hypertensionHazardRatio}, {@link #diabetesHazardRatio}) so that
 * scores built on them carry signal in generated data. The ratios are divided by their population
 * mean, so the overall incidence stays what {@link PatientFactory} states.
 */
record RiskFactors(double packsPerDay, int parentsWithHypertension, boolean familyDiabetes,
    double centralAdiposity) {

  static RiskFactors draw(SplittableRandom r, boolean male) {
    boolean smokes = r.nextInt(1000) < (male ? 505 : 21);
    double packs = smokes ? Plausible.round1(0.3 + 1.2 * r.nextDouble()) : 0.0;
    int u = r.nextInt(100);
    int parents = u < 60 ? 0 : u < 90 ? 1 : 2;
    boolean diabetes = r.nextInt(100) < 15;
    double adiposity = Math.max(-2.5, Math.min(2.5, r.nextGaussian()));
    return new RiskFactors(packs, parents, diabetes, adiposity);
  }

  boolean smoker() {
    return packsPerDay > 0;
  }

  /** Relative hazard of incident hypertension: parents, smoking and age (mean about 1). */
  double hypertensionHazardRatio(int age) {
    return Math.exp(0.35 * parentsWithHypertension + (smoker() ? 0.25 : 0) + 0.02 * (age - 50))
        / 1.32;
  }

  /** Relative hazard of incident type 2 diabetes: family history, adiposity, age (mean about 1). */
  double diabetesHazardRatio(int age) {
    return Math.exp((familyDiabetes ? 0.7 : 0) + 0.4 * centralAdiposity + 0.015 * (age - 50))
        / 1.25;
  }
}
