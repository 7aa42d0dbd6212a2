package io.carelake.datasets;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IcebergWrites;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/**
 * Builds the de-identified visit-notes corpus of an interval: one document per safe visit with text,
 * in {@code datasets.visit_notes_corpus} and as JSONL with a data card under {@code datasets.dir}.
 */
@Command(name = "corpus", mixinStandardHelpOptions = true,
    description = "Build the de-identified visit-notes corpus of an interval from safe.visits: "
        + "table datasets.visit_notes_corpus, JSONL under <datasets.dir>/corpus/<start>_<end>/ "
        + "and its datacard.json.")
public final class CorpusJob extends IntervalJob {

  static final String EMPTY_TEXT = "empty_text";
  /** Count of documents that failed the privacy guard (always 0 in a succeeded run). */
  static final String PHI_PATTERN = "phi_pattern_documents";

  static final String DEIDENTIFICATION_STATEMENT = "Documents are built from safe.visits only, "
      + "the de-identified output of `deidentify`. Patients appear only as keyed pseudonyms "
      + "(HMAC-SHA-256 of the resident id, key ids listed under source.key_ids) and visits only as "
      + "keyed event keys; the chief complaint and note were scrubbed of PHI upstream. No name, "
      + "resident id, phone, address, birth date, clinician id, facility id, age or prescription "
      + "is exported. This job adds no identifier, does not re-identify anything and does not "
      + "alter the scrubbed text beyond trimming and joining it. Date shifting and the residual "
      + "disclosure risk of the text are governed upstream (governance.privacy_results).";

  public static void main(String[] args) {
    System.exit(JobMain.run(new CorpusJob(), args));
  }

  @Override
  public String name() {
    return "corpus";
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    String runId = ctx.run().id();
    PinnedTable safe = PinnedTable.read(spark, ctx, Tables.SAFE_VISITS, "deidentify");
    Dataset<Row> visits = VisitNotes.withText(
        safe.rows().where(IcebergWrites.inInterval("event_time", interval)));

    // One pass over the input for everything the ledger and the data card say about it.
    Row input = visits.agg(count(lit(1)), sum(when(not(VisitNotes.hasText()), 1).otherwise(0)),
        sort_array(collect_set(col("key_id"))),
        sum(when(VisitNotes.hasText().and(VisitNotes.hasPhiPattern()), 1).otherwise(0))).first();
    long in = input.getLong(0);
    long emptyText = input.isNullAt(1) ? 0 : input.getLong(1);
    List<String> keyIds = input.getList(2);
    long phi = input.isNullAt(3) ? 0 : input.getLong(3);
    ctx.progress("%,d safe visits in %s, %,d without text", in, interval, emptyText);
    ctx.run().count("safe_visits", in).count(EMPTY_TEXT, emptyText).count(PHI_PATTERN, phi);
    requireNoPhi(visits, phi, interval);

    PinnedTable.ensureNamespace(spark, ctx, Tables.DATASETS_CORPUS);
    IcebergWrites.replaceInterval(ctx, VisitNotes.documents(visits, runId), Tables.DATASETS_CORPUS,
        "event_time", interval);
    Long outSnapshot = ctx.currentSnapshot(Tables.DATASETS_CORPUS);
    ctx.run().output(Tables.DATASETS_CORPUS.toString(), outSnapshot);

    // Count what was committed, not what was meant to be: the ledger reconciles the table itself.
    Dataset<Row> written = PinnedTable.at(spark, ctx, Tables.DATASETS_CORPUS, outSnapshot)
        .where(IcebergWrites.inInterval("event_time", interval));
    Row output = written.agg(count(lit(1)), countDistinct(col("patient_pseudonym")),
        min(length(col(VisitNotes.TEXT))), avg(length(col(VisitNotes.TEXT))),
        max(length(col(VisitNotes.TEXT))),
        sum(when(VisitNotes.hasPhiPattern(), 1).otherwise(0))).first();
    long documents = output.getLong(0);
    if (!output.isNullAt(5) && output.getLong(5) > 0) {
      // cannot happen after the guard above unless another writer raced this run: keep it out of
      // the export, which is what leaves the trust domain
      throw new BlockedException(output.getLong(5) + " document(s) of " + Tables.DATASETS_CORPUS
          + " in " + interval + " (snapshot " + outSnapshot + ") hold an 18-digit resident-id or CN"
          + " mobile-number pattern; the export was not written. Find who wrote them, fix "
          + Tables.SAFE_VISITS + " and rerun `corpus` for this interval.");
    }
    ctx.run().count("documents", documents)
        .rows(in, documents, emptyText).requireReconciled();

    CorpusExport export = CorpusExport.under(ctx.config().get(CarelakeConfig.DATASETS_DIR), interval);
    export.writeDocuments(written);
    ctx.progress("%,d documents written to %s", documents, export.documentsDir());

    Map<String, Long> byVisitType = new LinkedHashMap<>();
    for (Row r : written.groupBy("visit_type").count().orderBy("visit_type").collectAsList()) {
      byVisitType.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
    }
    Map<String, Object> card = dataCard(ctx, safe, keyIds, in, emptyText, output, byVisitType,
        outSnapshot);
    export.writeDataCard(spark, card);
    ctx.progress("data card written to %s", export.dataCard());
  }

  /**
   * The final privacy guard: a document whose text still holds a resident-id or mobile-number
   * pattern blocks the run before anything is written, so the corpus table and the export keep what
   * they had. The message names the offending documents by doc_id (a keyed event key), never the text.
   */
  static void requireNoPhi(Dataset<Row> visits, long phi, Interval interval) {
    if (phi == 0) {
      return;
    }
    List<String> examples = visits.where(VisitNotes.hasText().and(VisitNotes.hasPhiPattern()))
        .select("event_key").orderBy("event_key").limit(5).as(
            org.apache.spark.sql.Encoders.STRING()).collectAsList();
    throw new BlockedException(phi + " visit(s) of " + Tables.SAFE_VISITS + " in " + interval
        + " still hold an 18-digit resident-id or CN mobile-number pattern in chief_complaint/note"
        + " (event_key e.g. " + String.join(", ", examples) + "); nothing was written to "
        + Tables.DATASETS_CORPUS + " or the export. Fix the scrubbing in `deidentify` and rerun it"
        + " for this interval, then rerun `corpus`.");
  }

  private static Map<String, Object> dataCard(JobContext ctx, PinnedTable safe, List<String> keyIds,
      long in, long emptyText, Row output, Map<String, Long> byVisitType, Long outSnapshot) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("name", Tables.DATASETS_CORPUS.name());
    card.put("description", "De-identified primary-care visit notes, one document per visit.");
    card.put("format", "JSON Lines, gzip; one document per line, fields below, null written as null");
    card.put("files", CorpusExport.DOCUMENTS_DIR + "/part-*.json.gz");
    card.put("interval", Map.of("start", ctx.interval().start().toString(),
        "end", ctx.interval().end().toString(), "end_exclusive", true,
        "time_field", "event_time (UTC)"));
    card.put("run_id", ctx.run().id());
    card.put("carelake_version", Version.CARELAKE);

    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("source_visits", in);
    counts.put("documents", output.getLong(0));
    counts.put("set_aside", Map.of(EMPTY_TEXT, emptyText));
    counts.put("patients", output.getLong(1));
    counts.put("documents_by_visit_type", byVisitType);
    counts.put("text_chars", textChars(output));
    card.put("counts", counts);

    card.put("source", Map.of("table", safe.table().toString(),
        "snapshot_id", safe.snapshotId() == null ? "none" : safe.snapshotId(),
        "key_ids", keyIds));
    card.put("output", Map.of("table", Tables.DATASETS_CORPUS.toString(),
        "snapshot_id", outSnapshot == null ? "none" : outSnapshot));
    card.put("fields", VisitNotes.DOCUMENT_FIELDS.stream().map(f -> {
      Map<String, String> field = new LinkedHashMap<>();
      field.put("name", f.name());
      field.put("type", f.type());
      field.put("description", f.description());
      return field;
    }).toList());
    card.put("set_aside_rules", Map.of(EMPTY_TEXT,
        "visits whose scrubbed chief complaint and note are both null or blank"));
    card.put("deidentification", DEIDENTIFICATION_STATEMENT);
    Map<String, Object> guard = new LinkedHashMap<>();
    guard.put("rule", "no document text matches an 18-digit resident-id or CN mobile-number "
        + "pattern; a match blocks the run before anything is written");
    guard.put("pattern", VisitNotes.PHI_PATTERN);
    guard.put("documents_matching", 0);
    card.put("privacy_guard", guard);
    return card;
  }

  private static Map<String, Object> textChars(Row output) {
    Map<String, Object> chars = new LinkedHashMap<>();
    if (output.getLong(0) == 0) {
      return chars;
    }
    chars.put("min", output.getInt(2));
    chars.put("mean", Math.round(output.getDouble(3) * 10) / 10.0);
    chars.put("max", output.getInt(4));
    return chars;
  }
}
