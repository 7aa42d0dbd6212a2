package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.time.Interval;
import io.carelake.generator.SyntheticExamItems;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus job end to end on a planted release: which documents are kept, why each other one
 * was dropped, contamination flags, the shards and their manifest, reproducibility, and the
 * refusals (ledger, PHI, real dates).
 */
class TestCorpusJob {

  static final LocalDate START = LocalDate.parse("2025-03-01");
  static final LocalDate END = LocalDate.parse("2025-03-04");
  static final Interval INTERVAL = new Interval(START, END);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  CarelakeConfig cfg;
  /** doc_id → the drop reason the planted release must get (absent: kept). */
  final Map<String, String> expectedDrop = new LinkedHashMap<>();
  /** doc_id → its expected drop detail (the representative or the item). */
  final Map<String, String> expectedDetail = new HashMap<>();
  final List<ReleaseFixture.Visit> visits = new ArrayList<>();
  String item1;
  List<String> testSplit;

  @BeforeEach
  void writeRelease() throws Exception {
    cfg = CarelakeConfig.load(home);
    // test-split text, configured for every run (corpus.eval-items, relative to the home)
    testSplit = List.of(ReleaseFixture.words(ReleaseFixture.ZH, 30, 300, ""),
        ReleaseFixture.words(ReleaseFixture.ZH, 30, 301, ""));
    Files.writeString(home.resolve("test-split.jsonl"), "{\"id\":\"ts-1\",\"text\":\""
        + testSplit.get(0) + "\"}\n{\"id\":\"ts-2\",\"text\":\"" + testSplit.get(1) + "\"}\n");
    cfg = cfg.withSaved(Contamination.CONFIG_KEY, "test-split.jsonl");
    plant();
    SparkSession spark = LocalSpark.session(cfg);
    ReleaseFixture.writeTables(spark, visits);
    ReleaseFixture.writeVitals(spark, visits.stream().filter(v -> v.eventKey().equals("ek-b00"))
        .findFirst().orElseThrow());
  }

  @AfterEach
  void stopSpark() {
    LocalSpark.stop();
  }

  private void visit(String key, int patient, int day, int shift, String complaint, String note,
      String drop, String detail) {
    visits.add(new ReleaseFixture.Visit(key, patient, ReleaseFixture.at(START.plusDays(day),
        1 + visits.size() % 20), shift, complaint, note));
    if (drop != null) {
      expectedDrop.put(key, drop);
    }
    if (detail != null) {
      expectedDetail.put(key, detail);
    }
  }

  /** The planted release: distinct notes, duplicates of several kinds, junk, an exam item. */
  private void plant() {
    List<String> zh = new ArrayList<>();
    List<String> en = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      zh.add(ReleaseFixture.words(ReleaseFixture.ZH, 48, 100 + i, ""));
      en.add(ReleaseFixture.words(ReleaseFixture.EN, 30, 200 + i, " "));
    }
    for (int i = 0; i < 10; i++) {
      visit(String.format("ek-a%02d", i), i, i % 3, 1 + i % 5, null, zh.get(i), null, null);
      visit(String.format("ek-b%02d", i), 20 + i, i % 3, -(1 + i % 4), "复诊", en.get(i), null,
          null);
    }
    // a real date in the note: it must leave shifted
    visit("ek-c00", 40, 1, 3, "复查", "2025-03-02 血糖 复查 " + zh.get(3).substring(0, 20), null,
        null);
    // exact duplicates: whitespace, punctuation and case differ
    visit("ek-x00", 41, 2, 2, null, " " + zh.get(0).substring(0, 10) + "， "
        + zh.get(0).substring(10) + "。", NearDuplicates.EXACT, "ek-a00");
    visit("ek-x01", 42, 0, 2, "复诊", en.get(1).toUpperCase(), NearDuplicates.EXACT, "ek-b01");
    // near duplicates: an edited character, an insertion (longer: it becomes the representative),
    // an English template variant (shorter: the original stays)
    String z2 = zh.get(2);
    visit("ek-n00", 43, 1, 4, null, z2.substring(0, 20) + "咳" + z2.substring(21),
        NearDuplicates.NEAR, "ek-a02");
    String z4 = zh.get(4);
    visit("ek-n01", 44, 2, 4, null, z4.substring(0, 24) + "明显缓解" + z4.substring(24), null,
        null);
    expectedDrop.put("ek-a04", NearDuplicates.NEAR);
    expectedDetail.put("ek-a04", "ek-n01");
    visit("ek-n02", 45, 0, 1, "复诊", en.get(5).replaceFirst(" ", " and ") + " review",
        null, null);
    expectedDrop.put("ek-b05", NearDuplicates.NEAR);
    expectedDetail.put("ek-b05", "ek-n02");
    // quality filters, one document each
    visit("ek-f00", 46, 0, 1, null, "  ", QualityFilters.EMPTY_TEXT, null);
    visit("ek-f01", 47, 0, 0, null, zh.get(6) + "随访", QualityFilters.UNSHIFTED, null);
    visit("ek-f02", 48, 0, 1, "头晕", null, QualityFilters.TOO_SHORT, null);
    visit("ek-f03", 49, 1, 1, null, "152/94 88 7.2 6.1 13.5 120/80 99",
        QualityFilters.LOW_LETTER_RATIO, null);
    visit("ek-f04", 50, 1, 1, null, "Пациент жалуется на головную боль и слабость",
        QualityFilters.OTHER_LANGUAGE, null);
    visit("ek-f05", 51, 1, 1, "复诊", "[NAME] [PHONE] [ID] [ADDRESS] [NAME]",
        QualityFilters.PLACEHOLDER_HEAVY, null);
    visit("ek-f06", 52, 2, 1, null, "无特殊。按时复诊。", QualityFilters.BOILERPLATE, null);
    // an exam item pasted into a note
    List<String> items = SyntheticExamItems.jsonl(SyntheticExamItems.SEED_DEFAULT,
        SyntheticExamItems.PER_SUBJECT_DEFAULT);
    JsonNode first;
    try {
      first = JSON.readTree(items.get(0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    item1 = first.get("id").asText();
    StringBuilder pasted = new StringBuilder("练习题 " + first.get("question").asText());
    first.get("options").fields().forEachRemaining(o -> pasted.append(' ').append(o.getKey())
        .append(' ').append(o.getValue().asText()));
    visit("ek-e00", 53, 2, 2, null, pasted.toString(), Contamination.REASON, item1);
    // a passage of the configured test split pasted into a note (the other passage is not)
    visit("ek-e01", 54, 1, 3, null, "复习资料：" + testSplit.get(0), Contamination.REASON, "ts-1");
    // outside the interval: never read
    visits.add(new ReleaseFixture.Visit("ek-out-before", 1, ReleaseFixture.at(START.minusDays(1),
        5), 1, null, zh.get(7)));
    visits.add(new ReleaseFixture.Visit("ek-out-after", 2, ReleaseFixture.at(END, 5), 1, null,
        zh.get(8)));
  }

  List<ReleaseFixture.Visit> inInterval() {
    return visits.stream().filter(v -> !v.day().isBefore(START) && v.day().isBefore(END)).toList();
  }

  int runCorpus() {
    LocalSpark.session(cfg);
    return JobMain.run(new CorpusJob(), new String[] {"--home", home.toString(),
        "--interval-start", START.toString(), "--interval-end", END.toString(), "--shards", "3"});
  }

  Path exportDir() {
    return Path.of(cfg.get(CarelakeConfig.DATASETS_DIR)).resolve("corpus")
        .resolve(START + "_" + END);
  }

  @Test
  void keepsTheCleanDocumentsCountsEveryDropAndReproducesTheExport() throws Exception {
    ReleaseFixture.recordRuns(LocalSpark.session(cfg), cfg, INTERVAL, "SUCCEEDED");
    assertThat(runCorpus()).isEqualTo(JobMain.EXIT_OK);

    List<ReleaseFixture.Visit> in = inInterval();
    Map<String, ReleaseFixture.Visit> kept = new LinkedHashMap<>();
    in.stream().filter(v -> !expectedDrop.containsKey(v.eventKey()))
        .forEach(v -> kept.put(v.eventKey(), v));
    SparkSession spark = LocalSpark.session(cfg);

    // every dropped document with its reason and the document it duplicates or the item
    Map<String, String> reasons = new HashMap<>();
    Map<String, String> details = new HashMap<>();
    for (Row r : spark.table("carelake.datasets.visit_notes_corpus_dropped").collectAsList()) {
      reasons.put(r.getAs("doc_id"), r.getAs("drop_reason"));
      if (r.getAs("drop_detail") != null) {
        details.put(r.getAs("doc_id"), r.getAs("drop_detail"));
      }
    }
    assertThat(reasons).isEqualTo(expectedDrop);
    assertThat(details).isEqualTo(expectedDetail);

    Map<String, String> docs = new HashMap<>();
    for (Row r : spark.table("carelake.datasets.visit_notes_corpus").collectAsList()) {
      docs.put(r.getAs("doc_id"), r.getAs("text"));
      assertThat(r.<java.sql.Timestamp>getAs("event_time").toInstant())
          .isEqualTo(kept.get(r.<String>getAs("doc_id")).shiftedTime());
    }
    assertThat(docs).isEqualTo(kept.values().stream().collect(Collectors.toMap(
        ReleaseFixture.Visit::eventKey, ReleaseFixture.Visit::shiftedText)));
    assertThat(docs.get("ek-c00")).contains("2025-03-05").doesNotContain("2025-03-02");

    Row run = latestCorpusRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(in.size());
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(kept.size());
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(expectedDrop.size());
    scala.collection.Map<String, Long> counts = run.getAs("counts");
    for (String reason : new HashSet<>(expectedDrop.values())) {
      assertThat(counts.get("dropped." + reason).get()).as(reason).isEqualTo(
          expectedDrop.values().stream().filter(reason::equals).count());
    }
    assertThat(run.<scala.collection.Map<String, Long>>getAs("input_snapshots")
        .get("safe.visits_date_shifted").get())
        .isEqualTo(ReleaseFixture.snapshot(spark, "carelake.safe.visits_date_shifted"));

    // contamination: the pasted item only, not its template siblings; the pasted test-split
    // passage only, not the other one
    Map<String, Boolean> flags = new HashMap<>();
    String sha = null;
    for (Row r : spark.table("carelake.datasets.item_contamination").collectAsList()) {
      flags.put(r.getAs("item_id"), r.getAs("contaminated"));
      if (r.getAs("item_id").equals(item1)) {
        sha = r.getAs("item_set_sha256");
      }
    }
    assertThat(flags).hasSize(100 + 2).containsEntry("ts-2", false);
    assertThat(flags.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey))
        .containsExactlyInAnyOrder(item1, "ts-1");
    String shipped = String.join("\n", SyntheticExamItems.jsonl(SyntheticExamItems.SEED_DEFAULT,
        SyntheticExamItems.PER_SUBJECT_DEFAULT)) + "\n";
    assertThat(sha).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(shipped.getBytes(StandardCharsets.UTF_8))));

    // the export: shards hold exactly the kept documents, the manifest describes the bytes
    JsonNode manifest = JSON.readTree(exportDir().resolve("manifest.json").toFile());
    Set<String> exported = new HashSet<>();
    long manifestRows = 0;
    for (JsonNode f : manifest.get("files")) {
      Path file = exportDir().resolve(f.get("file").asText());
      assertThat(sha256(file)).isEqualTo(f.get("sha256").asText());
      if (f.get("file").asText().startsWith("documents/")) {
        List<String> lines = jsonLines(file);
        assertThat(lines).hasSize(f.get("rows").asInt());
        manifestRows += f.get("rows").asLong();
        for (String line : lines) {
          assertThat(line).doesNotContain("CANARY");
          JsonNode doc = JSON.readTree(line);
          Set<String> names = new HashSet<>();
          doc.fieldNames().forEachRemaining(names::add);
          assertThat(names).isEqualTo(VisitNotes.DOCUMENT_FIELDS.stream()
              .map(VisitNotes.Field::name).collect(Collectors.toSet()));
          ReleaseFixture.Visit v = kept.get(doc.get("doc_id").asText());
          assertThat(doc.get("text").asText()).isEqualTo(v.shiftedText());
          assertThat(java.time.OffsetDateTime.parse(doc.get("event_time").asText()).toInstant())
              .isEqualTo(v.shiftedTime());
          exported.add(doc.get("doc_id").asText());
        }
      }
    }
    assertThat(exported).isEqualTo(kept.keySet());
    assertThat(manifestRows).isEqualTo(kept.size());
    // 3 shards of JSONL and Parquet, for documents and for instructions
    assertThat(manifest.get("files").size()).as(manifest.toString()).isEqualTo(12);

    // instruction data: every applicable template of the document's language, with provenance
    long shiftedSnapshot = ReleaseFixture.snapshot(spark, "carelake.safe.visits_date_shifted");
    Map<String, JsonNode> records = new HashMap<>();
    for (JsonNode f : manifest.get("files")) {
      if (f.get("file").asText().startsWith("instructions/")) {
        for (String line : jsonLines(exportDir().resolve(f.get("file").asText()))) {
          JsonNode rec = JSON.readTree(line);
          assertThat(rec.get("source_table").asText()).isEqualTo("safe.visits_date_shifted");
          assertThat(rec.get("source_snapshot_id").asLong()).isEqualTo(shiftedSnapshot);
          assertThat(kept).containsKey(rec.get("doc_id").asText());
          records.put(rec.get("doc_id").asText() + "/" + rec.get("template_id").asText(), rec);
        }
      }
    }
    long withComplaintAndNote = kept.values().stream().filter(v -> v.chiefComplaint() != null
        && !v.chiefComplaint().isBlank() && v.note() != null && !v.note().isBlank()).count();
    // every kept visit has a note and the code I10: summary + icd10 each, assessment when both
    assertThat(records).hasSize(2 * kept.size() + (int) withComplaintAndNote);
    JsonNode assessment = records.get("ek-b00/assessment.en.v1");
    assertThat(assessment.get("input").asText()).isEqualTo("Chief complaint: 复诊\nVital signs: "
        + "diastolic BP 94.0 mm[Hg]; systolic BP 152.0 mm[Hg]");
    assertThat(assessment.get("output").asText())
        .isEqualTo(kept.get("ek-b00").shiftedText().substring("复诊\n".length()));
    assertThat(records.get("ek-a00/icd10.zh.v1").get("output").asText()).isEqualTo("I10");
    assertThat(JSON.readTree(records.get("ek-a00/summary.zh.v1").get("output").asText())
        .get("diagnoses").get(0).asText()).isEqualTo("I10");
    assertThat(records.get("ek-a01/assessment.zh.v1")).isNull();

    JsonNode card = JSON.readTree(exportDir().resolve("datacard.json").toFile());
    assertThat(card.at("/counts/source_visits").asLong()).isEqualTo(in.size());
    assertThat(card.at("/counts/documents").asLong()).isEqualTo(kept.size());
    assertThat(card.at("/counts/dropped/near_duplicate").asLong()).isEqualTo(3);
    assertThat(card.at("/run_id").asText()).isEqualTo(run.<String>getAs("run_id"));
    assertThat(card.get("license").asText()).isNotBlank();
    assertThat(card.at("/contamination/item_sets/0/flagged").asLong()).isEqualTo(1);
    assertThat(card.at("/contamination/item_sets/1/flagged").asLong()).isEqualTo(1);
    assertThat(card.at("/contamination/item_sets/1/source").asText()).endsWith("test-split.jsonl");
    JsonNode steps = card.get("filters");
    assertThat(steps.get(steps.size() - 1).get("after").asLong()).isEqualTo(kept.size());
    assertThat(card.toString()).doesNotContain("CANARY").doesNotContain(visits.get(1).pseudonym());
    assertThat(Files.readString(exportDir().resolve("README.md"))).startsWith("---\nlicense:");

    // a rerun on the same release and seed: the same bytes, nothing duplicated
    assertThat(runCorpus()).isEqualTo(JobMain.EXIT_OK);
    JsonNode again = JSON.readTree(exportDir().resolve("manifest.json").toFile());
    assertThat(again.get("files")).isEqualTo(manifest.get("files"));
    spark = LocalSpark.session(cfg);
    assertThat(spark.table("carelake.datasets.visit_notes_corpus").count()).isEqualTo(kept.size());
    assertThat(spark.table("carelake.datasets.item_contamination").count()).isEqualTo(100 + 2);
  }

  @Test
  void refusesWhenTheLatestDeidentifyRunDidNotSucceed() throws Exception {
    ReleaseFixture.recordRuns(LocalSpark.session(cfg), cfg, INTERVAL, "BLOCKED");
    assertThat(runCorpus()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = LocalSpark.session(cfg);
    Row run = latestCorpusRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("deidentify").contains("BLOCKED");
    assertThat(spark.catalog().tableExists("carelake.datasets.visit_notes_corpus")).isFalse();
    assertThat(exportDir()).doesNotExist();
  }

  @Test
  void aReleasedIdentifierOrRealDateBlocksTheRunAndWritesNothing() throws Exception {
    SparkSession spark = LocalSpark.session(cfg);
    // the scrubber missed a mobile number on one visit; date shifting missed a date on another
    spark.sql("UPDATE carelake.safe.visits_date_shifted SET note = concat(note, ' 电话"
        + " 13812345678') WHERE event_key = 'ek-a01'");
    spark.sql("UPDATE carelake.safe.visits_date_shifted SET note = '2025-03-02 血糖 复查 "
        + "未见异常 继续监测' WHERE event_key = 'ek-c00'");
    ReleaseFixture.recordRuns(spark, cfg, INTERVAL, "SUCCEEDED");
    assertThat(runCorpus()).isEqualTo(JobMain.EXIT_BLOCKED);

    spark = LocalSpark.session(cfg);
    Row run = latestCorpusRun(spark);
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("1 document(s)").contains("ek-a01")
        .contains("ek-c00").doesNotContain("13812345678");
    assertThat(spark.catalog().tableExists("carelake.datasets.visit_notes_corpus")).isFalse();
    assertThat(exportDir()).doesNotExist();
  }

  /**
   * The latest corpus run. The job read governance.runs through this session's catalog, which
   * caches the table: refresh it to see the row the job's ledger wrote at its end.
   */
  static Row latestCorpusRun(SparkSession spark) {
    spark.sql("REFRESH TABLE carelake.governance.runs");
    return LocalSpark.latestRun(spark, "corpus");
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file)));
  }

  /** Every line of a gzipped JSONL file. */
  static List<String> jsonLines(Path part) throws IOException {
    List<String> lines = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(part);
        InputStream gz = new GZIPInputStream(raw);
        BufferedReader reader = new BufferedReader(new InputStreamReader(gz,
            StandardCharsets.UTF_8))) {
      reader.lines().filter(l -> !l.isBlank()).forEach(lines::add);
    }
    return lines;
  }
}
