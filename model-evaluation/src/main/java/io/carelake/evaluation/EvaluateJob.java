package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.IntervalOptions;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import io.carelake.spark.JobOptions;
import io.carelake.spark.SparkJob;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: scores a model iteration on its held-out split from models.predictions (AUROC
 * with DeLong's interval, Brier score with a normal interval) into {@code evaluation.results}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model iteration on its held-out predictions: AUROC with a DeLong "
        + "confidence interval, and the Brier score, into evaluation.results.")
public final class EvaluateJob implements SparkJob {

  public static final String SPLIT_DEFAULT = "test";

  @Mixin JobOptions jobOptions;
  @Mixin IntervalOptions intervalOptions;

  @Option(names = "--iteration", paramLabel = "ID",
      description = "Iteration to evaluate (default: the latest in models.iterations, by trained_at "
          + "or by the end of the train run that registered it).")
  String iteration;

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = SPLIT_DEFAULT,
      description = "Split of models.predictions to evaluate (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "" + ConfidenceLevel.DEFAULT,
      description = "Two-sided confidence level of the intervals (default: ${DEFAULT-VALUE}).")
  double confidence;

  public static void main(String[] args) {
    System.exit(JobMain.run(new EvaluateJob(), args));
  }

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public JobOptions jobOptions() {
    return jobOptions;
  }

  @Override
  public Interval interval() {
    return intervalOptions.interval();
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    ConfidenceLevel level = new ConfidenceLevel(confidence);
    Dataset<Row> iterations = readPinned(spark, ctx, Tables.MODELS_ITERATIONS);
    String id;
    if (iteration != null) {
      id = Iterations.named(iterations, iteration);
    } else {
      Dataset<Row> runs = null;
      if (ctx.tableExists(Tables.GOVERNANCE_RUNS)) {
        runs = readPinned(spark, ctx, Tables.GOVERNANCE_RUNS)
            .filter(col("job").equalTo("train").and(col("status").equalTo("SUCCEEDED")));
      }
      id = Iterations.latest(iterations, runs);
    }
    ctx.run().parameter("iteration", id).parameter("split", split)
        .parameter("confidence", level.level());
    ctx.progress("evaluating iteration %s on split '%s'", id, split);

    Long predictionsSnapshot = ctx.currentSnapshot(Tables.MODELS_PREDICTIONS);
    Dataset<Row> predictions = readPinned(spark, ctx, Tables.MODELS_PREDICTIONS)
        .filter(col("iteration_id").equalTo(id).and(col("split").equalTo(split)));
    ScoredPredictions scored = ScoredPredictions.of(predictions);
    if (scored.rowsIn() == 0) {
      throw new IllegalStateException("No '" + split + "' predictions for iteration " + id + " in "
          + Tables.MODELS_PREDICTIONS + " (snapshot " + predictionsSnapshot
          + "): run `train` for it, or pass another --iteration / --split");
    }
    Dataset<Row> evaluable = scored.evaluable().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MetricEstimate auroc = DelongAuroc.estimate(evaluable, level);
      MetricEstimate brier = BrierScore.estimate(evaluable, level);
      ctx.progress("AUROC %s, Brier %s (n %,d, %,d positive; %,d set aside)", describe(auroc),
          describe(brier), auroc.n(), auroc.nPositive(), scored.setAside());

      Dataset<Row> rows = EvaluationResults.frame(spark, ctx.run().id(), id, split,
          predictionsSnapshot, List.of(auroc, brier));
      EvaluationResults.replace(spark, ctx, Tables.EVALUATION_RESULTS, rows, id, split);
      ctx.run().output(Tables.EVALUATION_RESULTS.toString(),
          ctx.currentSnapshot(Tables.EVALUATION_RESULTS));
      ctx.run().count("n", auroc.n()).count("n_positive", auroc.nPositive())
          .count("null_score", scored.nullScore()).count("bad_label", scored.badLabel())
          .count("metrics_written", rows.count())
          .rows(scored.rowsIn(), scored.rowsOut(), scored.setAside())
          .requireReconciled();
    } finally {
      evaluable.unpersist();
    }
  }

  private static String describe(MetricEstimate e) {
    if (!e.defined()) {
      return "undefined";
    }
    return String.format(Locale.ROOT, "%.4f [%.4f, %.4f] (%s)", e.value(), e.ciLow(), e.ciHigh(),
        e.ciMethod());
  }

  /** Reads a table at its current snapshot and records that snapshot as the run's input. */
  static Dataset<Row> readPinned(SparkSession spark, JobContext ctx, TableName table) {
    if (!ctx.tableExists(table)) {
      throw new IllegalStateException("Input table " + table + " does not exist in catalog "
          + ctx.catalogName() + ": run `train` first");
    }
    Long snapshot = ctx.currentSnapshot(table);
    ctx.run().input(table.toString(), snapshot);
    if (snapshot == null) {
      return spark.table(ctx.table(table));
    }
    return spark.sql("SELECT * FROM " + ctx.table(table) + " VERSION AS OF " + snapshot);
  }
}
