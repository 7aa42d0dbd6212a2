package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;

/**
 * The two learned models of each outcome, Spark MLlib estimators appended to the dataset's fitted
 * transforms (reused unchanged: the scaler's means and sds are those of the training rows):
 * logistic regression (binomial, L-BFGS, deterministic) and gradient-boosted trees (seeded). The
 * saved pipeline takes a dataset row as it is.
 */
final class RiskModels {

  static final String LOGISTIC_REGRESSION = "logistic_regression";
  static final String GBT = "gbt";
  static final String PROBABILITY = "probability";

  /** Logistic regression's hyper-parameters. */
  record LogisticParams(double regParam, double elasticNetParam, int maxIter) {
    Map<String, String> asMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("reg_param", Double.toString(regParam));
      m.put("elastic_net_param", Double.toString(elasticNetParam));
      m.put("max_iter", Integer.toString(maxIter));
      m.put("family", "binomial");
      m.put("standardization", "by the dataset's scaler");
      return m;
    }
  }

  /** Gradient-boosted trees' hyper-parameters. */
  record GbtParams(int maxDepth, int maxIter, double stepSize, double subsamplingRate) {
    Map<String, String> asMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("max_depth", Integer.toString(maxDepth));
      m.put("max_iter", Integer.toString(maxIter));
      m.put("step_size", Double.toString(stepSize));
      m.put("subsampling_rate", Double.toString(subsamplingRate));
      m.put("loss", "logistic");
      return m;
    }
  }

  private RiskModels() {}

  static Pipeline logistic(PipelineModel transforms, LogisticParams p) {
    return withTransforms(transforms, new LogisticRegression().setFamily("binomial")
        .setFeaturesCol(RiskTransforms.VECTOR).setLabelCol(RiskColumns.LABEL)
        .setProbabilityCol(PROBABILITY).setRegParam(p.regParam())
        .setElasticNetParam(p.elasticNetParam()).setMaxIter(p.maxIter())
        .setStandardization(false));
  }

  static Pipeline gbt(PipelineModel transforms, GbtParams p, long seed) {
    return withTransforms(transforms, new GBTClassifier().setFeaturesCol(RiskTransforms.VECTOR)
        .setLabelCol(RiskColumns.LABEL).setProbabilityCol(PROBABILITY)
        .setMaxDepth(p.maxDepth()).setMaxIter(p.maxIter()).setStepSize(p.stepSize())
        .setSubsamplingRate(p.subsamplingRate()).setSeed(seed));
  }

  /** The fitted transforms (already models: fitting passes them through) then the estimator. */
  private static Pipeline withTransforms(PipelineModel transforms, PipelineStage estimator) {
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList((PipelineStage[])
        transforms.stages()));
    stages.add(estimator);
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  /** The features a transforms pipeline reads (its imputer's inputs, without the x_ prefix). */
  static List<String> features(PipelineModel transforms) {
    for (Transformer t : transforms.stages()) {
      if (t instanceof ImputerModel imputer) {
        return Arrays.stream(imputer.getInputCols()).map(c -> c.substring(2)).toList();
      }
    }
    throw new IllegalStateException("the dataset's transforms have no imputer");
  }

  /** The probability of class 1, from a model's probability vector. */
  static Column score() {
    return functions.vector_to_array(col(PROBABILITY), "float64").getItem(1);
  }
}
