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
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
    Totals totals = new Totals();
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
      rejections.addAll(evaluateIteration(spark, ctx, iterations, predictions, frame, id, es,
          level, snapshot, totals));
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
    ctx.run().count("iterations_evaluated", totals.iterations)
        .count("iterations_without_predictions", totals.withoutPredictions)
        .count("outcomes_evaluated", totals.outcomes)
        .count("n", totals.n).count("n_positive", totals.nPositive)
        .count("null_score", totals.nullScore).count("bad_label", totals.badLabel)
        .count("metrics_written", totals.metrics).count("curve_points_written", totals.curvePoints)
        .count("subgroup_gap_tests_written", totals.gaps)
        .count("comparisons_written", totals.comparisons)
        .count("gate_promoted", totals.promoted).count("gate_rejected", totals.rejected)
        .rows(totals.rowsIn, totals.rowsOut, totals.setAside)
        .requireReconciled();
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

  /** Running sums over the evaluated iterations, for the run record. */
  private static final class Totals {
    long iterations;
    long withoutPredictions;
    long outcomes;
    long n;
    long nPositive;
    long nullScore;
    long badLabel;
    long metrics;
    long curvePoints;
    long gaps;
    long comparisons;
    long promoted;
    long rejected;
    long rowsIn;
    long rowsOut;
    long setAside;
    final java.util.Set<TableName> written = new java.util.HashSet<>();
  }

  /** Evaluates every outcome of one iteration; returns the gate's rejections (sentences). */
  private List<String> evaluateIteration(SparkSession spark, JobContext ctx,
      Dataset<Row> iterations, Dataset<Row> predictions, PredictionFrame frame, String id,
      EvaluationSpec es, ConfidenceLevel level, Long snapshot, Totals totals) throws Exception {
    List<Row> results = new ArrayList<>();
    List<Row> curves = new ArrayList<>();
    List<Row> gaps = new ArrayList<>();
    List<Row> comparisons = new ArrayList<>();
    List<Row> decisions = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    List<String[]> promotions = new ArrayList<>();
    String baseline = one().baseline;
    boolean gate = one().gate;
    PredictionFrame baselineFrame = baseline == null ? null
        : PredictionFrame.of(predictions, baseline, split);
    for (String outcome : frame.outcomes()) {
      PredictionFrame.Counts counts = frame.counts(outcome);
      if (counts.rowsOut() == 0) {
        ctx.progress("%s / %s: all %,d rows set aside (%,d without a score, %,d without a 0/1"
            + " label)", id, outcome, counts.rowsIn(), counts.nullScore(), counts.badLabel());
        continue;
      }
      EvaluationUnit unit = new EvaluationUnit(ctx.run().id(), id, outcome, split, snapshot, es,
          level);
      IterationEvaluation.Outcome own = IterationEvaluation.evaluate(spark, frame.rows(outcome),
          frame.subgroupColumns(), unit);
      results.addAll(own.results());
      curves.addAll(own.curves());
      gaps.addAll(own.gaps());
      ctx.progress("%s: n %,d rows of %,d patients, %,d events; AUROC %s; calibration slope %s;"
          + " %,d set aside", unit.describe(), own.n(), own.patients(), own.events(),
          describe(own.overall("auroc", Interval.OBUCHOWSKI)),
          describe(own.overall("calibration_slope", Interval.BCA)), counts.setAside());
      String comparatorId = baseline;
      String comparatorKind = baseline == null ? null : "baseline";
      if (gate && comparatorId == null) {
        Row champion = ModelRegistry.current(spark, ctx, outcome, "champion");
        if (champion != null && !id.equals(champion.getString(0))) {
          comparatorId = champion.getString(0);
          comparatorKind = "champion";
        }
      }
      PairedComparison.Outcome comparison = null;
      if (comparatorId != null) {
        PredictionFrame other = comparatorId.equals(baseline) ? baselineFrame
            : PredictionFrame.of(predictions, comparatorId, split);
        if (!other.outcomes().contains(outcome)) {
          ctx.progress("%s: %s has no '%s' predictions for outcome %s: no comparison",
              unit.describe(), comparatorId, split, outcome);
        } else {
          comparison = PairedComparison.compare(spark, frame.rows(outcome), other.rows(outcome),
              comparatorId, unit);
          comparisons.addAll(comparison.rows());
          ctx.progress("%s vs %s: AUROC difference %s on %,d paired rows", unit.describe(),
              comparatorId, describe(comparison.difference("auroc", Interval.OBUCHOWSKI)),
              comparison.n());
        }
      }
      if (gate) {
        String why = comparatorId == null ? "no --baseline and no champion for outcome "
            + outcome + " yet" : "the comparator has no predictions for this outcome and split";
        PromotionGate.Decision d = PromotionGate.decide(es, own, comparison, why, level.level());
        decisions.add(decisionRow(unit, comparatorId, comparison == null ? null : comparatorKind,
            d));
        if (d.promoted()) {
          totals.promoted++;
          promotions.add(new String[] {outcome, id});
          ctx.progress("%s: gate PASSED: %s", unit.describe(), String.join("; ", d.reasons()));
        } else {
          totals.rejected++;
          rejections.add(id + " for " + outcome + " (" + String.join("; ", d.failures()) + ")");
          ctx.progress("%s: gate REJECTED: %s", unit.describe(), String.join("; ", d.reasons()));
        }
      }
      totals.outcomes++;
      totals.n += own.n();
      totals.nPositive += own.events();
    }
    write(spark, ctx, id, results, curves, gaps, comparisons, decisions, totals);
    for (String[] p : promotions) {
      if (ModelRegistry.move(spark, ctx, p[0], alias, p[1], es.sha256())) {
        totals.written.add(Tables.MODELS_REGISTRY);
        ctx.progress("models.registry: %s of %s is now %s", alias, p[0], p[1]);
      } else {
        ctx.progress("models.registry: %s of %s already is %s", alias, p[0], p[1]);
      }
    }
    totals.iterations++;
    totals.nullScore += frame.nullScore();
    totals.badLabel += frame.badLabel();
    totals.rowsIn += frame.rowsIn();
    totals.rowsOut += frame.rowsIn() - frame.setAside();
    totals.setAside += frame.setAside();
    return rejections;
  }

  private void write(SparkSession spark, JobContext ctx, String id, List<Row> results,
      List<Row> curves, List<Row> gaps, List<Row> comparisons, List<Row> decisions,
      Totals totals) throws Exception {
    String baseline = one().baseline;
    replace(spark, ctx, Tables.EVALUATION_RESULTS, EvaluationTables.RESULTS, results,
        EvaluationTables.sameIterationAndSplit(id, split), totals, "iteration_id", "split");
    replace(spark, ctx, Tables.EVALUATION_CURVES, EvaluationTables.CURVES, curves,
        EvaluationTables.sameIterationAndSplit(id, split), totals, "iteration_id", "split");
    replace(spark, ctx, Tables.EVALUATION_SUBGROUP_GAPS, EvaluationTables.SUBGROUP_GAPS, gaps,
        EvaluationTables.sameIterationAndSplit(id, split), totals, "iteration_id", "split");
    if (baseline != null || !comparisons.isEmpty()) {
      String comparator = comparisons.isEmpty() ? baseline : comparisons.get(0).getString(2);
      replace(spark, ctx, Tables.EVALUATION_COMPARISONS, EvaluationTables.COMPARISONS,
          comparisons, EvaluationTables.sameIterationAndSplit(id, split)
              .and(col("baseline_id").equalTo(comparator)), totals, "iteration_id", "baseline_id",
          "split");
    }
    if (!decisions.isEmpty()) {
      EvaluationTables.append(spark, ctx, Tables.EVALUATION_GATE_DECISIONS,
          spark.createDataFrame(decisions, EvaluationTables.GATE_DECISIONS), "outcome");
      totals.written.add(Tables.EVALUATION_GATE_DECISIONS);
    }
    totals.metrics += results.size();
    totals.curvePoints += curves.size();
    totals.gaps += gaps.size();
    totals.comparisons += comparisons.size();
  }

  /** Replaces the iteration's rows of one table; creates it only when there is something to write. */
  private static void replace(SparkSession spark, JobContext ctx, TableName table,
      org.apache.spark.sql.types.StructType schema, List<Row> rows,
      org.apache.spark.sql.Column filter, Totals totals, String... partitions) throws Exception {
    if (rows.isEmpty() && !ctx.tableExists(table)) {
      return;
    }
    EvaluationTables.replace(spark, ctx, table, spark.createDataFrame(rows, schema), filter,
        partitions);
    totals.written.add(table);
  }

  private Row decisionRow(EvaluationUnit unit, String comparatorId, String comparatorKind,
      PromotionGate.Decision d) {
    List<Row> criteria = d.judgements().stream().map(PromotionGate.Judgement::row).toList();
    return RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(), alias,
        comparatorId, comparatorKind, d.promoted() ? "promoted" : "rejected",
        scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(criteria)).toSeq(),
        ResultRows.scalaSeq(d.reasons()), unit.spec().name(), unit.spec().version(),
        unit.spec().sha256(), unit.level().level(), Timestamp.from(java.time.Instant.now()));
  }

  private static String pct(ConfidenceLevel level) {
    return String.format(Locale.ROOT, "%.0f", 100 * level.level());
  }

  private static String describe(Interval iv) {
    if (iv == null || Double.isNaN(iv.value())) {
      return "undefined";
    }
    return String.format(Locale.ROOT, "%.4f [%.4f, %.4f] (%s)", iv.value(), iv.low(), iv.high(),
        iv.method());
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
