package io.carelake.evaluation.lm;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.evaluation.EvaluationTables;
import io.carelake.evaluation.ResultRows;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import io.carelake.spark.OptionsJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate-lm}: scores a language-model iteration's answers to an exam item set (accuracy
 * micro, macro and per subject with their intervals, on all items and on the items not flagged as
 * contaminated) into {@code evaluation.lm_results}, and compares it with a second iteration on the
 * same items (McNemar's exact test) into {@code evaluation.lm_comparisons}. Contamination flags come
 * from {@code datasets.item_contamination} (written by the corpus job) and from the items' own
 * {@code contaminated} field.
 */
@Command(name = "evaluate-lm", mixinStandardHelpOptions = true,
    description = "Score a language-model iteration's answers to exam items: accuracy with Wilson"
        + " intervals, micro/macro/per subject, unparseable answers counted wrong, accuracy on the"
        + " items not flagged as contaminated beside all items, and McNemar's exact test against"
        + " a second iteration.")
public final class EvaluateLmJob extends OptionsJob {

  public static final String ITEMS_RESOURCE =
      "carelake/evaluation/exam-items/carelake-synthetic-exam-v1.jsonl";
  public static final long SEED_DEFAULT = 20251206L;

  static final StructType RESULTS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("item_set", DataTypes.StringType, false)
      .add("item_set_sha256", DataTypes.StringType, false)
      .add("answers_sha256", DataTypes.StringType, false)
      .add("subset", DataTypes.StringType, false)
      .add("scope", DataTypes.StringType, false)
      .add("subject", DataTypes.StringType, true)
      .add("n_items", DataTypes.LongType, false)
      .add("correct", DataTypes.LongType, false)
      .add("unparseable", DataTypes.LongType, false)
      .add("unanswered", DataTypes.LongType, false)
      .add("accuracy", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, false)
      .add("ci_level", DataTypes.DoubleType, false)
      .add("contamination_source", DataTypes.StringType, true)
      .add("flags", DataTypes.createArrayType(DataTypes.StringType, false), false);

  static final StructType COMPARISONS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("other_iteration_id", DataTypes.StringType, false)
      .add("item_set", DataTypes.StringType, false)
      .add("item_set_sha256", DataTypes.StringType, false)
      .add("subset", DataTypes.StringType, false)
      .add("n_items", DataTypes.LongType, false)
      .add("both_correct", DataTypes.LongType, false)
      .add("only_iteration", DataTypes.LongType, false)
      .add("only_other", DataTypes.LongType, false)
      .add("neither", DataTypes.LongType, false)
      .add("accuracy_iteration", DataTypes.DoubleType, true)
      .add("accuracy_other", DataTypes.DoubleType, true)
      .add("difference", DataTypes.DoubleType, true)
      .add("p_value", DataTypes.DoubleType, true)
      .add("method", DataTypes.StringType, false);

  /** The contamination table's contract (issue 16's corpus job writes it). */
  public static final StructType CONTAMINATION =
      SparkSchemaUtil.convert(TableSchemas.ITEM_CONTAMINATION);

  @Spec CommandSpec spec;

  @Option(names = "--iteration", required = true, paramLabel = "ID",
      description = "The language-model iteration the answers are from.")
  String iteration;

  @Option(names = "--answers", required = true, paramLabel = "FILE",
      description = "Its answers, JSONL: {\"id\": ..., \"answer\": \"B\"} or {\"id\": ...,"
          + " \"response\": \"...\"} per line.")
  Path answers;

  @Option(names = "--items", paramLabel = "FILE", description = "Exam items, JSONL (default: the"
      + " shipped synthetic set " + ITEMS_RESOURCE + ").")
  Path items;

  @ArgGroup(exclusive = false, multiplicity = "0..1")
  Other other;

  /** A second iteration answering the same items. */
  static final class Other {
    @Option(names = "--compare-iteration", required = true, paramLabel = "ID",
        description = "A second iteration to compare with (McNemar's exact test).")
    String iteration;

    @Option(names = "--compare-answers", required = true, paramLabel = "FILE",
        description = "The second iteration's answers.")
    Path answers;
  }

  double confidence = ConfidenceLevel.DEFAULT;

  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "" + ConfidenceLevel.DEFAULT,
      description = "Two-sided confidence level, in (0, 1) (default: ${DEFAULT-VALUE}).")
  void setConfidence(double level) {
    try {
      new ConfidenceLevel(level);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    confidence = level;
  }

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + SEED_DEFAULT,
      description = "Seed of the macro-accuracy bootstrap (default: ${DEFAULT-VALUE}).")
  long seed;

  public static void main(String[] args) {
    System.exit(JobMain.run(new EvaluateLmJob(), args));
  }

  @Override
  public Interval interval() {
    return null;
  }

  /** The exam items and the answers, read and checked by {@link #validate} before Spark starts. */
  private ExamItems set;
  private ExamAnswers mine;
  private ExamAnswers theirs;

  /** The item set and the answer files: a bad line exits 2 before Spark starts, naming it. */
  @Override
  public void validate(io.carelake.core.config.CarelakeConfig config) throws Exception {
    set = readItems();
    mine = readAnswers(answers, set);
    theirs = other == null ? null : readAnswers(other.answers, set);
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    ConfidenceLevel level = new ConfidenceLevel(confidence);
    ctx.run().parameter("iteration", iteration).parameter("items", set.source())
        .parameter("item_set", set.name()).parameter("item_set_sha256", set.sha256())
        .parameter("answers_sha256", mine.sha256()).parameter("confidence", level.level())
        .parameter("seed", seed).specHash(set.sha256());
    if (other != null) {
      ctx.run().parameter("compare_iteration", other.iteration);
    }
    Contamination flags = contamination(spark, ctx, set);
    ctx.progress("%s: %,d items in %s (%s); contamination: %s", iteration, set.items().size(),
        set.name(), set.sha256().substring(0, 12), flags.describe());

    LmScores.Scored scored = LmScores.score(set, mine);
    List<LmScores.Accuracy> accuracies = new ArrayList<>(LmScores.accuracies(set, scored,
        LmScores.ALL, i -> true, level, seed));
    IntPredicate clean = i -> Boolean.FALSE.equals(flags.byItem().get(set.items().get(i).id()));
    if (flags.assessed()) {
      accuracies.addAll(LmScores.accuracies(set, scored, LmScores.CLEAN, clean, level, seed));
    }
    List<Row> rows = new ArrayList<>();
    for (LmScores.Accuracy a : accuracies) {
      List<String> f = new ArrayList<>();
      if (!flags.assessed()) {
        f.add("contamination_not_assessed");
      }
      if (a.unparseable() > 0) {
        f.add("unparseable_answers");
      }
      if (a.unanswered() > 0) {
        f.add("unanswered_items");
      }
      rows.add(RowFactory.create(ctx.run().id(), iteration, set.name(), set.sha256(),
          mine.sha256(), a.subset(), a.scope(), a.subject(), a.items(), a.correct(),
          a.unparseable(), a.unanswered(), ResultRows.orNull(a.accuracy()), ResultRows.orNull(a.ci()[0]),
          ResultRows.orNull(a.ci()[1]), a.method(), level.level(), flags.source(), ResultRows.scalaSeq(f)));
    }
    LmScores.Accuracy micro = accuracies.get(0);
    ctx.progress("%s: accuracy %.4f [%.4f, %.4f] (Wilson, %.0f %%) on %,d items; %,d unparseable,"
        + " %,d unanswered", iteration, micro.accuracy(), micro.ci()[0], micro.ci()[1],
        100 * level.level(), micro.items(), micro.unparseable(), micro.unanswered());
    replace(spark, ctx, Tables.EVALUATION_LM_RESULTS, spark.createDataFrame(rows, RESULTS),
        col("iteration_id").equalTo(iteration).and(col("item_set_sha256").equalTo(set.sha256())));
    ctx.run().output(Tables.EVALUATION_LM_RESULTS.toString(),
        ctx.currentSnapshot(Tables.EVALUATION_LM_RESULTS));

    long linesIn = mine.lines();
    long setAside = mine.unknownItems();
    if (theirs != null) {
      linesIn += theirs.lines();
      setAside += theirs.unknownItems();
      LmScores.Scored second = LmScores.score(set, theirs);
      List<Row> comparisons = new ArrayList<>();
      List<LmScores.Comparison> tests = new ArrayList<>(List.of(
          LmScores.compare(scored, second, LmScores.ALL, i -> true)));
      if (flags.assessed()) {
        tests.add(LmScores.compare(scored, second, LmScores.CLEAN, clean));
      }
      for (LmScores.Comparison c : tests) {
        comparisons.add(RowFactory.create(ctx.run().id(), iteration, other.iteration, set.name(),
            set.sha256(), c.subset(), c.items(), c.bothCorrect(), c.onlyFirst(), c.onlySecond(),
            c.neither(), ResultRows.orNull(c.accuracyFirst()), ResultRows.orNull(c.accuracySecond()),
            ResultRows.orNull(c.accuracyFirst() - c.accuracySecond()), ResultRows.orNull(c.pValue()),
            "mcnemar-exact"));
        ctx.progress("%s vs %s (%s items): %,d vs %,d discordant, exact McNemar p = %.4g",
            iteration, other.iteration, c.subset(), c.onlyFirst(), c.onlySecond(), c.pValue());
      }
      replace(spark, ctx, Tables.EVALUATION_LM_COMPARISONS,
          spark.createDataFrame(comparisons, COMPARISONS),
          col("iteration_id").equalTo(iteration).and(col("other_iteration_id")
              .equalTo(other.iteration)).and(col("item_set_sha256").equalTo(set.sha256())));
      ctx.run().output(Tables.EVALUATION_LM_COMPARISONS.toString(),
          ctx.currentSnapshot(Tables.EVALUATION_LM_COMPARISONS));
    }
    ctx.run().count("items", set.items().size()).count("correct", micro.correct())
        .count("unparseable", micro.unparseable()).count("unanswered", micro.unanswered())
        .count("answers_for_unknown_items", setAside)
        .count("items_flagged_contaminated", flags.count(true))
        .count("items_assessed_clean", flags.count(false))
        .rows(linesIn, linesIn - setAside, setAside).requireReconciled();
  }

  private ExamItems readItems() throws IOException, LmInputException {
    if (items != null) {
      return ExamItems.parse(items.toString(), Files.readAllBytes(items));
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(ITEMS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(ITEMS_RESOURCE + " is missing from the classpath");
      }
      return ExamItems.parse("classpath:" + ITEMS_RESOURCE, in.readAllBytes());
    }
  }

  private static ExamAnswers readAnswers(Path file, ExamItems set)
      throws IOException, LmInputException {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read the answers file " + file);
    }
    return ExamAnswers.parse(file.toString(), Files.readAllBytes(file), set);
  }

  /** Which items are flagged, and where the flags came from. */
  record Contamination(Map<String, Boolean> byItem, String source) {
    boolean assessed() {
      return !byItem.isEmpty();
    }

    long count(boolean contaminated) {
      return byItem.values().stream().filter(v -> v == contaminated).count();
    }

    String describe() {
      return assessed() ? String.format(Locale.ROOT, "%,d flagged, %,d clean (%s)", count(true),
          count(false), source) : "not assessed (no flags for this item set)";
    }
  }

  /**
   * The corpus job's flags for this item set (matched by its SHA-256), else the items' own
   * {@code contaminated} fields; an item neither says anything about is not in the clean subset.
   */
  static Contamination contamination(SparkSession spark, JobContext ctx, ExamItems set) {
    Map<String, Boolean> flags = new HashMap<>();
    String source = null;
    for (ExamItems.Item i : set.items()) {
      if (i.contaminated() != null) {
        flags.put(i.id(), i.contaminated());
        source = "item file";
      }
    }
    TableName table = Tables.DATASETS_ITEM_CONTAMINATION;
    if (ctx.tableExists(table)) {
      Long snapshot = ctx.currentSnapshot(table);
      ctx.run().input(table.toString(), snapshot);
      // one row per item of the set: an item set's size, not the data's
      Dataset<Row> rows = spark.table(ctx.table(table))
          .filter(col("item_set_sha256").equalTo(set.sha256()))
          .select("item_id", "contaminated");
      List<Row> collected = rows.collectAsList();
      // the corpus writes one row per item and corpus interval: an item seen in any interval's
      // corpus is contaminated
      Map<String, Boolean> fromTable = new HashMap<>();
      for (Row r : collected) {
        fromTable.merge(r.getString(0), r.getBoolean(1), Boolean::logicalOr);
      }
      flags.putAll(fromTable);
      if (!collected.isEmpty()) {
        source = table + (source == null ? "" : " and item file");
      }
    }
    return new Contamination(flags, source);
  }

  private static void replace(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, org.apache.spark.sql.Column filter) throws Exception {
    EvaluationTables.replace(spark, ctx, table, rows, filter, "iteration_id");
  }
}
