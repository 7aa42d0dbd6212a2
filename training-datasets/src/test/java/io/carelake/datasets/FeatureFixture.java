package io.carelake.datasets;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small synthetic features.chronic_risk in the layout {@code features} writes (a subset of the
 * feature columns: enough for the models and both published scores). Labels are drawn from
 * logistic models of the risk factors, so that a model that learns anything ranks positives first;
 * some measurements are missing, as for patients without one in the window.
 */
final class FeatureFixture {

  static final String DEFINITION = "chronic-risk@1";
  static final String DEFINITION_HASH = "d".repeat(64);

  static final StructType SCHEMA = new StructType()
      .add("patient_pseudonym", DataTypes.StringType)
      .add("index_date", DataTypes.DateType)
      .add("outcome", DataTypes.StringType)
      .add("label", DataTypes.IntegerType)
      .add("time_to_event_days", DataTypes.IntegerType)
      .add("censored", DataTypes.BooleanType)
      .add("time_at_risk_days", DataTypes.IntegerType)
      .add("observation_end_date", DataTypes.DateType)
      .add("sex", DataTypes.StringType)
      .add("age", DataTypes.IntegerType)
      .add("age_band", DataTypes.StringType)
      .add("age_band_generalised", DataTypes.BooleanType)
      .add("region", DataTypes.StringType)
      .add("facility_type", DataTypes.StringType)
      .add("n_visits_365d", DataTypes.IntegerType)
      .add("fh_hypertension", DataTypes.IntegerType)
      .add("fh_diabetes", DataTypes.IntegerType)
      .add("sbp_mean_90d", DataTypes.DoubleType)
      .add("sbp_mean_365d", DataTypes.DoubleType)
      .add("dbp_mean_90d", DataTypes.DoubleType)
      .add("dbp_mean_365d", DataTypes.DoubleType)
      .add("glucose_mean_365d", DataTypes.DoubleType)
      .add("hba1c_last_365d", DataTypes.DoubleType)
      .add("bmi_last_365d", DataTypes.DoubleType)
      .add("waist_last_365d", DataTypes.DoubleType)
      .add("smoking_packs_last_365d", DataTypes.DoubleType)
      .add("never_measured_last_365d", DataTypes.DoubleType)
      .add("cohort_definition", DataTypes.StringType)
      .add("cohort_definition_hash", DataTypes.StringType)
      .add("features_run_id", DataTypes.StringType);

  /** One fixture row with what assertions need. */
  record FeatureRow(String pseudonym, LocalDate indexDate, String outcome, int label, Row row) {}

  private FeatureFixture() {}

  static String pseudonym(String keyId, int patient) {
    return keyId + ":" + String.format("%064x", 7_000_000L + patient * 7919L);
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Every patient at every index date, both outcomes (prevalence not modelled here). */
  static List<FeatureRow> rows(String keyId, int patients, List<LocalDate> indexDates, long seed,
      boolean allNegative) {
    Random random = new Random(seed);
    List<FeatureRow> rows = new ArrayList<>();
    int i = 0;
    for (int p = 0; p < patients; p++) {
      String id = pseudonym(keyId, p);
      boolean male = p % 2 == 0;
      int age = 30 + (p * 7) % 45;
      int fhHtn = p % 3 == 0 ? 1 : 0;
      int fhDm = p % 5 == 0 ? 1 : 0;
      double bmi = round(24 + 3.5 * random.nextGaussian());
      double packs = male && p % 4 == 0 ? 1.0 : 0.0;
      for (LocalDate d : indexDates) {
        double sbp = 125 + 0.3 * (age - 50) + 12 * random.nextGaussian();
        double dbp = 78 + 0.4 * (sbp - 125) + 4 * random.nextGaussian();
        double glucose = 5.3 + 0.06 * (bmi - 24) + 0.6 * random.nextGaussian();
        double waist = (male ? 30 + 2.3 * bmi : 25 + 2.2 * bmi) + 4 * random.nextGaussian();
        double htnLogit = -2.6 + 0.09 * (sbp - 125) + 0.6 * fhHtn + 0.03 * (age - 50);
        double dmLogit = -2.8 + 2.0 * (glucose - 5.3) + 0.06 * (waist - 85) + 0.8 * fhDm;
        for (String outcome : List.of("hypertension", "type2_diabetes")) {
          double logit = outcome.equals("hypertension") ? htnLogit : dmLogit;
          int label = allNegative ? 0 : random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
          // missing measurements: no glucose for every 7th row, no waist for every 3rd
          Double glu = i % 7 == 3 ? null : round(glucose);
          Double w = i % 3 == 1 ? null : round(waist);
          String band = (age / 10 * 10) + "-" + (age / 10 * 10 + 9);
          Row row = RowFactory.create(id, Date.valueOf(d), outcome, label,
              label == 1 ? 10 + (i * 13) % 170 : null, false, label == 1 ? 10 + (i * 13) % 170 : 180,
              Date.valueOf(d.plusDays(180)), male ? "1" : "2", age, band, p % 11 == 0,
              "1101", null, 1 + p % 4, fhHtn, fhDm, round(sbp), round(sbp + 2), round(dbp),
              round(dbp + 1), glu, round(5.2 + 0.3 * (glucose - 5.3)), bmi, w, packs, null,
              DEFINITION, DEFINITION_HASH, "features-fixture");
          rows.add(new FeatureRow(id, d, outcome, label, row));
          i++;
        }
      }
    }
    return rows;
  }

  static void write(SparkSession spark, List<FeatureRow> rows) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.features");
    spark.createDataFrame(rows.stream().map(FeatureRow::row).toList(), SCHEMA)
        .createOrReplaceTempView("feature_fixture");
    if (spark.catalog().tableExists("carelake.features.chronic_risk")) {
      spark.sql("INSERT INTO carelake.features.chronic_risk SELECT * FROM feature_fixture");
    } else {
      spark.sql("CREATE TABLE carelake.features.chronic_risk USING iceberg"
          + " PARTITIONED BY (index_date) AS SELECT * FROM feature_fixture");
    }
  }
}
