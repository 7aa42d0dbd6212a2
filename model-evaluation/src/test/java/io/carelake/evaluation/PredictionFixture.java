package io.carelake.evaluation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;

/**
 * Deterministic test predictions in the shape of the risk-model contract (issue 12):
 * models.predictions with outcome, subgroup columns and one row per patient, index date and
 * outcome, and models.iterations with outcome, kind and created_at. Patients have 1-4 index dates
 * and a patient effect on their scores (clustered rows), two models score the same rows.
 */
final class PredictionFixture {

  /** One prediction row of one model. */
  record Prediction(String iteration, String outcome, String split, String patient,
      LocalDate indexDate, int label, double score, String sex, String ageBand, String region,
      String facilityType) {

    String sql() {
      return String.format(Locale.ROOT, "('%s', '%s', '%s', 'k1:%s', DATE '%s', %d, %s, '%s',"
          + " '%s', false, %s, %s)", iteration, outcome, split, patient, indexDate, label,
          Double.toString(score), sex, ageBand, region == null ? "NULL" : "'" + region + "'",
          facilityType == null ? "NULL" : "'" + facilityType + "'");
    }
  }

  static final String[] AGE_BANDS = {"40-49", "50-59", "60-69", "70+"};
  static final String[] REGIONS = {"east", "west", "north"};

  private PredictionFixture() {}

  /**
   * Test-split rows of {@code patients} patients for one outcome, scored by two models: {@code
   * strong} (the signal plus noise) and {@code weak} (half the signal). A few rows of a rare region
   * make a cell below the minimum size.
   */
  static List<Prediction[]> pairs(String strong, String weak, String outcome, int patients,
      long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Prediction[]> rows = new ArrayList<>();
    for (int p = 0; p < patients; p++) {
      String patient = String.format(Locale.ROOT, "%s-p%03d", outcome, p);
      String sex = r.nextBoolean() ? "1" : "2";
      String age = AGE_BANDS[r.nextInt(AGE_BANDS.length)];
      String region = p < 3 ? "island" : REGIONS[r.nextInt(REGIONS.length)];
      String facility = r.nextInt(3) == 0 ? "hospital" : "clinic";
      double effect = r.nextGaussian() * 0.6;
      int dates = 1 + r.nextInt(4);
      for (int d = 0; d < dates; d++) {
        int label = r.nextDouble() < 0.3 ? 1 : 0;
        double noise = r.nextGaussian();
        double s1 = expit(-1.2 + 1.6 * label + effect + noise);
        double s2 = expit(-1.0 + 0.8 * label + effect + noise + 0.5 * r.nextGaussian());
        LocalDate date = LocalDate.of(2025, 1 + d, 1);
        rows.add(new Prediction[] {
            new Prediction(strong, outcome, "test", patient, date, label, round(s1), sex, age,
                region, facility),
            new Prediction(weak, outcome, "test", patient, date, label, round(s2), sex, age,
                region, facility)});
      }
    }
    return rows;
  }

  static double expit(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }

  static void createContractTables(SparkSession spark) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.models");
    spark.sql("CREATE TABLE carelake.models.iterations (iteration_id string, outcome string,"
        + " kind string, algorithm string, code_version string, definition_hash string,"
        + " dataset_snapshot_id bigint, params map<string, string>, seed bigint, run_id string,"
        + " created_at timestamp) USING iceberg PARTITIONED BY (iteration_id)");
    spark.sql("CREATE TABLE carelake.models.predictions (iteration_id string, outcome string,"
        + " split string, patient_pseudonym string, index_date date, label int, score double,"
        + " sex string, age_band string, age_band_generalised boolean, region string,"
        + " facility_type string) USING iceberg PARTITIONED BY (iteration_id)");
  }

  static String iterationSql(String id, String outcome, String kind, String createdAt) {
    return String.format(Locale.ROOT, "('%s', '%s', '%s', 'logistic_regression', 'test',"
        + " 'def-hash', 1, map('reg_param', '0.01'), 7, 'run-%s', TIMESTAMP '%s')", id, outcome,
        kind, id, createdAt);
  }

  static void insert(SparkSession spark, List<Prediction> rows) {
    List<String> values = rows.stream().map(Prediction::sql).toList();
    for (int i = 0; i < values.size(); i += 500) {
      spark.sql("INSERT INTO carelake.models.predictions VALUES "
          + String.join(", ", values.subList(i, Math.min(values.size(), i + 500))));
    }
  }
}
