package io.carelake.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns of {@code features.chronic_risk} a model may read. Everything the row says about
 * the outcome (label, time to event, censoring, observation end), about provenance (definition,
 * run ids) and the subgroup columns kept for evaluation are not features; age and sex are (sex as
 * two indicators), and so is every other numeric column: the feature columns follow the cohort
 * definition, so a definition with other windows or measurements needs no code change here.
 */
final class RiskColumns {

  static final String PATIENT = "patient_pseudonym";
  static final String INDEX_DATE = "index_date";
  static final String OUTCOME = "outcome";
  static final String LABEL = "label";

  /** Never features: the outcome, provenance, and the subgroup labels carried for evaluation. */
  static final Set<String> NOT_FEATURES = Set.of(PATIENT, INDEX_DATE, OUTCOME, LABEL,
      "time_to_event_days", "censored", "time_at_risk_days", "observation_end_date", "sex",
      "age_band", "age_band_generalised", "region", "facility_type", "cohort_definition",
      "cohort_definition_hash", "features_run_id", "dataset_id", TemporalSplit.COLUMN);

  /** Carried into predictions for evaluation's subgroups. */
  static final List<String> SUBGROUPS = List.of("sex", "age_band", "age_band_generalised",
      "region", "facility_type");

  private RiskColumns() {}

  /** Feature name → SQL expression giving it as a double, in vector order. */
  static List<Feature> features(StructType schema) {
    List<Feature> out = new ArrayList<>();
    // GB/T 2261.1: 1 male, 2 female; 0 unknown and 9 unspecified are both indicators 0
    out.add(new Feature("sex_male", "CAST(sex = '1' AS DOUBLE)"));
    out.add(new Feature("sex_female", "CAST(sex = '2' AS DOUBLE)"));
    for (StructField f : schema.fields()) {
      if (!NOT_FEATURES.contains(f.name()) && numeric(f.dataType())) {
        out.add(new Feature(f.name(), "CAST(`" + f.name() + "` AS DOUBLE)"));
      }
    }
    return out;
  }

  private static boolean numeric(DataType t) {
    return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType)
        || t.equals(DataTypes.ShortType);
  }

  /** One model input: its name and how it is computed from a row. */
  record Feature(String name, String sql) {
    String input() {
      return "x_" + name;
    }

    String imputed() {
      return "imputed_" + name;
    }
  }
}
