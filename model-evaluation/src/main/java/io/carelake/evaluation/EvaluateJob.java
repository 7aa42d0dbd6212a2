package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate}: scores a model iteration on its held-out split from models.predictions (AUROC
 * with DeLong's interval, Brier score with a normal interval) into {@code evaluation.results}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model iteration on its held-out predictions: AUROC with a DeLong "
        + "confidence interval, and the Brier score, into evaluation.results.")
public final class EvaluateJob extends IntervalJob {

  public static final String SPLIT_DEFAULT = "test";

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Which which;

  /** Which iterations: the latest (neither option), one named, or all of them. */
  static final class Which {
    @Option(names = "--iteration", paramLabel = "ID",
        description = "Iteration to evaluate (default: the latest in models.iterations, by "
            + "trained_at or by the end of the train run that registered it).")
    String iteration;

    @Option(names = "--all-iterations",
        description = "Evaluate every iteration in models.iterations (a backfill); iterations "
            + "without predictions in the split are skipped and counted.")
    boolean all;
  }

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = SPLIT_DEFAULT,
      description = "Split of models.predictions to evaluate (default: ${DEFAULT-VALUE}).")
  String split;

  @Spec CommandSpec spec;

  double confidence = ConfidenceLevel.DEFAULT;

  /** Checked while parsing, so that a bad level is a usage error (exit 2) before Spark starts. */
  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "" + ConfidenceLevel.DEFAULT,
      description = "Two-sided confidence level of the intervals, in (0, 1) (default: ${DEFAULT-VALUE}).")
  void setConfidence(double level) {
    try {
      new ConfidenceLevel(level);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage()
          + " (e.g. --confidence 0.95 for a 95 % interval)");
    }
    this.confidence = level;
  }

  public static void main(String[] args) {
    System.exit(JobMain.run(new EvaluateJob(), args));
  }

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    ConfidenceLevel level = new ConfidenceLevel(confidence);
    Dataset<Row> iterations = readPinned(spark, ctx, Tables.MODELS_ITERATIONS);
    boolean all = which != null && which.all;
    List<String> ids;
    if (all) {
      ids = Iterations.all(iterations);
      ctx.run().parameter("iteration", "all");
    } else if (which != null && which.iteration != null) {
      ids = List.of(Iterations.named(iterations, which.iteration));
      ctx.run().parameter("iteration", ids.get(0));
    } else {
      Dataset<Row> runs = null;
      if (ctx.tableExists(Tables.GOVERNANCE_RUNS)) {
        runs = readPinned(spark, ctx, Tables.GOVERNANCE_RUNS)
            .filter(col("job").equalTo("train").and(col("status").equalTo("SUCCEEDED")));
      }
      ids = List.of(Iterations.latest(iterations, runs));
      ctx.run().parameter("iteration", ids.get(0));
    }
    ctx.run().parameter("split", split).parameter("confidence", level.level());

    Long predictionsSnapshot = ctx.currentSnapshot(Tables.MODELS_PREDICTIONS);
    Dataset<Row> predictions = readPinned(spark, ctx, Tables.MODELS_PREDICTIONS);
    Totals totals = new Totals();
    List<String> withoutPredictions = new ArrayList<>();
    for (String id : ids) {
      ctx.progress("evaluating iteration %s on split '%s'", id, split);
      ScoredPredictions scored = ScoredPredictions.of(predictions
          .filter(col("iteration_id").equalTo(id).and(col("split").equalTo(split))));
      if (scored.rowsIn() == 0) {
        withoutPredictions.add(id);
        ctx.progress("no '%s' predictions for iteration %s: skipped", split, id);
        continue;
      }
      evaluate(spark, ctx, id, scored, level, predictionsSnapshot, totals);
    }
    if (totals.iterations == 0) {
      String what = all ? "any of the " + ids.size() + " iterations in " + Tables.MODELS_ITERATIONS
          : "iteration " + ids.get(0);
      throw new IllegalStateException("No '" + split + "' predictions for " + what + " in "
          + Tables.MODELS_PREDICTIONS + " (snapshot " + predictionsSnapshot
          + "): run `train` for it, or pass another --iteration / --split");
    }
    ctx.run().output(Tables.EVALUATION_RESULTS.toString(),
        ctx.currentSnapshot(Tables.EVALUATION_RESULTS));
    ctx.run().count("iterations_evaluated", totals.iterations)
        .count("iterations_without_predictions", withoutPredictions.size())
        .count("n", totals.n).count("n_positive", totals.nPositive)
        .count("null_score", totals.nullScore).count("bad_label", totals.badLabel)
        .count("metrics_written", totals.metrics)
        .rows(totals.rowsIn, totals.rowsOut, totals.setAside)
        .requireReconciled();
  }

  /** Running sums over the evaluated iterations, for the run record. */
  private static final class Totals {
    long iterations;
    long n;
    long nPositive;
    long nullScore;
    long badLabel;
    long metrics;
    long rowsIn;
    long rowsOut;
    long setAside;
  }

  /** Scores one iteration and replaces its rows of evaluation.results in one commit. */
  private void evaluate(SparkSession spark, JobContext ctx, String id, ScoredPredictions scored,
      ConfidenceLevel level, Long predictionsSnapshot, Totals totals) throws Exception {
    Dataset<Row> evaluable = scored.evaluable().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MetricEstimate auroc = DelongAuroc.estimate(evaluable, level);
      MetricEstimate brier = BrierScore.estimate(evaluable, level);
      ctx.progress("%s: AUROC %s, Brier %s (n %,d, %,d positive; %,d set aside)", id,
          describe(auroc), describe(brier), auroc.n(), auroc.nPositive(), scored.setAside());
      List<MetricEstimate> estimates = List.of(auroc, brier);
      Dataset<Row> rows = EvaluationResults.frame(spark, ctx.run().id(), id, split,
          predictionsSnapshot, estimates);
      EvaluationResults.replace(spark, ctx, Tables.EVALUATION_RESULTS, rows, id, split);
      totals.iterations++;
      totals.n += auroc.n();
      totals.nPositive += auroc.nPositive();
      totals.nullScore += scored.nullScore();
      totals.badLabel += scored.badLabel();
      totals.metrics += estimates.size();
      totals.rowsIn += scored.rowsIn();
      totals.rowsOut += scored.rowsOut();
      totals.setAside += scored.setAside();
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
