package io.carelake.datasets;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Trains one iteration of the baseline chronic-risk model on the feature rows of an interval, saves
 * it under {@code models.dir}, and records the iteration and its train and test predictions.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train one logistic-regression iteration on features.chronic_risk rows whose "
        + "index_date is in the interval (patient-level split, 20% test); save the model under "
        + "<models.dir>/<iteration_id>/ and write models.iterations and models.predictions.")
public final class TrainJob extends IntervalJob {

  static final String NULL_LABEL = "null_label";

  static final StructType ITERATION_SCHEMA = new StructType()
      .add("iteration_id", DataTypes.StringType, false)
      .add("model_type", DataTypes.StringType, false)
      .add("features", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("interval_start", DataTypes.DateType, false)
      .add("interval_end", DataTypes.DateType, false)
      .add("train_rows", DataTypes.LongType, false)
      .add("test_rows", DataTypes.LongType, false)
      .add("train_positive", DataTypes.LongType, false)
      .add("test_positive", DataTypes.LongType, false)
      .add("null_label_rows", DataTypes.LongType, false)
      .add("feature_snapshot_id", DataTypes.LongType, false)
      .add("model_path", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("trained_at", DataTypes.TimestampType, false);

  @Spec
  CommandSpec spec;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
      description = "Seed for anything random in training (default: ${DEFAULT-VALUE}). The current "
          + "pipeline draws no random numbers; the seed is recorded and part of the iteration id.")
  long seed;

  private double regParam;
  private double elasticNetParam;
  private int maxIter;

  @Option(names = "--reg-param", paramLabel = "LAMBDA", defaultValue = "0.01",
      description = "Regularisation strength, >= 0 (default: ${DEFAULT-VALUE}).")
  void regParam(double value) {
    if (value < 0 || Double.isNaN(value)) {
      throw new ParameterException(spec.commandLine(), "--reg-param must be >= 0, got " + value);
    }
    regParam = value;
  }

  @Option(names = "--elastic-net-param", paramLabel = "ALPHA", defaultValue = "0.0",
      description = "Elastic-net mix, 0 = L2 (ridge) to 1 = L1 (lasso) (default: ${DEFAULT-VALUE}).")
  void elasticNetParam(double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new ParameterException(spec.commandLine(),
          "--elastic-net-param must be between 0 and 1, got " + value);
    }
    elasticNetParam = value;
  }

  @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100",
      description = "Maximum optimiser iterations, >= 1 (default: ${DEFAULT-VALUE}).")
  void maxIter(int value) {
    if (value < 1) {
      throw new ParameterException(spec.commandLine(), "--max-iter must be >= 1, got " + value);
    }
    maxIter = value;
  }

  public static void main(String[] args) {
    System.exit(JobMain.run(new TrainJob(), args));
  }

  @Override
  public String name() {
    return "train";
  }

  RiskModel.Params params() {
    return new RiskModel.Params(regParam, elasticNetParam, maxIter, seed);
  }

  static Column indexDateIn(Interval interval) {
    return col("index_date").geq(lit(Date.valueOf(interval.start())))
        .and(col("index_date").lt(lit(Date.valueOf(interval.end()))));
  }

  /** Row counts of the interval's feature rows, from one aggregate pass. */
  record Counts(long in, long nullLabel, long badLabel, long train, long test, long trainPositive,
      long testPositive) {

    static Counts of(Dataset<Row> rows) {
      Column label = col(RiskModel.LABEL);
      Column labelled = label.isNotNull();
      Column isTrain = col(PatientSplit.COLUMN).equalTo(PatientSplit.TRAIN);
      Column isTest = col(PatientSplit.COLUMN).equalTo(PatientSplit.TEST);
      Row r = rows.agg(count(lit(1)), countIf(label.isNull()),
          countIf(labelled.and(label.isin(0, 1).unary_$bang())),
          countIf(labelled.and(isTrain)), countIf(labelled.and(isTest)),
          countIf(isTrain.and(label.equalTo(1))), countIf(isTest.and(label.equalTo(1)))).first();
      return new Counts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
          r.getLong(5), r.getLong(6));
    }

    private static Column countIf(Column condition) {
      // sum() over no rows is null: an empty interval counts 0
      return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
    }
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    PinnedTable source = PinnedTable.read(spark, ctx, Tables.FEATURES_CHRONIC_RISK, "features");
    Dataset<Row> rows = source.rows().where(indexDateIn(interval))
        .withColumn(PatientSplit.COLUMN, PatientSplit.split());
    Counts n = Counts.of(rows);
    // recorded before the checks, so that a refused run still tells what it saw
    ctx.run().count("feature_rows", n.in()).count(NULL_LABEL, n.nullLabel())
        .count("train_rows", n.train()).count("test_rows", n.test())
        .count("train_positive", n.trainPositive()).count("test_positive", n.testPositive());
    requireTrainable(n, interval);
    ctx.progress("%,d feature rows in %s: %,d train (%,d positive), %,d test (%,d positive), "
        + "%,d without a label", n.in(), interval, n.train(), n.trainPositive(), n.test(),
        n.testPositive(), n.nullLabel());

    if (n.testPositive() == 0 || n.testPositive() == n.test()) {
      ctx.progress("warning: the test split holds only label %d (%,d rows): `evaluate` cannot "
          + "compute an AUROC for this iteration; widen the interval", n.testPositive() == 0 ? 0 : 1,
          n.test());
    }

    RiskModel.Params params = params();
    Map<String, String> paramMap = params.asMap();
    String fingerprint = IterationId.contentFingerprint(rows);
    ctx.run().parameter("features_fingerprint", fingerprint);
    String iterationId = IterationId.of(RiskModel.ID_PREFIX, interval, fingerprint,
        RiskModel.CANDIDATE_FEATURES.keySet(), paramMap);
    paramMap.forEach(ctx.run()::parameter);
    ctx.run().parameter("iteration_id", iterationId);

    Dataset<Row> labelled = rows.where(col(RiskModel.LABEL).isNotNull())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> train = labelled.where(col(PatientSplit.COLUMN).equalTo(PatientSplit.TRAIN));
      List<String> features = RiskModel.featuresWithValues(train);
      int dropped = RiskModel.CANDIDATE_FEATURES.size() - features.size();
      if (features.isEmpty()) {
        throw new IllegalStateException("Every feature of " + Tables.FEATURES_CHRONIC_RISK
            + " is null in the training rows of " + interval + ": nothing to train on");
      }
      if (dropped > 0) {
        ctx.progress("%d feature(s) have no value in the training split and are left out", dropped);
      }

      PipelineModel model = RiskModel.pipeline(features, params).fit(train);
      String modelPath = new Path(new Path(ctx.config().get(CarelakeConfig.MODELS_DIR)),
          iterationId).toString();
      model.write().overwrite().save(modelPath);
      ctx.progress("iteration %s trained on %d features, saved to %s", iterationId,
          features.size(), modelPath);

      // Predictions first: an iteration row is visible only once its predictions are.
      Dataset<Row> predictions = model.transform(labelled).select(
          lit(iterationId).as(IterationWrites.ITERATION_ID), col("patient_pseudonym"),
          col("index_date"), col(PatientSplit.COLUMN), col(RiskModel.LABEL).cast("int").as("label"),
          RiskModel.score().as("score"));
      IterationWrites.replaceIteration(spark, ctx, Tables.MODELS_PREDICTIONS, predictions,
          iterationId);
      Long predictionsSnapshot = ctx.currentSnapshot(Tables.MODELS_PREDICTIONS);
      ctx.run().output(Tables.MODELS_PREDICTIONS.toString(), predictionsSnapshot);

      Row iteration = RowFactory.create(iterationId, RiskModel.MODEL_TYPE, features, paramMap,
          Date.valueOf(interval.start()), Date.valueOf(interval.end()), n.train(), n.test(),
          n.trainPositive(), n.testPositive(), n.nullLabel(), source.snapshotId(), modelPath,
          ctx.run().id(), java.sql.Timestamp.from(java.time.Instant.now()));
      IterationWrites.replaceIteration(spark, ctx, Tables.MODELS_ITERATIONS,
          spark.createDataFrame(List.of(iteration), ITERATION_SCHEMA), iterationId);
      ctx.run().output(Tables.MODELS_ITERATIONS.toString(),
          ctx.currentSnapshot(Tables.MODELS_ITERATIONS));

      // Count what was committed: the ledger reconciles the predictions table itself.
      long written = PinnedTable.at(spark, ctx, Tables.MODELS_PREDICTIONS, predictionsSnapshot)
          .where(col(IterationWrites.ITERATION_ID).equalTo(iterationId)).count();
      ctx.run().count("feature_rows", n.in()).count("train_rows", n.train())
          .count("test_rows", n.test()).count("train_positive", n.trainPositive())
          .count("test_positive", n.testPositive()).count("features_used", features.size())
          .count("features_without_values", dropped).count(NULL_LABEL, n.nullLabel())
          .rows(n.in(), written, n.nullLabel()).requireReconciled();
    } finally {
      labelled.unpersist();
    }
  }

  /** Fails early, with what to do, when the rows cannot give a trained and testable model. */
  static void requireTrainable(Counts n, Interval interval) {
    String where = Tables.FEATURES_CHRONIC_RISK + " (index_date in " + interval + ")";
    if (n.in() == 0) {
      throw new IllegalStateException("No rows in " + where
          + ": run `features` for this interval first, or pick an interval with index dates");
    }
    if (n.badLabel() > 0) {
      throw new IllegalStateException(n.badLabel() + " rows of " + where
          + " have a label other than 0, 1 or null: the features contract allows only these");
    }
    if (n.train() == 0 || n.test() == 0) {
      throw new IllegalStateException("The patient split of " + where + " left " + n.train()
          + " labelled train rows and " + n.test() + " labelled test rows; both must be non-empty "
          + "(widen the interval to include more patients)");
    }
    if (n.trainPositive() == 0 || n.trainPositive() == n.train()) {
      throw new IllegalStateException("The training rows of " + where + " all have label "
          + (n.trainPositive() == 0 ? 0 : 1) + " (" + n.train() + " rows): a classifier needs both "
          + "classes (widen the interval or check the features' label horizon)");
    }
  }
}
