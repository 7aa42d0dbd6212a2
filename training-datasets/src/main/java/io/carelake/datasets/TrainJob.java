package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.IntervalJob;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
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
import picocli.CommandLine.Spec;

/**
 * {@code train}: per outcome of a risk dataset, a logistic regression and gradient-boosted trees
 * (Spark MLlib) on the dataset's train rows with its fitted transforms, and the published score
 * of the outcome as a baseline, raw and recalibrated on train; every one an iteration in
 * {@code models.iterations} with its scores of the train and test rows in
 * {@code models.predictions}. An iteration's id hashes the code version, the cohort definition,
 * the dataset (content-derived) and the parameters, so a rerun on the same inputs replaces it.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train logistic regression and gradient-boosted trees per outcome of a risk"
        + " dataset (default: the latest built for the interval), and score the published"
        + " baselines; write models.iterations and models.predictions.")
public final class TrainJob extends IntervalJob {

  static final StructType ITERATION_SCHEMA = new StructType()
      .add("iteration_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("algorithm", DataTypes.StringType, false)
      .add("code_version", DataTypes.StringType, false)
      .add("definition_hash", DataTypes.StringType, false)
      .add("cohort_definition", DataTypes.StringType, false)
      .add("dataset_id", DataTypes.StringType, false)
      .add("dataset_snapshot_id", DataTypes.LongType, true)
      .add("feature_snapshot_id", DataTypes.LongType, true)
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("seed", DataTypes.LongType, false)
      .add("features", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("interval_start", DataTypes.DateType, false)
      .add("interval_end", DataTypes.DateType, false)
      .add("train_rows", DataTypes.LongType, false)
      .add("test_rows", DataTypes.LongType, false)
      .add("train_positive", DataTypes.LongType, false)
      .add("test_positive", DataTypes.LongType, false)
      .add("model_path", DataTypes.StringType, true)
      .add("model_type", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("trained_at", DataTypes.TimestampType, false);

  /** The prediction columns, the evaluation contract. */
  static final List<String> PREDICTION_COLUMNS = List.of("iteration_id", "outcome", "split",
      "patient_pseudonym", "index_date", "label", "score", "sex", "age_band",
      "age_band_generalised", "region", "facility_type");

  @Spec CommandSpec spec;

  @Option(names = "--dataset-id", paramLabel = "ID",
      description = "Risk dataset to train on (default: the latest built for exactly the interval).")
  String datasetId;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
      description = "Seed of the gradient-boosted trees' subsampling (default: ${DEFAULT-VALUE});"
          + " part of every iteration's identity.")
  long seed;

  @Option(names = "--reg-param", paramLabel = "LAMBDA",
      description = "Logistic regression's regularisation, >= 0 (default: config train.reg-param,"
          + " else 0.01).")
  Double regParam;

  @Option(names = "--elastic-net-param", paramLabel = "ALPHA",
      description = "Elastic-net mix, 0 (ridge) to 1 (lasso) (default: config"
          + " train.elastic-net-param, else 0.0).")
  Double elasticNetParam;

  @Option(names = "--max-iter", paramLabel = "N",
      description = "Logistic regression's optimiser iterations (default: config train.max-iter,"
          + " else 100).")
  Integer maxIter;

  @Option(names = "--gbt-max-depth", paramLabel = "N",
      description = "Trees' depth (default: config train.gbt-max-depth, else 3).")
  Integer gbtMaxDepth;

  @Option(names = "--gbt-max-iter", paramLabel = "N",
      description = "Boosting rounds (default: config train.gbt-max-iter, else 50).")
  Integer gbtMaxIter;

  @Option(names = "--gbt-step-size", paramLabel = "ETA",
      description = "Learning rate, in (0, 1] (default: config train.gbt-step-size, else 0.1).")
  Double gbtStepSize;

  @Option(names = "--gbt-subsampling-rate", paramLabel = "F",
      description = "Share of rows per tree, in (0, 1] (default: config"
          + " train.gbt-subsampling-rate, else 0.8).")
  Double gbtSubsamplingRate;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Partitions the rows are fitted from (default: config train.partitions, else"
          + " 1). One makes a rerun's coefficients and scores identical to the last bit; more fit"
          + " faster on a cluster, but Spark then merges partial sums in the order its tasks"
          + " finish.")
  Integer partitions;

  public static void main(String[] args) {
    System.exit(JobMain.run(new TrainJob(), args));
  }

  /** A hyper-parameter: the option when given, else the config key {@code train.<name>}. */
  private static double param(CarelakeConfig config, String name, Double option, double fallback,
      double min, double max) {
    double v = option != null ? option : Double.parseDouble(config.get("train." + name,
        Double.toString(fallback)).strip());
    if (!(v >= min && v <= max)) {
      throw new IllegalArgumentException("train." + name + " (--" + name + ") must be between "
          + min + " and " + max + ", got " + v);
    }
    return v;
  }

  RiskModels.LogisticParams logisticParams(CarelakeConfig c) {
    return new RiskModels.LogisticParams(param(c, "reg-param", regParam, 0.01, 0, 1e6),
        param(c, "elastic-net-param", elasticNetParam, 0.0, 0, 1),
        (int) param(c, "max-iter", maxIter == null ? null : maxIter.doubleValue(), 100, 1, 1e6));
  }

  RiskModels.GbtParams gbtParams(CarelakeConfig c) {
    return new RiskModels.GbtParams(
        (int) param(c, "gbt-max-depth", gbtMaxDepth == null ? null : gbtMaxDepth.doubleValue(), 3,
            1, 30),
        (int) param(c, "gbt-max-iter", gbtMaxIter == null ? null : gbtMaxIter.doubleValue(), 50, 1,
            10_000),
        param(c, "gbt-step-size", gbtStepSize, 0.1, 1e-9, 1),
        param(c, "gbt-subsampling-rate", gbtSubsamplingRate, 0.8, 1e-9, 1));
  }

  /** One trained or computed iteration, before it is written. */
  private record Iteration(String id, String outcome, String kind, String algorithm,
      Map<String, String> params, List<String> features, String modelPath, Dataset<Row> scored) {}

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    RiskModels.LogisticParams lr = logisticParams(ctx.config());
    RiskModels.GbtParams gbt = gbtParams(ctx.config());
    RiskDatasets.Entry entry = RiskDatasets.find(spark, ctx, datasetId, interval);
    PinnedTable source = PinnedTable.read(spark, ctx, Tables.DATASETS_RISK, "risk-dataset");
    ctx.run().parameter("dataset_id", entry.datasetId()).parameter("seed", seed)
        .parameter("cohort_definition", entry.definition())
        .parameter("cohort_definition_hash", entry.definitionHash());
    lr.asMap().forEach((k, v) -> ctx.run().parameter("lr." + k, v));
    gbt.asMap().forEach((k, v) -> ctx.run().parameter("gbt." + k, v));
    ctx.run().specHash(entry.definitionHash());
    int parts = (int) param(ctx.config(), "partitions",
        partitions == null ? null : partitions.doubleValue(), 1, 1, 100_000);
    ctx.run().parameter("partitions", parts);
    // a fixed layout of the rows (hash partitions, sorted): the same dataset trains the same model;
    // with one partition also to the last bit (MLlib's tree aggregation adds partial sums in the
    // order tasks finish, so with more the coefficients may differ in their last digits)
    Dataset<Row> rows = source.rows().where(col("dataset_id").equalTo(entry.datasetId()))
        .repartition(parts, col(RiskColumns.PATIENT))
        .sortWithinPartitions(RiskColumns.PATIENT, RiskColumns.INDEX_DATE, RiskColumns.OUTCOME)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Iteration> iterations = new ArrayList<>();
      Map<String, long[]> counts = new TreeMap<>();
      for (String outcome : entry.outcomes()) {
        Dataset<Row> ofOutcome = rows.where(col(RiskColumns.OUTCOME).equalTo(outcome));
        long[] n = counts(ofOutcome);
        counts.put(outcome, n);
        ctx.progress("%s: %,d train rows (%,d events), %,d test rows (%,d events)", outcome, n[0],
            n[2], n[1], n[3]);
        iterations.addAll(outcomeIterations(ctx, entry, outcome, ofOutcome, lr, gbt));
      }
      write(spark, ctx, entry, source.snapshotId(), iterations, counts);
    } finally {
      rows.unpersist();
    }
  }

  private List<Iteration> outcomeIterations(JobContext ctx, RiskDatasets.Entry entry,
      String outcome, Dataset<Row> rows, RiskModels.LogisticParams lr, RiskModels.GbtParams gbt)
      throws Exception {
    List<Iteration> out = new ArrayList<>();
    PipelineModel transforms = RiskTransforms.load(new Path(entry.transformsPath(), outcome)
        .toString());
    List<String> features = RiskModels.features(transforms);
    Dataset<Row> train = rows.where(col(TemporalSplit.COLUMN).equalTo(TemporalSplit.TRAIN));
    String modelsDir = ctx.config().get(CarelakeConfig.MODELS_DIR);

    Map<String, String> lrParams = lr.asMap();
    String lrId = iterationId(entry, outcome, "lr", RiskModels.LOGISTIC_REGRESSION, lrParams);
    PipelineModel lrModel = RiskModels.logistic(transforms, lr).fit(train);
    out.add(saved(lrId, outcome, "model", RiskModels.LOGISTIC_REGRESSION, lrParams, features,
        lrModel, rows, modelsDir, ctx));

    Map<String, String> gbtParams = gbt.asMap();
    String gbtId = iterationId(entry, outcome, "gbt", RiskModels.GBT, gbtParams);
    PipelineModel gbtModel = RiskModels.gbt(transforms, gbt, seed).fit(train);
    out.add(saved(gbtId, outcome, "model", RiskModels.GBT, gbtParams, features, gbtModel, rows,
        modelsDir, ctx));

    for (PublishedScores.Score score : PublishedScores.Score.values()) {
      if (score.outcome().equals(outcome)) {
        out.addAll(baselines(ctx, entry, score, rows, train));
      }
    }
    return out;
  }

  private Iteration saved(String id, String outcome, String kind, String algorithm,
      Map<String, String> params, List<String> features, PipelineModel model, Dataset<Row> rows,
      String modelsDir, JobContext ctx) throws Exception {
    String path = new Path(new Path(modelsDir), id).toString();
    model.write().overwrite().save(path);
    ctx.progress("%s: %s trained on %d features, saved to %s", outcome, id, features.size(), path);
    return new Iteration(id, outcome, kind, algorithm, params, features, path,
        model.transform(rows).withColumn("score", RiskModels.score()));
  }

  /** The published score raw, and recalibrated by a logistic regression fitted on train. */
  private List<Iteration> baselines(JobContext ctx, RiskDatasets.Entry entry,
      PublishedScores.Score score, Dataset<Row> rows, Dataset<Row> train) {
    List<String> missing = score.inputs().stream()
        .filter(c -> !List.of(rows.columns()).contains(c)).toList();
    if (!missing.isEmpty()) {
      ctx.progress("%s: not scored, the cohort's features lack %s", score.algorithm(), missing);
      ctx.run().count(score.algorithm() + ".skipped", 1);
      return List.of();
    }
    Map<String, Double> medians = Medians.of(train, score.inputs());
    double years = timeAtRiskYears(rows);
    Map<String, String> raw = new LinkedHashMap<>();
    raw.put("recalibration", "none");
    raw.put("horizon_years", Double.toString(years));
    raw.put("inputs", String.join(",", score.inputs()));
    medians.forEach((k, v) -> raw.put("median." + k, Double.toString(v)));
    String rawId = iterationId(entry, score.outcome(), score.algorithm().replace('_', '-'),
        score.algorithm(), raw);
    List<Iteration> out = new ArrayList<>();
    out.add(new Iteration(rawId, score.outcome(), "baseline", score.algorithm(), raw,
        score.inputs(), null, rows.withColumn("score", score.raw(medians, years))));

    Dataset<Row> withInput = rows.withColumn("_score_input",
        score.recalibrationInput(medians, years));
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"_score_input"})
        .setOutputCol("_score_vector").transform(withInput);
    LogisticRegressionModel recal = new LogisticRegression().setFeaturesCol("_score_vector")
        .setLabelCol(RiskColumns.LABEL).setProbabilityCol(RiskModels.PROBABILITY).setRegParam(0)
        .setStandardization(false).setMaxIter(100)
        .fit(assembled.where(col(TemporalSplit.COLUMN).equalTo(TemporalSplit.TRAIN)));
    Map<String, String> recalibrated = new LinkedHashMap<>(raw);
    recalibrated.put("recalibration", "logistic on " + (score
        == PublishedScores.Score.FRAMINGHAM_HYPERTENSION ? "logit(risk)" : "points")
        + ", fitted on train");
    recalibrated.put("intercept", Double.toString(recal.intercept()));
    recalibrated.put("slope", Double.toString(recal.coefficients().apply(0)));
    String recalId = iterationId(entry, score.outcome(), score.algorithm().replace('_', '-')
        + "-recal", score.algorithm(), recalibrated);
    out.add(new Iteration(recalId, score.outcome(), "baseline", score.algorithm(), recalibrated,
        score.inputs(), null, recal.transform(assembled).withColumn("score",
            RiskModels.score())));
    ctx.progress("%s: %s raw and recalibrated (intercept %.3f, slope %.3f)", score.outcome(),
        score.algorithm(), recal.intercept(), recal.coefficients().apply(0));
    return out;
  }

  /** The time at risk in years, from the rows' observed days (the definition's end). */
  private static double timeAtRiskYears(Dataset<Row> rows) {
    Row r = rows.agg(org.apache.spark.sql.functions.max("time_at_risk_days")).first();
    return (r.isNullAt(0) ? 180 : r.getInt(0)) / 365.25;
  }

  private String iterationId(RiskDatasets.Entry entry, String outcome, String shortName,
      String algorithm, Map<String, String> params) {
    String basis = "code=" + Version.CARELAKE + ";definition=" + entry.definitionHash()
        + ";dataset=" + entry.datasetId() + ";outcome=" + outcome + ";algorithm=" + algorithm
        + ";seed=" + seed + ";params=" + new TreeMap<>(params);
    return outcome + "-" + shortName + "-" + entry.interval().start() + "-" + entry.interval().end()
        + "-" + IterationId.shortHash(basis);
  }

  /** train rows, test rows, train events, test events. */
  private static long[] counts(Dataset<Row> rows) {
    Column train = col(TemporalSplit.COLUMN).equalTo(TemporalSplit.TRAIN);
    Column test = col(TemporalSplit.COLUMN).equalTo(TemporalSplit.TEST);
    Column event = col(RiskColumns.LABEL).equalTo(1);
    Row r = rows.agg(sum(when(train, 1L).otherwise(0L)), sum(when(test, 1L).otherwise(0L)),
        sum(when(train.and(event), 1L).otherwise(0L)), sum(when(test.and(event), 1L)
            .otherwise(0L))).first();
    return new long[] {r.isNullAt(0) ? 0 : r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1),
        r.isNullAt(2) ? 0 : r.getLong(2), r.isNullAt(3) ? 0 : r.getLong(3)};
  }

  private void write(SparkSession spark, JobContext ctx, RiskDatasets.Entry entry,
      Long datasetSnapshot, List<Iteration> iterations, Map<String, long[]> counts)
      throws Exception {
    List<String> ids = iterations.stream().map(Iteration::id).toList();
    Dataset<Row> predictions = null;
    long expected = 0;
    for (Iteration it : iterations) {
      Dataset<Row> p = it.scored().select(lit(it.id()).as("iteration_id"), col("outcome"),
          col(TemporalSplit.COLUMN), col(RiskColumns.PATIENT), col(RiskColumns.INDEX_DATE),
          col(RiskColumns.LABEL).cast("int").as("label"), col("score").cast("double").as("score"),
          col("sex"), col("age_band"), col("age_band_generalised"), col("region"),
          col("facility_type"));
      predictions = predictions == null ? p : predictions.unionByName(p);
      long[] n = counts.get(it.outcome());
      expected += n[0] + n[1];
    }
    // predictions first: an iteration row is visible only once its predictions are
    IterationWrites.replace(spark, ctx, Tables.MODELS_PREDICTIONS, predictions,
        IterationWrites.ITERATION_ID, ids);
    Long predictionsSnapshot = ctx.currentSnapshot(Tables.MODELS_PREDICTIONS);
    ctx.run().output(Tables.MODELS_PREDICTIONS.toString(), predictionsSnapshot);

    List<Row> rows = new ArrayList<>();
    for (Iteration it : iterations) {
      long[] n = counts.get(it.outcome());
      Timestamp now = Timestamp.from(Instant.now());
      rows.add(RowFactory.create(it.id(), it.outcome(), it.kind(), it.algorithm(),
          Version.CARELAKE, entry.definitionHash(), entry.definition(), entry.datasetId(),
          datasetSnapshot, entry.featuresSnapshotId(),
          scala.collection.JavaConverters.mapAsScalaMap(it.params()), seed, it.features(),
          Date.valueOf(entry.interval().start()), Date.valueOf(entry.interval().end()), n[0],
          n[1], n[2], n[3], it.modelPath(), it.algorithm(), ctx.run().id(), now, now));
    }
    IterationWrites.replace(spark, ctx, Tables.MODELS_ITERATIONS,
        spark.createDataFrame(rows, ITERATION_SCHEMA), IterationWrites.ITERATION_ID, ids);
    ctx.run().output(Tables.MODELS_ITERATIONS.toString(),
        ctx.currentSnapshot(Tables.MODELS_ITERATIONS));

    // count what was committed: the ledger reconciles the predictions table itself
    Row written = PinnedTable.at(spark, ctx, Tables.MODELS_PREDICTIONS, predictionsSnapshot)
        .where(col(IterationWrites.ITERATION_ID).isin(ids.toArray()))
        .agg(count(lit(1)), sum(when(col("score").isNull().or(col("score").isNaN()), 1)
            .otherwise(0))).first();
    long out = written.getLong(0);
    long badScores = written.isNullAt(1) ? 0 : written.getLong(1);
    if (badScores > 0) {
      throw new IllegalStateException(badScores + " predictions of " + ids + " have no score;"
          + " a model or a score could not rate those rows");
    }
    counts.forEach((o, n) -> ctx.run().count(o + ".train_rows", n[0]).count(o + ".test_rows", n[1])
        .count(o + ".train_events", n[2]).count(o + ".test_events", n[3]));
    ctx.run().count("iterations", iterations.size()).count("predictions", out)
        .rows(expected, out, 0).requireReconciled();
    ctx.progress("%d iterations (%s) and %,d predictions written", iterations.size(),
        String.join(", ", ids), out);
  }
}
