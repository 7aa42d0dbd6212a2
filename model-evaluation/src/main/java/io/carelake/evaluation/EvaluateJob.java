package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.evaluation.spec.EvaluationSpec;
import io.carelake.evaluation.spec.EvaluationSpecException;
import io.carelake.evaluation.spec.EvaluationSpecs;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IntervalJob;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate}: scores model iterations on their held-out predictions with patient-level
 * uncertainty, optionally against a baseline, and optionally decides their promotion.
 *
 * <ul>
 *   <li>every metric of the evaluation spec, overall and per subgroup cell, with n, events,
 *       patients, the CI level and method, into {@code evaluation.results}; the calibration and
 *       decision curves into {@code evaluation.curves}; subgroup gap tests into
 *       {@code evaluation.subgroup_gaps};</li>
 *   <li>{@code --baseline ID}: paired differences into {@code evaluation.comparisons};</li>
 *   <li>{@code --gate}: the spec's promotion gate, a decision with every reason in
 *       {@code evaluation.gate_decisions}, the alias moved in {@code models.registry} when it passes,
 *       and exit code 3 when it does not.</li>
 * </ul>
 *
 * <p>This class holds the options and the run's outline; each iteration is evaluated by
 * {@link IterationStage} and written by {@link EvaluationWriter}, the sums kept in
 * {@link EvaluationTotals}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate model iterations on their held-out predictions: every metric of the"
        + " evaluation spec with patient-level (cluster) bootstrap intervals and clustered DeLong"
        + " for AUROC, calibration and decision curves, subgroups with Holm-adjusted gap tests;"
        + " --baseline for paired comparisons, --gate for the promotion gate.",
        "Exit codes: 0 ok, 1 failed, 2 usage error, 3 the promotion gate rejected an iteration."})
public final class EvaluateJob extends IntervalJob {

  public static final String SPLIT_DEFAULT = "test";

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Which which;

  /**
   * Which iterations: every one ({@code --all-iterations}), or one (named, or by default the latest
   * of each outcome) with an optional baseline and gate, which a backfill cannot take.
   */
  static final class Which {
    @Option(names = "--all-iterations",
        description = "Evaluate every iteration in models.iterations (a backfill); iterations "
            + "without predictions in the split are skipped and counted.")
    boolean all;

    @ArgGroup(exclusive = false, multiplicity = "1")
    One one;
  }

  /** One iteration, with what it is compared to and whether it is gated. */
  static final class One {
    @Option(names = "--iteration", paramLabel = "ID",
        description = "Iteration to evaluate (default: the latest model iteration of each outcome in"
            + " models.iterations, by created_at / trained_at, or by the end of the train run that"
            + " registered it).")
    String iteration;

    @Option(names = "--baseline", paramLabel = "ID",
        description = "Compare with this iteration (a model or a published-score baseline) on the"
            + " same test rows: paired differences into evaluation.comparisons. With --gate it is"
            + " the comparator (default comparator: the outcome's current champion).")
    String baseline;

    @Option(names = "--gate", description = "Apply the spec's promotion gate: record the decision"
        + " and its reasons in evaluation.gate_decisions, move the alias in models.registry when it"
        + " passes, exit 3 when it rejects.")
    boolean gate;
  }

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = SPLIT_DEFAULT,
      description = "Split of models.predictions to evaluate (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--promote-to", paramLabel = "ALIAS", defaultValue = "champion",
      description = "The alias a passing gate moves: champion or challenger (default:"
          + " ${DEFAULT-VALUE}).")
  void promoteTo(String alias) {
    if (!ModelRegistry.ALIASES.contains(alias)) {
      throw new ParameterException(spec.commandLine(), "--promote-to must be one of "
          + ModelRegistry.ALIASES + ", got '" + alias + "'");
    }
    this.alias = alias;
  }

  String alias = "champion";

  @Spec CommandSpec spec;

  double confidence = ConfidenceLevel.DEFAULT;
  EvaluationSpec evaluationSpec = EvaluationSpecs.defaults();
  Integer resamples;
  Long seed;

  /** Checked while parsing, so that a bad level is a usage error (exit 2) before Spark starts. */
  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "" + ConfidenceLevel.DEFAULT,
      description = "Two-sided confidence level of every interval, in (0, 1); recorded with each"
          + " result (default: ${DEFAULT-VALUE}).")
  void setConfidence(double level) {
    try {
      new ConfidenceLevel(level);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage()
          + " (e.g. --confidence 0.95 for a 95 % interval)");
    }
    this.confidence = level;
  }

  /** Parsed and validated while parsing: a bad spec is a usage error (exit 2) naming file:line. */
  @Option(names = "--spec", paramLabel = "FILE",
      description = "Evaluation spec (YAML; default: the shipped carelake/evaluation/"
          + "evaluation-spec.yaml). Its SHA-256 is recorded with every row it produced.")
  void setSpec(Path file) {
    try {
      evaluationSpec = EvaluationSpecs.load(file);
    } catch (EvaluationSpecException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Option(names = "--resamples", paramLabel = "N",
      description = "Override the spec's bootstrap resamples (>= 200; recorded with every row).")
  void setResamples(int n) {
    if (n < 200) {
      throw new ParameterException(spec.commandLine(), "--resamples must be at least 200, got "
          + n + " (the spec's default is 2000)");
    }
    resamples = n;
  }

  @Option(names = "--seed", paramLabel = "S",
      description = "Override the spec's bootstrap seed (recorded with every row).")
  void setSeed(long s) {
    seed = s;
  }

  public static void main(String[] args) {
    System.exit(JobMain.run(new EvaluateJob(), args));
  }

  @Override
  public String name() {
    return "evaluate";
  }

  private One one() {
    return which == null || which.one == null ? new One() : which.one;
  }

  /** The spec with the command line's bootstrap overrides. */
  EvaluationSpec effectiveSpec() {
    EvaluationSpec s = evaluationSpec;
    if (resamples == null && seed == null) {
      return s;
    }
    EvaluationSpec.Bootstrap b = new EvaluationSpec.Bootstrap(
        resamples == null ? s.bootstrap().resamples() : resamples,
        seed == null ? s.bootstrap().seed() : seed, s.bootstrap().jackknifeGroups());
    return new EvaluationSpec(s.name(), s.version(), s.source(), s.sha256(), b, s.minEvents(),
        s.operatingPoints(), s.decisionCurve(), s.calibration(), s.subgroups(), s.gate());
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    boolean all = which != null && which.all;
    String baseline = one().baseline;
    boolean gate = one().gate;
    ConfidenceLevel level = new ConfidenceLevel(confidence);
    EvaluationSpec es = effectiveSpec();
    Dataset<Row> iterations = readPinned(spark, ctx, Tables.MODELS_ITERATIONS);
    List<String> ids = iterationsToEvaluate(spark, ctx, iterations, all);
    if (baseline != null) {
      Iterations.named(iterations, baseline, "--baseline");
      if (ids.contains(baseline)) {
        throw new IllegalArgumentException("--baseline " + baseline + " is the iteration being"
            + " evaluated; compare it with another one");
      }
    }
    ctx.run().parameter("iteration", all ? "all" : String.join(",", ids))
        .parameter("split", split).parameter("confidence", level.level())
        .parameter("spec", es.source()).parameter("spec_name", es.name() + "@" + es.version())
        .parameter("resamples", es.bootstrap().resamples())
        .parameter("seed", es.bootstrap().seed()).specHash(es.sha256());
    if (baseline != null) {
      ctx.run().parameter("baseline", baseline);
    }
    if (gate) {
      ctx.run().parameter("gate", "true").parameter("promote_to", alias);
    }

    Long snapshot = ctx.currentSnapshot(Tables.MODELS_PREDICTIONS);
    Dataset<Row> predictions = readPinned(spark, ctx, Tables.MODELS_PREDICTIONS);
    IterationStage stage = new IterationStage(spark, ctx, predictions, split, baseline, gate,
        alias, es, level, snapshot);
    EvaluationWriter writer = new EvaluationWriter(spark, ctx, split, baseline, alias);
    EvaluationTotals totals = new EvaluationTotals();
    List<String> rejections = new ArrayList<>();
    for (String id : ids) {
      ctx.progress("evaluating iteration %s on split '%s' (%,d resamples, %s %% intervals,"
          + " spec %s@%s)", id, split, es.bootstrap().resamples(), pct(level), es.name(),
          es.version());
      PredictionFrame frame = PredictionFrame.of(predictions, id, split);
      if (frame.rowsIn() == 0) {
        totals.withoutPredictions++;
        ctx.progress("no '%s' predictions for iteration %s: skipped", split, id);
        continue;
      }
      if (frame.subgroupColumns().size() < PredictionFrame.SUBGROUP_COLUMNS.size()) {
        List<String> missing = new ArrayList<>(PredictionFrame.SUBGROUP_COLUMNS);
        missing.removeAll(frame.subgroupColumns());
        ctx.progress("subgroups not available for %s: %s has no column %s", id,
            Tables.MODELS_PREDICTIONS, String.join(", ", missing));
      }
      IterationRows rows = stage.evaluate(frame, id, totals);
      writer.write(id, rows, es.sha256(), totals);
      totals.addIteration(frame);
      rejections.addAll(rows.rejections());
    }
    if (totals.iterations == 0) {
      String what = all ? "any of the " + ids.size() + " iterations in " + Tables.MODELS_ITERATIONS
          : "iteration " + String.join(", ", ids);
      throw new IllegalStateException("No '" + split + "' predictions for " + what + " in "
          + Tables.MODELS_PREDICTIONS + " (snapshot " + snapshot
          + "): run `train` for it, or pass another --iteration / --split");
    }
    for (TableName t : List.of(Tables.EVALUATION_RESULTS, Tables.EVALUATION_CURVES,
        Tables.EVALUATION_SUBGROUP_GAPS, Tables.EVALUATION_COMPARISONS,
        Tables.EVALUATION_GATE_DECISIONS, Tables.MODELS_REGISTRY)) {
      if (totals.written.contains(t)) {
        ctx.run().output(t.toString(), ctx.currentSnapshot(t));
      }
    }
    totals.record(ctx.run());
    if (!rejections.isEmpty()) {
      throw new BlockedException("promotion gate rejected " + String.join("; ", rejections)
          + " (every reason: evaluation.gate_decisions, run_id " + ctx.run().id() + ")");
    }
  }

  private List<String> iterationsToEvaluate(SparkSession spark, JobContext ctx,
      Dataset<Row> iterations, boolean all) {
    if (all) {
      return Iterations.all(iterations);
    }
    if (one().iteration != null) {
      return List.of(Iterations.named(iterations, one().iteration, "--iteration"));
    }
    Dataset<Row> runs = null;
    if (ctx.tableExists(Tables.GOVERNANCE_RUNS)) {
      runs = readPinned(spark, ctx, Tables.GOVERNANCE_RUNS)
          .filter(col("job").equalTo("train").and(col("status").equalTo("SUCCEEDED")));
    }
    return Iterations.latest(iterations, runs);
  }

  private static String pct(ConfidenceLevel level) {
    return String.format(Locale.ROOT, "%.0f", 100 * level.level());
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
