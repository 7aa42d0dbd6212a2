package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IntervalJob;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code risk-dataset}: the labelled rows of {@code features.chronic_risk} with index dates in the
 * interval, split by time and by patient ({@link TemporalSplit}), into {@code datasets.chronic_risk}
 * under a content-derived dataset id; per outcome the transforms fitted on its training rows
 * ({@link RiskTransforms}, saved beside the data card); the registry row in
 * {@code datasets.chronic_risk_datasets}. An outcome with fewer events than the minimum on either
 * side blocks the run (exit 3) with its counts, and nothing is written.
 */
@Command(name = "risk-dataset", mixinStandardHelpOptions = true,
    description = "Split the feature rows of the interval's index dates by time and patient (train"
        + " before --test-from, test on or after it, no patient on both sides), fit the transforms"
        + " on train, and write datasets.chronic_risk, its registry row and a data card.")
public final class RiskDatasetJob extends IntervalJob {

  public static final int MIN_TRAIN_EVENTS_DEFAULT = 10;
  public static final int MIN_TEST_EVENTS_DEFAULT = 5;

  @Spec CommandSpec spec;

  @Option(names = "--test-from", paramLabel = "YYYY-MM-DD",
      description = "T0: test rows have index dates on or after it, train rows before it"
          + " (default: the first of the latest third of the interval's index dates).")
  LocalDate testFrom;

  private double testFraction = TemporalSplit.TEST_FRACTION_DEFAULT;

  @Option(names = "--test-patients", paramLabel = "FRACTION",
      defaultValue = "" + TemporalSplit.TEST_FRACTION_DEFAULT,
      description = "Share of patients drawn to the test side, in (0, 1) (default: ${DEFAULT-VALUE}).")
  void testFraction(double value) {
    if (!(value > 0 && value < 1)) {
      throw new ParameterException(spec.commandLine(), "--test-patients must be strictly between"
          + " 0 and 1, got " + value);
    }
    testFraction = value;
  }

  @Option(names = "--split-salt", paramLabel = "TEXT", defaultValue = TemporalSplit.SALT_DEFAULT,
      description = "Salt of the patient draw (default: ${DEFAULT-VALUE}); change it to draw"
          + " another split on purpose.")
  String salt;

  @Option(names = "--min-train-events", paramLabel = "N",
      defaultValue = "" + MIN_TRAIN_EVENTS_DEFAULT,
      description = "Fewest outcome events in an outcome's training rows (default:"
          + " ${DEFAULT-VALUE}); fewer blocks the run (exit 3).")
  int minTrainEvents;

  @Option(names = "--min-test-events", paramLabel = "N",
      defaultValue = "" + MIN_TEST_EVENTS_DEFAULT,
      description = "Fewest outcome events in an outcome's test rows (default: ${DEFAULT-VALUE}).")
  int minTestEvents;

  public static void main(String[] args) {
    System.exit(JobMain.run(new RiskDatasetJob(), args));
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    PinnedTable source = PinnedTable.read(spark, ctx, Tables.FEATURES_CHRONIC_RISK, "features");
    Dataset<Row> rows = source.rows().where(col(RiskColumns.INDEX_DATE)
            .geq(lit(Date.valueOf(interval.start())))
            .and(col(RiskColumns.INDEX_DATE).lt(lit(Date.valueOf(interval.end())))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      build(spark, ctx, interval, source, rows);
    } finally {
      rows.unpersist();
    }
  }

  private void build(SparkSession spark, JobContext ctx, Interval interval, PinnedTable source,
      Dataset<Row> rows) throws Exception {
    List<LocalDate> dates = rows.select(RiskColumns.INDEX_DATE).distinct()
        .orderBy(RiskColumns.INDEX_DATE).as(org.apache.spark.sql.Encoders.DATE()).collectAsList()
        .stream().map(Date::toLocalDate).toList();
    List<Row> definitions = rows.select("cohort_definition", "cohort_definition_hash").distinct()
        .collectAsList();
    ctx.run().count("feature_rows", rows.count()).count("index_dates", dates.size());
    if (dates.size() < 2) {
      ctx.run().rows(0, 0, 0);
      throw new BlockedException("risk-dataset blocked for " + interval + ": "
          + Tables.FEATURES_CHRONIC_RISK + " holds labelled rows at " + dates.size()
          + " index date(s) " + dates + "; a temporal split needs two or more (features sets"
          + " aside index dates whose time at risk runs past the data: widen the interval, or"
          + " wait for the data to cover it)");
    }
    if (definitions.size() != 1) {
      throw new IllegalStateException(Tables.FEATURES_CHRONIC_RISK + " rows of " + interval
          + " come from " + definitions.size() + " cohort definitions " + definitions
          + "; rerun features over the interval with one definition");
    }
    String definition = definitions.get(0).getString(0);
    String definitionHash = definitions.get(0).getString(1);
    TemporalSplit split = new TemporalSplit(testFrom != null ? testFrom
        : TemporalSplit.defaultTestFrom(dates), testFraction, salt);
    ctx.run().parameter("test_from", split.testFrom()).parameter("test_patients", testFraction)
        .parameter("split_salt", salt).parameter("split_rule", split.rule())
        .parameter("min_train_events", minTrainEvents).parameter("min_test_events", minTestEvents)
        .parameter("cohort_definition", definition)
        .parameter("cohort_definition_hash", definitionHash);
    ctx.run().specHash(definitionHash);

    Dataset<Row> sided = rows.withColumn(TemporalSplit.COLUMN, split.side());
    Map<String, Map<String, long[]>> counts = countBySide(sided);
    long in = 0;
    long kept = 0;
    List<String> shortfalls = new ArrayList<>();
    for (Map.Entry<String, Map<String, long[]>> o : counts.entrySet()) {
      for (Map.Entry<String, long[]> e : o.getValue().entrySet()) {
        ctx.run().count(o.getKey() + "." + e.getKey() + ".rows", e.getValue()[0])
            .count(o.getKey() + "." + e.getKey() + ".events", e.getValue()[1]);
        in += e.getValue()[0];
        if (e.getKey().equals(TemporalSplit.TRAIN) || e.getKey().equals(TemporalSplit.TEST)) {
          kept += e.getValue()[0];
        }
      }
      long trainEvents = events(o.getValue(), TemporalSplit.TRAIN);
      long testEvents = events(o.getValue(), TemporalSplit.TEST);
      if (trainEvents < minTrainEvents || testEvents < minTestEvents) {
        shortfalls.add(String.format("%s has %d event(s) in %d train rows (minimum %d) and %d in"
            + " %d test rows (minimum %d)", o.getKey(), trainEvents,
            rowsOf(o.getValue(), TemporalSplit.TRAIN), minTrainEvents, testEvents,
            rowsOf(o.getValue(), TemporalSplit.TEST), minTestEvents));
      }
    }
    ctx.run().count("feature_rows", in);
    ctx.progress("%,d labelled rows at %d index dates, T0 %s, %s of patients to test: %s",
        in, dates.size(), split.testFrom(), testFraction, describe(counts));
    if (counts.isEmpty() || !shortfalls.isEmpty()) {
      ctx.run().rows(in, 0, in);
      throw new BlockedException("risk-dataset blocked for " + interval + ": "
          + (counts.isEmpty() ? "no labelled rows" : String.join("; ", shortfalls))
          + ". Too few events to train or test a model honestly; nothing was written (widen the"
          + " interval, or lower --min-train-events / --min-test-events knowingly)");
    }

    Dataset<Row> dataset = sided.where(col(TemporalSplit.COLUMN).isin(TemporalSplit.TRAIN,
        TemporalSplit.TEST)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      String fingerprint = IterationId.contentFingerprint(dataset);
      String datasetId = "rd-" + interval.start() + "-" + interval.end() + "-"
          + IterationId.shortHash(fingerprint + ";" + definitionHash + ";" + split.rule());
      ctx.run().parameter("dataset_id", datasetId);
      Path dir = new Path(new Path(new Path(ctx.config().get(CarelakeConfig.DATASETS_DIR), "risk"),
          datasetId), "transforms");
      List<String> outcomes = new ArrayList<>(counts.keySet());
      List<RiskColumns.Feature> all = RiskColumns.features(rows.schema());
      Map<String, Object> card = RiskDataCard.header(datasetId, ctx.run().id(),
          interval.start().toString(), interval.end().toString());
      List<Map<String, Object>> perOutcome = new ArrayList<>();
      Dataset<Row> attrition = ctx.tableExists(Tables.FEATURES_CHRONIC_RISK_ATTRITION)
          ? PinnedTable.read(spark, ctx, Tables.FEATURES_CHRONIC_RISK_ATTRITION, "features").rows()
              .where(col(RiskColumns.INDEX_DATE).geq(lit(Date.valueOf(interval.start())))
                  .and(col(RiskColumns.INDEX_DATE).lt(lit(Date.valueOf(interval.end())))))
          : null;
      for (String outcome : outcomes) {
        Dataset<Row> train = dataset.where(col(RiskColumns.OUTCOME).equalTo(outcome)
            .and(col(TemporalSplit.COLUMN).equalTo(TemporalSplit.TRAIN)));
        List<RiskColumns.Feature> used = RiskTransforms.withValues(all, train);
        PipelineModel transforms = RiskTransforms.fit(used, train);
        RiskTransforms.save(transforms, new Path(dir, outcome).toString());
        ctx.progress("%s: transforms of %d features fitted on %,d train rows", outcome,
            used.size(), rowsOf(counts.get(outcome), TemporalSplit.TRAIN));
        Map<String, Long> removed = new LinkedHashMap<>();
        removed.put(TemporalSplit.TEST_PATIENT_BEFORE_T0,
            rowsOf(counts.get(outcome), TemporalSplit.TEST_PATIENT_BEFORE_T0));
        removed.put(TemporalSplit.TRAIN_PATIENT_FROM_T0,
            rowsOf(counts.get(outcome), TemporalSplit.TRAIN_PATIENT_FROM_T0));
        Map<String, Map<String, Double>> missing = RiskDataCard.missingness(dataset, outcome,
            all.stream().map(RiskColumns.Feature::name)
                .filter(n -> !n.startsWith("sex_")).toList());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", outcome);
        o.put("attrition", RiskDataCard.attrition(attrition, outcome, removed,
            rowsOf(counts.get(outcome), TemporalSplit.TRAIN)
                + rowsOf(counts.get(outcome), TemporalSplit.TEST)));
        o.put("splits", RiskDataCard.splits(dataset, outcome));
        o.put("features_used", used.stream().map(RiskColumns.Feature::name).toList());
        o.put("features_without_values", all.size() - used.size());
        o.put("most_missing", RiskDataCard.mostMissing(missing));
        o.put("missingness", missing);
        perOutcome.add(o);
      }
      card.put("cohort", Map.of("definition", definition, "hash", definitionHash));
      Map<String, Object> splitCard = new LinkedHashMap<>();
      splitCard.put("rule", split.rule());
      splitCard.put("test_from", split.testFrom().toString());
      splitCard.put("test_patient_fraction", testFraction);
      splitCard.put("salt", salt);
      splitCard.put("note", "No patient is on both sides, and no training row has an index date"
          + " on or after T0; the hash ignores the pseudonym's key id.");
      card.put("split", splitCard);
      card.put("transforms", Map.of("path", dir.toString(), "description", "median imputation"
          + " and standard scaling (Spark ML Imputer, StandardScaler), one pipeline per outcome"));
      Map<String, Object> sourceCard = new LinkedHashMap<>();
      sourceCard.put("table", Tables.FEATURES_CHRONIC_RISK.toString());
      sourceCard.put("features_snapshot_id", source.snapshotId());
      sourceCard.put("features_runs", FeatureRuns.inputs(spark, ctx, rows));
      card.put("source", sourceCard);
      card.put("outcomes", perOutcome);

      Path cardDir = dir.getParent();
      String json = RiskDataCard.json(card);
      String markdown = RiskDataCard.markdown(card);
      RiskDataCard.write(spark, new Path(cardDir, RiskDataCard.JSON_FILE), json);
      RiskDataCard.write(spark, new Path(cardDir, RiskDataCard.MARKDOWN_FILE), markdown);

      Dataset<Row> out = dataset.withColumn("dataset_id", lit(datasetId));
      IterationWrites.replace(spark, ctx, Tables.DATASETS_RISK, out, "dataset_id",
          List.of(datasetId));
      Long datasetSnapshot = ctx.currentSnapshot(Tables.DATASETS_RISK);
      ctx.run().output(Tables.DATASETS_RISK.toString(), datasetSnapshot);
      Map<String, Long> flat = new TreeMap<>();
      counts.forEach((o, m) -> m.forEach((s, v) -> {
        flat.put(o + "." + s + ".rows", v[0]);
        flat.put(o + "." + s + ".events", v[1]);
      }));
      IterationWrites.replace(spark, ctx, Tables.DATASETS_RISK_REGISTRY,
          RiskDatasets.row(spark, datasetId, interval, split, definition, definitionHash,
              source.snapshotId(), outcomes, flat, dir.toString(),
              new Path(cardDir, RiskDataCard.JSON_FILE).toString(),
              new Path(cardDir, RiskDataCard.MARKDOWN_FILE).toString(), ctx.run().id(),
              Timestamp.from(Instant.now())), "dataset_id", List.of(datasetId));
      ctx.run().output(Tables.DATASETS_RISK_REGISTRY.toString(),
          ctx.currentSnapshot(Tables.DATASETS_RISK_REGISTRY));
      long written = PinnedTable.at(spark, ctx, Tables.DATASETS_RISK, datasetSnapshot)
          .where(col("dataset_id").equalTo(datasetId)).count();
      ctx.run().count("dataset_rows", written).rows(in, written, in - kept).requireReconciled();
      ctx.progress("dataset %s: %,d rows written to %s; data card %s", datasetId, written,
          Tables.DATASETS_RISK, new Path(cardDir, RiskDataCard.MARKDOWN_FILE));
    } finally {
      dataset.unpersist();
    }
  }

  /** outcome → side → {rows, events}, from one aggregate. */
  private static Map<String, Map<String, long[]>> countBySide(Dataset<Row> sided) {
    Map<String, Map<String, long[]>> out = new TreeMap<>();
    for (Row r : sided.groupBy(RiskColumns.OUTCOME, TemporalSplit.COLUMN)
        .agg(count(lit(1)), sum(when(col(RiskColumns.LABEL).equalTo(1), 1).otherwise(0)))
        .collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new TreeMap<>())
          .put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
    }
    return out;
  }

  private static long rowsOf(Map<String, long[]> bySide, String side) {
    long[] v = bySide.get(side);
    return v == null ? 0 : v[0];
  }

  private static long events(Map<String, long[]> bySide, String side) {
    long[] v = bySide.get(side);
    return v == null ? 0 : v[1];
  }

  private static String describe(Map<String, Map<String, long[]>> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach((o, m) -> sb.append(sb.length() == 0 ? "" : "; ").append(String.format(
        "%s train %,d rows (%,d events), test %,d rows (%,d events)", o,
        rowsOf(m, TemporalSplit.TRAIN), events(m, TemporalSplit.TRAIN),
        rowsOf(m, TemporalSplit.TEST), events(m, TemporalSplit.TEST))));
    return sb.toString();
  }
}
