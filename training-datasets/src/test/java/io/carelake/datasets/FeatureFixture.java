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
 * A small synthetic features.chronic_risk table, with the column types {@code features} writes. The
 * label is drawn from a logistic model of sbp_mean_180d and glucose_mean_180d, so a model that learns
 * anything ranks the positives first; some features are missing (null), as for patients without a
 * measurement in the window.
 */
final class FeatureFixture {

  static final String DDL = "CREATE TABLE carelake.features.chronic_risk ("
      + "patient_pseudonym string, index_date date, age int, sex string, sbp_mean_180d double, "
      + "sbp_max_180d double, dbp_mean_180d double, glucose_mean_180d double, hba1c_last double, "
      + "bmi_last double, n_vitals_180d int, n_visits_365d bigint, label int, horizon_days int, "
      + "features_run_id string) USING iceberg PARTITIONED BY (months(index_date))";

  static final StructType SCHEMA = new StructType()
      .add("patient_pseudonym", DataTypes.StringType)
      .add("index_date", DataTypes.DateType)
      .add("age", DataTypes.IntegerType)
      .add("sex", DataTypes.StringType)
      .add("sbp_mean_180d", DataTypes.DoubleType)
      .add("sbp_max_180d", DataTypes.DoubleType)
      .add("dbp_mean_180d", DataTypes.DoubleType)
      .add("glucose_mean_180d", DataTypes.DoubleType)
      .add("hba1c_last", DataTypes.DoubleType)
      .add("bmi_last", DataTypes.DoubleType)
      .add("n_vitals_180d", DataTypes.IntegerType)
      .add("n_visits_365d", DataTypes.LongType)
      .add("label", DataTypes.IntegerType)
      .add("horizon_days", DataTypes.IntegerType)
      .add("features_run_id", DataTypes.StringType);

  /** One fixture row, with what the assertions need. */
  record FeatureRow(String pseudonym, LocalDate indexDate, Integer label, Row row) {}

  private FeatureFixture() {}

  static String pseudonym(int patient) {
    return "k1:" + String.format("%064x", 7_000_000L + patient * 7919L);
  }

  /**
   * One row per patient and index date. Every {@code nullLabelEvery}-th row has a null label (0 =
   * never); with {@code allNegative} every label is 0.
   */
  static List<FeatureRow> rows(int patients, List<LocalDate> indexDates, long seed,
      int nullLabelEvery, boolean allNegative) {
    Random random = new Random(seed);
    List<FeatureRow> rows = new ArrayList<>();
    int i = 0;
    for (int p = 0; p < patients; p++) {
      String id = pseudonym(p);
      String sex = p % 2 == 0 ? "1" : "2";
      for (LocalDate d : indexDates) {
        double sbp = 135 + 18 * random.nextGaussian();
        double glucose = 6.0 + 1.3 * random.nextGaussian();
        double logit = 0.12 * (sbp - 135) + 1.6 * (glucose - 6.0) - 0.5;
        int drawn = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        Integer label = allNegative ? 0 : drawn;
        if (nullLabelEvery > 0 && i % nullLabelEvery == nullLabelEvery - 1) {
          label = null;
        }
        // missing measurements: no glucose for every 9th row, no HbA1c for every 4th
        Double glucoseValue = i % 9 == 4 ? null : round(glucose);
        Double hba1c = i % 4 == 1 ? null : round(5.4 + 0.4 * (glucose - 6) + 0.3 * random.nextGaussian());
        Row row = RowFactory.create(id, Date.valueOf(d), 40 + (p * 7) % 45, sex, round(sbp),
            round(sbp + 10 + 5 * random.nextDouble()), round(80 + 0.4 * (sbp - 135)),
            glucoseValue, hba1c, round(22 + 4 * random.nextGaussian()), 2 + (p % 5),
            (long) (1 + (p % 4)), label, 365, "features-fixture");
        rows.add(new FeatureRow(id, d, label, row));
        i++;
      }
    }
    return rows;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static void write(SparkSession spark, List<FeatureRow> rows) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS carelake.features");
    if (!spark.catalog().tableExists("carelake.features.chronic_risk")) {
      spark.sql(DDL);
    }
    List<Row> data = rows.stream().map(FeatureRow::row).toList();
    try {
      spark.createDataFrame(data, SCHEMA).writeTo("carelake.features.chronic_risk").append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }
}
