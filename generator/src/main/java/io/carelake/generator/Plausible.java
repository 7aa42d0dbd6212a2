package io.carelake.generator;

import io.carelake.core.events.Codes;
import java.util.Map;

/**
 * The ranges every GOOD measurement stays inside, per LOINC code, in the canonical unit. They are
 * deliberately narrower than any sensible governance plausibility rule (e.g. SBP 50-300 mm[Hg]) and
 * the impossible values the generator plants lie far outside both.
 */
final class Plausible {

  record Range(double min, double max) {
    double clamp(double v) {
      return Math.max(min, Math.min(max, v));
    }

    boolean contains(double v) {
      return v >= min && v <= max;
    }
  }

  static final Map<String, Range> GOOD = Map.of(
      Codes.LOINC_WAIST, new Range(55, 140),
      Codes.LOINC_SMOKING_PACKS_PER_DAY, new Range(0, 3),
      Codes.LOINC_SYSTOLIC_BP, new Range(88, 205),
      Codes.LOINC_DIASTOLIC_BP, new Range(50, 120),
      Codes.LOINC_GLUCOSE, new Range(3.3, 22.0),
      Codes.LOINC_HBA1C, new Range(4.2, 13.5),
      Codes.LOINC_BMI, new Range(16, 42),
      Codes.LOINC_BODY_WEIGHT, new Range(38, 135),
      Codes.LOINC_BODY_HEIGHT, new Range(140, 195));

  /** Values no human produces (or negative), per code: what IMPOSSIBLE_VALUE sends. */
  static final Map<String, double[]> IMPOSSIBLE = Map.of(
      Codes.LOINC_WAIST, new double[] {-30, 600},
      Codes.LOINC_SMOKING_PACKS_PER_DAY, new double[] {-1, 90},
      Codes.LOINC_SYSTOLIC_BP, new double[] {400, 999, -20},
      Codes.LOINC_DIASTOLIC_BP, new double[] {300, -10},
      Codes.LOINC_GLUCOSE, new double[] {150, -3.2},
      Codes.LOINC_HBA1C, new double[] {45, -1},
      Codes.LOINC_BMI, new double[] {250, -5},
      Codes.LOINC_BODY_WEIGHT, new double[] {-5, 950},
      Codes.LOINC_BODY_HEIGHT, new double[] {400, -170});

  /** mmol/L → mg/dL for glucose (molar mass 180.16 g/mol); what MIXED_UNITS sends. */
  static final double GLUCOSE_MG_PER_DL_PER_MMOL_PER_L = 18.0;

  private Plausible() {}

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
