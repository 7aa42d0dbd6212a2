package io.carelake.datasets;

import io.carelake.core.Version;
import io.carelake.core.tables.Tables;
import io.carelake.spark.JobContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The corpus's data card, after Datasheets for Datasets (motivation, composition, collection,
 * preprocessing, uses, distribution) and the Hugging Face dataset card (YAML header, then
 * sections): {@code datacard.json} for machines and {@code README.md} for people, both from the
 * same map. Aggregates and descriptions only, never a row.
 */
final class DataCard {

  static final String LICENCE = "other: carelake synthetic-data research licence. The documents"
      + " are derived from carelake's synthetic population (no real patient); a corpus built from"
      + " real records may be shared only under the data-use agreement of the release model"
      + " recorded in governance.privacy_results (deid.release-model).";

  static final String INTENDED_USE = "Pre-training and fine-tuning of language models on"
      + " primary-care documentation (Chinese and English); evaluation of such models on the"
      + " clean subset of carelake's exam items. Not for re-identification, not for linking with"
      + " other data about the same patients, not for clinical decisions about a person.";

  private DataCard() {}

  static Map<String, Object> of(JobContext ctx, ReleasedVisits release, long in,
      Map<String, Long> dropped, org.apache.spark.sql.Row output, Map<String, Long> byLanguage,
      Map<String, Long> placeholders, Long outSnapshot, Contamination.Result contamination,
      long seed, int shards, List<CorpusExport.Shard> files, Map<String, Long> instructions) {
    Map<String, Object> card = new LinkedHashMap<>();
    long documents = output.getLong(0);
    card.put("name", Tables.DATASETS_CORPUS.name());
    card.put("description", "De-identified, date-shifted primary-care visit notes (chief"
        + " complaint and note), one document per visit, filtered, deduplicated and"
        + " decontaminated.");
    card.put("license", LICENCE);
    card.put("intended_use", INTENDED_USE);
    card.put("format", "JSON Lines (gzip) and Parquet (zstd), the same documents in the same"
        + " shards; files and SHA-256 in manifest.json");
    card.put("interval", Map.of("start", ctx.interval().start().toString(),
        "end", ctx.interval().end().toString(), "end_exclusive", true,
        "selection", "visits whose real event_time (UTC) falls in the interval; only shifted"
            + " times are exported"));
    card.put("run_id", ctx.run().id());
    card.put("carelake_version", Version.CARELAKE);

    Map<String, Object> sources = new LinkedHashMap<>();
    sources.put(release.shifted().table().toString(), snapshot(release.shifted().snapshotId()));
    sources.put(release.safe().table().toString() + " (interval membership only)",
        snapshot(release.safe().snapshotId()));
    sources.put(release.vitals().table().toString() + " (instruction tasks' vital signs)",
        snapshot(release.vitals().snapshotId()));
    card.put("sources", sources);
    card.put("output", Map.of("table", Tables.DATASETS_CORPUS.toString(),
        "snapshot_id", snapshot(outSnapshot)));

    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("source_visits", in);
    counts.put("documents", documents);
    counts.put("dropped", dropped);
    counts.put("patients", output.getLong(1));
    counts.put("documents_by_language", byLanguage);
    counts.put("text_chars", textChars(output));
    card.put("counts", counts);
    card.put("filters", filterSteps(in, dropped));

    Map<String, Object> dedup = new LinkedHashMap<>();
    long afterFilters = in - QualityFilters.RULES.keySet().stream()
        .mapToLong(r -> dropped.getOrDefault(r, 0L)).sum();
    dedup.put("method", "exact: SHA-256 of the normalised text (NFKC, lower case, whitespace and"
        + " punctuation removed), lowest doc_id kept; near: MinHash on character "
        + NearDuplicates.SHINGLE + "-grams, " + NearDuplicates.HASHES + " hashes in "
        + NearDuplicates.BANDS + " bands of " + NearDuplicates.ROWS + " rows, candidates verified"
        + " at estimated Jaccard >= " + NearDuplicates.THRESHOLD + ", connected components by"
        + " iterative joins; the longest text of a cluster is kept (ties: lowest doc_id)");
    dedup.put("seed", seed);
    dedup.put("exact_duplicate_rate", rate(dropped.get(NearDuplicates.EXACT), afterFilters));
    dedup.put("near_duplicate_rate", rate(dropped.get(NearDuplicates.NEAR), afterFilters));
    card.put("deduplication", dedup);

    Map<String, Object> cont = new LinkedHashMap<>();
    cont.put("method", "character " + Contamination.NGRAM + "-grams of the normalised text; a"
        + " document contaminates an item when it holds at least " + Contamination.THRESHOLD
        + " of the item's distinctive n-grams (those no other item of the set has); such"
        + " documents are dropped and the items flagged in " + Tables.DATASETS_ITEM_CONTAMINATION);
    cont.put("item_sets", contamination.summary());
    cont.put("document_rate", rate(dropped.get(Contamination.REASON), documents
        + dropped.get(Contamination.REASON)));
    card.put("contamination", cont);

    Map<String, Object> privacy = new LinkedHashMap<>();
    privacy.put("deidentification", "Built from the date-shifted release of deidentify only:"
        + " patients as keyed pseudonyms, visits as keyed event keys, text scrubbed of PHI and"
        + " every date (field and text) moved by the patient's offset. Visits whose offset is 0"
        + " are dropped (zero_date_shift).");
    privacy.put("scan", PhiScan.DETECTORS);
    privacy.put("documents_with_phi", 0);
    privacy.put("documents_with_real_date", 0);
    privacy.put("scrubber_placeholders", placeholders);
    card.put("privacy", privacy);

    card.put("fields", VisitNotes.DOCUMENT_FIELDS.stream().map(f -> {
      Map<String, String> field = new LinkedHashMap<>();
      field.put("name", f.name());
      field.put("type", f.type());
      field.put("description", f.description());
      return field;
    }).toList());
    Map<String, Object> tasks = new LinkedHashMap<>();
    tasks.put("files", CorpusExport.INSTRUCTIONS_DIR + "/shard-*.jsonl.gz, "
        + CorpusExport.INSTRUCTIONS_PARQUET_DIR + "/shard-*.parquet");
    tasks.put("templates", "assessment (chief complaint + the day's vital signs -> the note),"
        + " summary (visit text -> JSON of visit_type, chief_complaint, diagnoses), icd10 (visit"
        + " text -> ICD-10 codes), each in the document's language (zh or en), version "
        + InstructionTasks.VERSION);
    tasks.put("records_by_template", instructions);
    tasks.put("fields", InstructionTasks.FIELDS);
    tasks.put("source", "the final documents only (after every filter, deduplication,"
        + " decontamination and the PHI scan) and the day's vitals from "
        + ReleasedVisits.SHIFTED_VITALS + " (snapshot " + snapshot(release.vitals().snapshotId())
        + ")");
    card.put("instruction_data", tasks);
    card.put("shards", Map.of("count", shards, "files", files.size(),
        "rule", "pmod(xxhash64(doc_id, seed), shards), sorted by doc_id"));
    return card;
  }

  /** Each filter in order: documents before, dropped, after. */
  private static List<Map<String, Object>> filterSteps(long in, Map<String, Long> dropped) {
    java.util.ArrayList<Map<String, Object>> steps = new java.util.ArrayList<>();
    long before = in;
    for (Map.Entry<String, Long> d : dropped.entrySet()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("step", d.getKey());
      step.put("rule", describe(d.getKey()));
      step.put("before", before);
      step.put("dropped", d.getValue());
      before -= d.getValue();
      step.put("after", before);
      steps.add(step);
    }
    return steps;
  }

  private static String describe(String reason) {
    if (QualityFilters.RULES.containsKey(reason)) {
      return QualityFilters.RULES.get(reason);
    }
    return switch (reason) {
      case NearDuplicates.EXACT -> "same normalised text as a kept document (drop_detail: it)";
      case NearDuplicates.NEAR -> "in a near-duplicate cluster whose representative is kept"
          + " (drop_detail: it)";
      case Contamination.REASON -> "holds an evaluation item (drop_detail: the item ids)";
      default -> reason;
    };
  }

  private static Object snapshot(Long id) {
    return id == null ? "none" : id;
  }

  private static double rate(Long n, long of) {
    return of == 0 || n == null ? 0.0 : Math.round(n * 1e4 / of) / 1e4;
  }

  private static Map<String, Object> textChars(org.apache.spark.sql.Row output) {
    Map<String, Object> chars = new LinkedHashMap<>();
    if (output.getLong(0) == 0) {
      return chars;
    }
    chars.put("min", output.getInt(2));
    chars.put("mean", Math.round(output.getDouble(3) * 10) / 10.0);
    chars.put("max", output.getInt(4));
    return chars;
  }

  /** The Hugging Face style README: YAML header, then the card's sections as Markdown. */
  static String markdown(Map<String, Object> card) {
    StringBuilder md = new StringBuilder();
    md.append("---\n");
    md.append("license: other\n");
    md.append("language:\n- zh\n- en\n");
    md.append("task_categories:\n- text-generation\n");
    md.append("pretty_name: carelake ").append(card.get("name")).append('\n');
    md.append("---\n\n");
    md.append("# ").append(card.get("name")).append("\n\n").append(card.get("description"))
        .append("\n\n");
    section(md, "Licence", card.get("license"));
    section(md, "Intended use", card.get("intended_use"));
    section(md, "Sources (snapshot ids)", card.get("sources"));
    section(md, "Counts", card.get("counts"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) card.get("filters");
    md.append("## Filters, in order\n\n| step | before | dropped | after | rule |\n|---|---:|---:|---:|---|\n");
    for (Map<String, Object> s : steps) {
      md.append("| ").append(s.get("step")).append(" | ").append(s.get("before")).append(" | ")
          .append(s.get("dropped")).append(" | ").append(s.get("after")).append(" | ")
          .append(String.valueOf(s.get("rule")).replace("|", "\\|")).append(" |\n");
    }
    md.append('\n');
    section(md, "Deduplication", card.get("deduplication"));
    section(md, "Contamination", card.get("contamination"));
    section(md, "Privacy", card.get("privacy"));
    section(md, "Instruction data", card.get("instruction_data"));
    section(md, "Fields", card.get("fields"));
    section(md, "Format", card.get("format") + "; " + card.get("shards"));
    md.append("Run `").append(card.get("run_id")).append("`, carelake ")
        .append(card.get("carelake_version")).append(".\n");
    return md.toString();
  }

  private static void section(StringBuilder md, String title, Object content) {
    md.append("## ").append(title).append("\n\n");
    if (content instanceof Map<?, ?> m) {
      m.forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
    } else if (content instanceof List<?> l) {
      l.forEach(v -> md.append("- ").append(v).append('\n'));
    } else {
      md.append(content).append('\n');
    }
    md.append('\n');
  }
}
