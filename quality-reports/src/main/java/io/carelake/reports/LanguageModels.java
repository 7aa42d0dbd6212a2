package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The language-model results as {@code evaluate-lm} left them, at the snapshots the report cites:
 * {@code evaluation.lm_results} (accuracy micro, macro and per subject, on all items and on the
 * items not flagged as contaminated, each with its Wilson interval, level and n),
 * {@code evaluation.lm_comparisons} (paired exact McNemar tests between two iterations on the same
 * items) and, from {@code datasets.item_contamination}, how many items of each item set the corpus
 * job flagged and cleared. evaluate-lm keeps one result set per iteration and item set (a rerun
 * replaces it), so the current snapshot is the state to report; each row names its run. Counts of
 * exam items, not of patients: no small-cell suppression applies.
 */
public record LanguageModels(List<Result> results, List<Comparison> comparisons,
    List<ContaminationCount> contamination) {

  public LanguageModels {
    results = List.copyOf(results);
    comparisons = List.copyOf(comparisons);
    contamination = List.copyOf(contamination);
  }

  /** One accuracy of evaluation.lm_results: scope micro / macro / subject, subset all / clean. */
  public record Result(String runId, String iterationId, String itemSet, String itemSetSha256,
      String subset, String scope, String subject, Long nItems, Long correct, Long unparseable,
      Long unanswered, Double accuracy, Double ciLow, Double ciHigh, String ciMethod,
      Double ciLevel, String contaminationSource, List<String> flags) {
    public Result {
      flags = flags == null ? List.of() : List.copyOf(flags);
    }
  }

  /** One paired comparison of evaluation.lm_comparisons (exact McNemar on discordant items). */
  public record Comparison(String runId, String iterationId, String otherIterationId,
      String itemSet, String subset, Long nItems, Long bothCorrect, Long onlyIteration,
      Long onlyOther, Long neither, Double accuracyIteration, Double accuracyOther,
      Double difference, Double pValue, String method) {}

  /** Items of an item set the contamination check flagged, per method and corpus run. */
  public record ContaminationCount(String itemSetSha256, String method, String corpusRunId,
      Long corpusSnapshotId, long items, long contaminated, long clean) {}

  static LanguageModels none() {
    return new LanguageModels(List.of(), List.of(), List.of());
  }

  private static final String[] RESULT_COLUMNS = {"run_id", "iteration_id", "item_set",
      "item_set_sha256", "subset", "scope", "subject", "n_items", "correct", "unparseable",
      "unanswered", "accuracy", "ci_low", "ci_high", "ci_method", "ci_level",
      "contamination_source"};
  private static final String[] COMPARISON_COLUMNS = {"run_id", "iteration_id",
      "other_iteration_id", "item_set", "subset", "n_items", "both_correct", "only_iteration",
      "only_other", "neither", "accuracy_iteration", "accuracy_other", "difference", "p_value",
      "method"};
  private static final List<String> LONGS = List.of("n_items", "correct", "unparseable",
      "unanswered", "both_correct", "only_iteration", "only_other", "neither");
  private static final List<String> DOUBLES = List.of("accuracy", "ci_low", "ci_high",
      "ci_level", "accuracy_iteration", "accuracy_other", "difference", "p_value");

  static LanguageModels read(Optional<Dataset<Row>> results, Optional<Dataset<Row>> comparisons,
      Optional<Dataset<Row>> contamination) {
    List<Result> rs = new ArrayList<>();
    results.ifPresent(df -> {
      boolean hasFlags = Arrays.asList(df.columns()).contains("flags");
      String[] columns = Arrays.copyOf(RESULT_COLUMNS, RESULT_COLUMNS.length + 1);
      columns[RESULT_COLUMNS.length] = "_flags";
      DataType[] types = Arrays.copyOf(types(RESULT_COLUMNS), columns.length);
      types[RESULT_COLUMNS.length] = DataTypes.createArrayType(DataTypes.StringType);
      Dataset<Row> picked = RunResults.select(df.withColumn("_flags", hasFlags ? col("flags")
          : functions.lit(null).cast("array<string>")), columns, types);
      // micro, then macro, then the subjects; all items before the clean ones
      for (Row r : picked.orderBy(col("iteration_id"), col("item_set"), col("subset"),
          when(col("scope").equalTo("micro"), 0).when(col("scope").equalTo("macro"), 1)
              .otherwise(2), col("subject")).collectAsList()) {
        rs.add(new Result(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), r.getString(5), r.getString(6), RunResults.longOrNull(r, 7),
            RunResults.longOrNull(r, 8), RunResults.longOrNull(r, 9),
            RunResults.longOrNull(r, 10), RunResults.doubleOrNull(r, 11),
            RunResults.doubleOrNull(r, 12), RunResults.doubleOrNull(r, 13), r.getString(14),
            RunResults.doubleOrNull(r, 15), r.getString(16),
            r.isNullAt(17) ? List.of() : r.<String>getList(17)));
      }
    });
    List<Comparison> cs = new ArrayList<>();
    comparisons.ifPresent(df -> {
      for (Row r : RunResults.select(df, COMPARISON_COLUMNS, types(COMPARISON_COLUMNS))
          .orderBy("iteration_id", "other_iteration_id", "item_set", "subset").collectAsList()) {
        cs.add(new Comparison(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
            r.getString(4), RunResults.longOrNull(r, 5), RunResults.longOrNull(r, 6),
            RunResults.longOrNull(r, 7), RunResults.longOrNull(r, 8),
            RunResults.longOrNull(r, 9), RunResults.doubleOrNull(r, 10),
            RunResults.doubleOrNull(r, 11), RunResults.doubleOrNull(r, 12),
            RunResults.doubleOrNull(r, 13), r.getString(14)));
      }
    });
    List<ContaminationCount> counts = new ArrayList<>();
    contamination.ifPresent(df -> {
      String[] columns = {"item_set_sha256", "method", "corpus_run_id", "corpus_snapshot_id",
          "contaminated"};
      DataType[] types = {DataTypes.StringType, DataTypes.StringType, DataTypes.StringType,
          DataTypes.LongType, DataTypes.BooleanType};
      // aggregated by Spark: only one row per item set, method and corpus run reaches the driver
      for (Row r : RunResults.select(df, columns, types)
          .groupBy("item_set_sha256", "method", "corpus_run_id", "corpus_snapshot_id")
          .agg(count(functions.lit(1)).as("items"),
              sum(when(col("contaminated"), 1L).otherwise(0L)).as("flagged"))
          .orderBy("item_set_sha256", "method", "corpus_run_id").collectAsList()) {
        long items = r.getLong(4);
        long flagged = r.isNullAt(5) ? 0 : r.getLong(5);
        counts.add(new ContaminationCount(r.getString(0), r.getString(1), r.getString(2),
            RunResults.longOrNull(r, 3), items, flagged, items - flagged));
      }
    });
    return new LanguageModels(rs, cs, counts);
  }

  private static DataType[] types(String[] columns) {
    DataType[] types = new DataType[columns.length];
    for (int i = 0; i < columns.length; i++) {
      types[i] = LONGS.contains(columns[i]) ? DataTypes.LongType
          : DOUBLES.contains(columns[i]) ? DataTypes.DoubleType : DataTypes.StringType;
    }
    return types;
  }
}
