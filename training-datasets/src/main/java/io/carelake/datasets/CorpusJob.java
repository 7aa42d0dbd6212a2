package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import io.carelake.spark.IntervalJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Builds the training corpus of an interval from the date-shifted release: quality filters,
 * exact and near-duplicate removal, decontamination against evaluation items and a full PHI scan,
 * then {@code datasets.visit_notes_corpus}, sharded JSONL and Parquet with a manifest and a data
 * card under {@code datasets.dir}, and the items' contamination flags in
 * {@code datasets.item_contamination}. Every document of the interval is either written or
 * dropped with a counted reason ({@code datasets.visit_notes_corpus_dropped}).
 */
@Command(name = "corpus", mixinStandardHelpOptions = true,
    description = "Build the training corpus of an interval from the date-shifted release"
        + " (safe.visits_date_shifted), refused (exit 3) unless the interval's govern and"
        + " deidentify runs succeeded at the snapshots read: quality filters, exact and MinHash"
        + " near-duplicate removal, contamination check against evaluation items, full PHI scan;"
        + " table datasets.visit_notes_corpus, sharded JSONL/Parquet with manifest.json and a data"
        + " card under <datasets.dir>/corpus/<start>_<end>/, flags in datasets.item_contamination.")
public final class CorpusJob extends IntervalJob {

  static final TableName DROPPED = TableName.of("datasets", "visit_notes_corpus_dropped");

  @Spec
  CommandSpec spec;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "20251206",
      description = "Seed of the MinHash functions and of the shard assignment (default:"
          + " ${DEFAULT-VALUE}); the same release and seed give the same bytes.")
  long seed;

  private int shards;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "0",
      description = "Number of output shards, 1-10000; 0 (default) = one per 50,000 documents.")
  void shards(int value) {
    if (value < 0 || value > 10_000) {
      throw new ParameterException(spec.commandLine(),
          "--shards must be between 0 (automatic) and 10000, got " + value);
    }
    shards = value;
  }

  private final List<Contamination.ItemSet> extraItems = new ArrayList<>();

  @Option(names = "--eval-items", paramLabel = "FILE",
      description = "An evaluation item set (JSONL with id, question, options) to check the corpus"
          + " against, besides the shipped synthetic exam set; repeatable.")
  void evalItems(Path file) {
    try {
      extraItems.add(Contamination.read(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--eval-items " + file + ": "
          + e.getMessage());
    }
  }

  public static void main(String[] args) {
    System.exit(JobMain.run(new CorpusJob(), args));
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    String runId = ctx.run().id();
    long t0 = System.nanoTime();
    ctx.run().parameter("seed", seed).parameter("shards", shards)
        .parameter("minhash", NearDuplicates.BANDS + "x" + NearDuplicates.ROWS + " char-"
            + NearDuplicates.SHINGLE + "gram threshold " + NearDuplicates.THRESHOLD);
    // the item sets first: a configured file that is missing or malformed fails before any work
    List<Contamination.ItemSet> itemSets = new ArrayList<>();
    itemSets.add(Contamination.shippedExamSet());
    itemSets.addAll(Contamination.configured(ctx.config()));
    itemSets.addAll(extraItems);
    ReleasedVisits release = ReleasedVisits.read(spark, ctx);
    Dataset<Row> visits = VisitNotes.withText(release.rows())
        .persist(StorageLevel.MEMORY_AND_DISK());

    Row input = visits.agg(count(lit(1)),
        sum(when(not(col(ReleasedVisits.IN_RELEASE)), 1).otherwise(0))).first();
    long in = input.getLong(0);
    long missing = input.isNullAt(1) ? 0 : input.getLong(1);
    ctx.run().count("safe_visits", in);
    if (missing > 0) {
      throw new BlockedException(missing + " visit(s) of " + Tables.SAFE_VISITS + " in " + interval
          + " are missing from " + ReleasedVisits.SHIFTED_VISITS + " (the release is incomplete);"
          + " nothing was written. Rerun `deidentify` for the interval, then `corpus`.");
    }
    ctx.progress("%,d released visits in %s", in, interval);

    Dataset<Row> filtered = QualityFilters.apply(visits).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> deduplicated = NearDuplicates.apply(filtered, seed)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Contamination.Result contamination = Contamination.apply(deduplicated, itemSets);
    Dataset<Row> all = contamination.docs().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> kept = all.where(col(QualityFilters.DROP_REASON).isNull());

    Map<String, Long> dropped = dropCounts(all);
    long droppedTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
    dropped.forEach((reason, n) -> ctx.run().count("dropped." + reason, n));
    ctx.progress("%,d dropped (%.1f s): %s", droppedTotal, since(t0), dropped);

    Row output = PhiScan.scan(kept);
    ctx.progress("PHI scan of the final documents done (%.1f s)", since(t0));
    long documents = output.getLong(0);
    PhiScan.requireClean(kept, output, interval);
    ctx.run().count("documents", documents).count(PhiScan.PHI_DOCUMENTS, 0)
        .count(PhiScan.REAL_DATE_DOCUMENTS, 0)
        .count("eval_items", contamination.items())
        .count("eval_items_flagged", contamination.flaggedItems())
        .rows(in, documents, droppedTotal).requireReconciled();

    Long outSnapshot = CorpusTables.replace(spark, ctx, VisitNotes.tableRows(kept, runId), Tables.DATASETS_CORPUS, interval, null);
    ctx.run().output(Tables.DATASETS_CORPUS.toString(), outSnapshot);
    Long droppedSnapshot = CorpusTables.replace(spark, ctx, all.where(
            col(QualityFilters.DROP_REASON).isNotNull()).select(col("doc_id"),
            col(QualityFilters.DROP_REASON), col(QualityFilters.DETAIL),
            lit(runId).as(VisitNotes.RUN_ID)), DROPPED, interval, null);
    ctx.run().output(DROPPED.toString(), droppedSnapshot);
    Long flagSnapshot = CorpusTables.replace(spark, ctx, contamination.flags(spark, runId,
            outSnapshot),
        Tables.DATASETS_ITEM_CONTAMINATION, interval, col("item_set_sha256").isin(
            itemSets.stream().map(Contamination.ItemSet::sha256).toArray()), "item_set_sha256");
    ctx.run().output(Tables.DATASETS_ITEM_CONTAMINATION.toString(), flagSnapshot);
    ctx.progress("%,d of %,d evaluation items flagged as contaminated; tables written (%.1f s)",
        contamination.flaggedItems(), contamination.items(), since(t0));

    // export what was committed, read back at the snapshot just written
    Dataset<Row> written = PinnedTable.at(spark, ctx, Tables.DATASETS_CORPUS, outSnapshot)
        .where(CorpusTables.ofInterval(interval));
    int shardCount = shards > 0 ? shards : (int) Math.max(1, (documents + 49_999) / 50_000);
    CorpusExport export = CorpusExport.under(ctx.config().get(CarelakeConfig.DATASETS_DIR), interval);
    List<CorpusExport.Shard> files = export.write(spark, written, VisitNotes.documentColumns(),
        seed, shardCount, runId);
    ctx.progress("%,d documents in %d shard(s) under %s (%.1f s)", documents, shardCount,
        export.dir(), since(t0));

    // instruction data from the written documents joined back to their released fields
    Dataset<Row> sourceRows = kept.select(col("doc_id"), col("patient_pseudonym"),
        col("event_time"), col("chief_complaint"), col("note"), col("diagnoses"),
        col("visit_type"), col("language"), col(VisitNotes.TEXT));
    Dataset<Row> instructions = InstructionTasks.build(sourceRows,
        InstructionTasks.vitalsOfDocuments(sourceRows, release.vitals().rows()),
        // the release the text came from: stable across reruns, unlike the corpus table's snapshot
        release.shifted().table().toString(), release.shifted().snapshotId())
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> byTemplate = new LinkedHashMap<>();
    // one row per template
    for (Row r : instructions.groupBy("template_id").count().orderBy("template_id")
        .collectAsList()) {
      byTemplate.put(r.getString(0), r.getLong(1));
      ctx.run().count("instructions." + r.getString(0), r.getLong(1));
    }
    List<CorpusExport.Shard> instructionFiles = export.write(spark, instructions,
        InstructionTasks.FIELDS.stream().map(org.apache.spark.sql.functions::col)
            .toArray(org.apache.spark.sql.Column[]::new), seed, shardCount, runId,
        "instruction_id", CorpusExport.INSTRUCTIONS_DIR, CorpusExport.INSTRUCTIONS_PARQUET_DIR);
    instructions.unpersist();
    List<CorpusExport.Shard> allFiles = new ArrayList<>(files);
    allFiles.addAll(instructionFiles);
    export.writeJson(spark, CorpusExport.MANIFEST,
        CorpusExport.manifest(interval, seed, shardCount, allFiles, documents));
    ctx.progress("%,d instruction records (%s) (%.1f s)",
        byTemplate.values().stream().mapToLong(Long::longValue).sum(), byTemplate, since(t0));

    Map<String, Object> card = DataCard.of(ctx, release, in, dropped, output, byLanguage(written),
        placeholders(written), outSnapshot, contamination, seed, shardCount, allFiles, byTemplate);
    export.writeJson(spark, CorpusExport.DATA_CARD, card);
    export.writeText(spark, CorpusExport.README, DataCard.markdown(card));
    ctx.progress("data card written to %s", export.dataCard());
    all.unpersist();
    deduplicated.unpersist();
    filtered.unpersist();
    visits.unpersist();
  }

  /** Dropped documents by reason, every reason listed (0 when none), in the order applied. */
  static Map<String, Long> dropCounts(Dataset<Row> all) {
    Map<String, Long> counts = new LinkedHashMap<>();
    QualityFilters.RULES.keySet().forEach(r -> counts.put(r, 0L));
    counts.put(NearDuplicates.EXACT, 0L);
    counts.put(NearDuplicates.NEAR, 0L);
    counts.put(Contamination.REASON, 0L);
    // one row per reason
    for (Row r : all.where(col(QualityFilters.DROP_REASON).isNotNull())
        .groupBy(QualityFilters.DROP_REASON).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static Map<String, Long> byLanguage(Dataset<Row> written) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row r : written.groupBy("language").count().orderBy("language").collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** Scrubber placeholders left in the final text, by kind ([NAME] → n): one row per kind. */
  private static Map<String, Long> placeholders(Dataset<Row> written) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row r : written.select(org.apache.spark.sql.functions.explode(
            org.apache.spark.sql.functions.expr("regexp_extract_all(" + VisitNotes.TEXT + ", '("
                + QualityFilters.PLACEHOLDER.replace("\\", "\\\\") + ")', 1)")).as("p"))
        .groupBy("p").count().orderBy("p").collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static List<String> firstIds(Dataset<Row> rows, int n) {
    return rows.select("doc_id").orderBy("doc_id").limit(n).as(Encoders.STRING()).collectAsList();
  }
}
