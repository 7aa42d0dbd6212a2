package io.carelake.core.events;

import java.util.Map;
import java.util.Set;

/** The code systems the pipeline speaks, in one place. */
public final class Codes {

  // LOINC
  public static final String LOINC_SYSTOLIC_BP = "8480-6";
  public static final String LOINC_DIASTOLIC_BP = "8462-4";
  public static final String LOINC_GLUCOSE = "2339-0";
  /** Glucose in serum or plasma, as hospital labs and FHIR / Synthea sources report it. */
  public static final String LOINC_GLUCOSE_SERUM = "2345-7";
  public static final String LOINC_HBA1C = "4548-4";
  public static final String LOINC_BMI = "39156-5";
  public static final String LOINC_BODY_WEIGHT = "29463-7";
  public static final String LOINC_BODY_HEIGHT = "8302-2";
  /** Waist circumference at umbilicus by tape measure (an input of the Chinese diabetes score). */
  public static final String LOINC_WAIST = "8280-0";
  /** Cigarettes smoked current (pack per day) - reported; 0 for a non-smoker. */
  public static final String LOINC_SMOKING_PACKS_PER_DAY = "8663-7";

  /** The canonical UCUM unit of each LOINC code carelake ingests. */
  public static final Map<String, String> CANONICAL_UNIT = Map.of(
      LOINC_SYSTOLIC_BP, "mm[Hg]",
      LOINC_DIASTOLIC_BP, "mm[Hg]",
      LOINC_GLUCOSE, "mmol/L",
      LOINC_GLUCOSE_SERUM, "mmol/L",
      LOINC_HBA1C, "%",
      LOINC_BMI, "kg/m2",
      LOINC_BODY_WEIGHT, "kg",
      LOINC_BODY_HEIGHT, "cm",
      LOINC_WAIST, "cm",
      LOINC_SMOKING_PACKS_PER_DAY, "{pack}/d");

  // ICD-10
  public static final String ICD10_HYPERTENSION = "I10";
  public static final String ICD10_T2DM_PREFIX = "E11";
  public static final String ICD10_PREDIABETES_PREFIX = "R73.0";

  // GB/T 2261.1 sex codes
  public static final Set<String> SEX_CODES = Set.of("0", "1", "2", "9");

  // event sources
  public static final String SOURCE_CLINIC = "clinic";
  public static final String SOURCE_HOME_DEVICE = "home_device";

  private Codes() {}
}
