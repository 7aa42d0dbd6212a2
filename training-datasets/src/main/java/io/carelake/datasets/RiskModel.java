package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The baseline chronic-risk model: a Spark MLlib {@link Pipeline} that takes rows of
 * {@code features.chronic_risk} as they are and gives the probability of a new I10/E11 diagnosis.
 *
 * <ol>
 *   <li>{@link SQLTransformer}: each feature as a double ({@code sex} as two indicators), so that the
 *       saved model needs no preparation outside itself;</li>
 *   <li>{@link Imputer} (median, fitted on the training split): features are null when a patient had
 *       no such measurement in the window;</li>
 *   <li>{@link VectorAssembler} and {@link StandardScaler} (mean 0, sd 1);</li>
 *   <li>{@link LogisticRegression} (binomial, L-BFGS; deterministic, it draws no random numbers).</li>
 * </ol>
 */
final class RiskModel {

  static final String MODEL_TYPE = "logistic_regression";
  static final String ID_PREFIX = "lr";
  static final String LABEL = "label";
  static final String PROBABILITY = "probability";

  /** Feature name → SQL expression over a features.chronic_risk row, in vector order. */
  static final Map<String, String> CANDIDATE_FEATURES = candidates();

  /** The typed hyper-parameters of one iteration. */
  record Params(double regParam, double elasticNetParam, int maxIter, long seed) {

    /** As recorded in models.iterations.params and hashed into the iteration id. */
    Map<String, String> asMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("reg_param", Double.toString(regParam));
      m.put("elastic_net_param", Double.toString(elasticNetParam));
      m.put("max_iter", Integer.toString(maxIter));
      m.put("seed", Long.toString(seed));
      m.put("imputer_strategy", "median");
      m.put("scaler", "standard(with_mean=true,with_std=true)");
      m.put("family", "binomial");
      m.put("split", PatientSplit.RULE);
      m.put("label", LABEL);
      return m;
    }
  }

  private RiskModel() {}

  private static Map<String, String> candidates() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("age", "CAST(age AS DOUBLE)");
    // GB/T 2261.1: 1 male, 2 female; 0 unknown and 9 unspecified are both indicators 0.
    f.put("sex_male", "CAST(sex = '1' AS DOUBLE)");
    f.put("sex_female", "CAST(sex = '2' AS DOUBLE)");
    for (String numeric : List.of("sbp_mean_180d", "sbp_max_180d", "dbp_mean_180d",
        "glucose_mean_180d", "hba1c_last", "bmi_last", "n_vitals_180d", "n_visits_365d")) {
      f.put(numeric, "CAST(" + numeric + " AS DOUBLE)");
    }
    return java.util.Collections.unmodifiableMap(f);
  }

  static String inputColumn(String feature) {
    return "x_" + feature;
  }

  static String imputedColumn(String feature) {
    return "imputed_" + feature;
  }

  /** Adds every candidate feature as a double column {@code x_<name>}. */
  static SQLTransformer featureColumns(List<String> features) {
    StringBuilder sql = new StringBuilder("SELECT *");
    for (String f : features) {
      sql.append(", ").append(CANDIDATE_FEATURES.get(f)).append(" AS ").append(inputColumn(f));
    }
    return new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString());
  }

  /**
   * The candidate features with at least one value in {@code train}. The median of a column with no
   * value is undefined (the Imputer refuses it), and such a column carries no signal: it is left out
   * and the iteration records the features it used.
   */
  static List<String> featuresWithValues(Dataset<Row> train) {
    List<String> all = new ArrayList<>(CANDIDATE_FEATURES.keySet());
    Dataset<Row> typed = featureColumns(all).transform(train);
    Column[] counts = all.stream().map(f -> count(col(inputColumn(f)))).toArray(Column[]::new);
    Row row = typed.agg(counts[0], java.util.Arrays.copyOfRange(counts, 1, counts.length)).first();
    List<String> used = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (row.getLong(i) > 0) {
        used.add(all.get(i));
      }
    }
    return used;
  }

  static Pipeline pipeline(List<String> features, Params params) {
    String[] inputs = features.stream().map(RiskModel::inputColumn).toArray(String[]::new);
    String[] imputed = features.stream().map(RiskModel::imputedColumn).toArray(String[]::new);
    Imputer imputer = new Imputer().setStrategy("median").setInputCols(inputs).setOutputCols(imputed);
    VectorAssembler assembler = new VectorAssembler().setInputCols(imputed)
        .setOutputCol("features_raw").setHandleInvalid("error");
    StandardScaler scaler = new StandardScaler().setInputCol("features_raw").setOutputCol("features")
        .setWithMean(true).setWithStd(true);
    LogisticRegression lr = new LogisticRegression().setFamily("binomial")
        .setFeaturesCol("features").setLabelCol(LABEL).setProbabilityCol(PROBABILITY)
        .setRegParam(params.regParam()).setElasticNetParam(params.elasticNetParam())
        .setMaxIter(params.maxIter())
        // the scaler already standardised the features
        .setStandardization(false);
    return new Pipeline().setStages(new PipelineStage[] {
        featureColumns(features), imputer, assembler, scaler, lr});
  }

  /** The probability of class 1, from the model's probability vector. */
  static Column score() {
    return functions.vector_to_array(col(PROBABILITY), "float64").getItem(1);
  }
}
