package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The transforms a risk dataset fits on its training rows, per outcome, and saves beside itself
 * (a Spark ML {@link PipelineModel}) for {@code train} to reuse unchanged on every split:
 *
 * <ol>
 *   <li>{@link SQLTransformer}: each feature as a double ({@link RiskColumns});</li>
 *   <li>{@link Imputer}, median of the training rows (a feature is null when nothing was measured
 *       in its window; the row's {@code *_missing_*} flags keep that fact as a feature);</li>
 *   <li>{@link VectorAssembler} and {@link StandardScaler} (mean 0, sd 1 on the training rows).</li>
 * </ol>
 *
 * A feature with no value in the training rows has no median and carries no signal: it is left
 * out, and the dataset records the features it used. No bins: neither model needs them (the
 * trees find their own splits; the published scores' categories are fixed by their papers).
 */
final class RiskTransforms {

  static final String VECTOR = "features";

  private RiskTransforms() {}

  /** The features with at least one value in {@code train}, in vector order. */
  static List<RiskColumns.Feature> withValues(List<RiskColumns.Feature> all, Dataset<Row> train) {
    Dataset<Row> typed = asDoubles(all).transform(train);
    Column[] counts = all.stream().map(f -> count(col(f.input()))).toArray(Column[]::new);
    Row row = typed.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).first();
    List<RiskColumns.Feature> used = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (row.getLong(i) > 0) {
        used.add(all.get(i));
      }
    }
    return used;
  }

  static SQLTransformer asDoubles(List<RiskColumns.Feature> features) {
    StringBuilder sql = new StringBuilder("SELECT *");
    for (RiskColumns.Feature f : features) {
      sql.append(", ").append(f.sql()).append(" AS ").append(f.input());
    }
    return new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString());
  }

  /** Fits the transforms on the training rows. */
  static PipelineModel fit(List<RiskColumns.Feature> features, Dataset<Row> train) {
    String[] inputs = features.stream().map(RiskColumns.Feature::input).toArray(String[]::new);
    String[] imputed = features.stream().map(RiskColumns.Feature::imputed).toArray(String[]::new);
    Imputer imputer = new Imputer().setStrategy("median").setInputCols(inputs)
        .setOutputCols(imputed);
    VectorAssembler assembler = new VectorAssembler().setInputCols(imputed)
        .setOutputCol("features_raw").setHandleInvalid("error");
    StandardScaler scaler = new StandardScaler().setInputCol("features_raw").setOutputCol(VECTOR)
        .setWithMean(true).setWithStd(true);
    return new Pipeline().setStages(new PipelineStage[] {asDoubles(features), imputer, assembler,
        scaler}).fit(train);
  }

  static void save(PipelineModel model, String path) throws IOException {
    model.write().overwrite().save(path);
  }

  static PipelineModel load(String path) {
    return PipelineModel.load(path);
  }
}
