package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCorpusJob {

  static final LocalDate START = LocalDate.parse("2025-03-01");
  static final LocalDate END = LocalDate.parse("2025-03-04");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  CarelakeConfig cfg;
  List<VisitFixture.Visit> visits;

  @BeforeEach
  void writeSafeVisits() throws Exception {
    cfg = CarelakeConfig.load(home);
    // the interval's three days, plus a day on each side that the corpus must not touch
    visits = VisitFixture.visits(START.minusDays(1), END.plusDays(1), 16);
    VisitFixture.write(LocalSpark.session(cfg), visits);
  }

  /** Each test has its own home: the next test must not reuse this one's catalog. */
  @AfterEach
  void stopSpark() {
    LocalSpark.stop();
  }

  int runCorpus(LocalDate start, LocalDate end) {
    LocalSpark.session(cfg);
    return JobMain.run(new CorpusJob(), new String[] {"--home", home.toString(),
        "--interval-start", start.toString(), "--interval-end", end.toString()});
  }

  List<VisitFixture.Visit> inInterval(LocalDate start, LocalDate end) {
    return visits.stream().filter(v -> !v.day().isBefore(start) && v.day().isBefore(end)).toList();
  }

  Path exportDir(LocalDate start, LocalDate end) {
    return Path.of(cfg.get(CarelakeConfig.DATASETS_DIR)).resolve("corpus").resolve(start + "_" + end);
  }

  @Test
  void writesOneDocumentPerVisitWithTextAndSetsAsideTheRest() throws Exception {
    assertThat(runCorpus(START, END)).isEqualTo(JobMain.EXIT_OK);

    List<VisitFixture.Visit> in = inInterval(START, END);
    Map<String, String> expected = in.stream().filter(v -> !v.expectedText().isEmpty())
        .collect(Collectors.toMap(VisitFixture.Visit::eventKey, VisitFixture.Visit::expectedText));
    long empty = in.size() - expected.size();
    assertThat(empty).isPositive();

    SparkSession spark = LocalSpark.session(cfg);
    Map<String, String> docs = new HashMap<>();
    for (Row r : spark.table("carelake.datasets.visit_notes_corpus")
        .select("doc_id", "text").collectAsList()) {
      docs.put(r.getString(0), r.getString(1));
    }
    assertThat(docs).isEqualTo(expected);

    Row run = LocalSpark.latestRun(spark, "corpus");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(in.size());
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(expected.size());
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(empty);
    assertThat(run.<Long>getAs("rows_in"))
        .isEqualTo(run.<Long>getAs("rows_out") + run.<Long>getAs("rows_set_aside"));
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("documents").get())
        .isEqualTo(expected.size());
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts")
        .get("phi_pattern_documents").get()).isZero();
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts").get("empty_text").get())
        .isEqualTo(empty);
    long safeSnapshot = spark.sql("SELECT snapshot_id FROM carelake.safe.visits.snapshots "
        + "ORDER BY committed_at DESC LIMIT 1").first().getLong(0);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("input_snapshots")
        .get("safe.visits").get()).isEqualTo(safeSnapshot);

    // JSONL: one parseable object per document, exactly the documented fields, nothing else
    List<String> lines = jsonLines(exportDir(START, END).resolve("documents"));
    assertThat(lines).hasSize(expected.size());
    Set<String> documented = VisitNotes.DOCUMENT_FIELDS.stream().map(VisitNotes.Field::name)
        .collect(Collectors.toSet());
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      assertThat(line).doesNotContain("CANARY");
      JsonNode doc = JSON.readTree(line);
      Set<String> names = new HashSet<>();
      doc.fieldNames().forEachRemaining(names::add);
      assertThat(names).isEqualTo(documented);
      assertThat(doc.get("text").asText()).isEqualTo(expected.get(doc.get("doc_id").asText()));
      assertThat(doc.get("event_time").asText()).matches("2025-03-0[1-3]T\\d\\d:\\d\\d:\\d\\dZ");
      ids.add(doc.get("doc_id").asText());
    }
    assertThat(ids).isEqualTo(expected.keySet());

    // the data card: counts, interval, snapshots, fields, the statement and the run
    JsonNode card = JSON.readTree(exportDir(START, END).resolve("datacard.json").toFile());
    assertThat(card.at("/counts/source_visits").asLong()).isEqualTo(in.size());
    assertThat(card.at("/counts/documents").asLong()).isEqualTo(expected.size());
    assertThat(card.at("/counts/set_aside/empty_text").asLong()).isEqualTo(empty);
    assertThat(card.at("/interval/start").asText()).isEqualTo(START.toString());
    assertThat(card.at("/interval/end").asText()).isEqualTo(END.toString());
    assertThat(card.at("/source/snapshot_id").asLong()).isEqualTo(safeSnapshot);
    assertThat(card.at("/output/snapshot_id").asLong()).isEqualTo(
        run.<scala.collection.Map<String, Long>>getAs("output_snapshots")
            .get("datasets.visit_notes_corpus").get());
    assertThat(card.at("/run_id").asText()).isEqualTo(run.<String>getAs("run_id"));
    assertThat(card.get("deidentification").asText()).contains("safe.visits");
    assertThat(card.at("/counts/source_visits").asLong()).isEqualTo(
        card.at("/counts/documents").asLong() + card.at("/counts/set_aside/empty_text").asLong());
    assertThat(card.at("/counts/patients").asLong()).isEqualTo(
        in.stream().filter(v -> !v.expectedText().isEmpty()).map(VisitFixture.Visit::pseudonym)
            .distinct().count());
    assertThat(card.at("/privacy_guard/documents_matching").asLong()).isZero();
    List<String> fieldNames = new ArrayList<>();
    card.get("fields").forEach(f -> fieldNames.add(f.get("name").asText()));
    assertThat(new HashSet<>(fieldNames)).isEqualTo(documented);
    assertThat(card.toString()).doesNotContain("CANARY").doesNotContain(visits.get(1).pseudonym());
  }

  @Test
  void rerunReplacesItsIntervalOnlyAndNeverDuplicates() throws Exception {
    assertThat(runCorpus(START, END)).isEqualTo(JobMain.EXIT_OK);
    assertThat(runCorpus(END, END.plusDays(1))).isEqualTo(JobMain.EXIT_OK);
    assertThat(runCorpus(START, END)).isEqualTo(JobMain.EXIT_OK);

    long firstDocs = inInterval(START, END).stream().filter(v -> !v.expectedText().isEmpty()).count();
    long secondDocs = inInterval(END, END.plusDays(1)).stream()
        .filter(v -> !v.expectedText().isEmpty()).count();
    SparkSession spark = LocalSpark.session(cfg);
    var corpus = spark.table("carelake.datasets.visit_notes_corpus");
    assertThat(corpus.count()).isEqualTo(firstDocs + secondDocs);
    assertThat(corpus.select("doc_id").distinct().count()).isEqualTo(firstDocs + secondDocs);
    assertThat(corpus.where("event_time < timestamp'2025-03-01 00:00:00'").count()).isZero();
    assertThat(LocalSpark.runCount(spark, "corpus")).isEqualTo(3);
    assertThat(LocalSpark.latestRun(spark, "corpus").<Long>getAs("rows_out")).isEqualTo(firstDocs);

    List<String> rerunLines = jsonLines(exportDir(START, END).resolve("documents"));
    assertThat(rerunLines).hasSize((int) firstDocs);
    assertThat(rerunLines.stream().map(l -> {
      try {
        return JSON.readTree(l).get("doc_id").asText();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).distinct().count()).isEqualTo(firstDocs);
    JsonNode card = JSON.readTree(exportDir(START, END).resolve("datacard.json").toFile());
    assertThat(card.at("/run_id").asText())
        .isEqualTo(LocalSpark.latestRun(spark, "corpus").<String>getAs("run_id"));
    assertThat(card.at("/counts/documents").asLong()).isEqualTo(firstDocs);
    assertThat(jsonLines(exportDir(END, END.plusDays(1)).resolve("documents")))
        .hasSize((int) secondDocs);
  }

  @Test
  void residentIdOrMobileInTextBlocksTheRunAndWritesNothing() throws Exception {
    assertThat(runCorpus(START, END)).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    long corpusSnapshot = spark.sql("SELECT snapshot_id FROM carelake.datasets.visit_notes_corpus"
        + ".snapshots ORDER BY committed_at DESC LIMIT 1").first().getLong(0);
    String cardBefore = Files.readString(exportDir(START, END).resolve("datacard.json"));

    // scrubbing missed a mobile number on one visit and a resident id on another
    spark.sql("UPDATE carelake.safe.visits SET note = 'call 13812345678 tomorrow' "
        + "WHERE event_key = 'ek-2025-03-02-3'");
    spark.sql("UPDATE carelake.safe.visits SET chief_complaint = 'id 11010519491231002X' "
        + "WHERE event_key = 'ek-2025-03-03-5'");
    assertThat(runCorpus(START, END)).isEqualTo(JobMain.EXIT_BLOCKED);

    spark = LocalSpark.session(cfg);
    Row run = LocalSpark.latestRun(spark, "corpus");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("2 visit(s)").contains("ek-2025-03-02-3")
        .contains("ek-2025-03-03-5").doesNotContain("13812345678")
        .doesNotContain("11010519491231002X");
    assertThat(spark.sql("SELECT snapshot_id FROM carelake.datasets.visit_notes_corpus.snapshots "
        + "ORDER BY committed_at DESC LIMIT 1").first().getLong(0)).isEqualTo(corpusSnapshot);
    assertThat(Files.readString(exportDir(START, END).resolve("datacard.json")))
        .isEqualTo(cardBefore);
    for (String line : jsonLines(exportDir(START, END).resolve("documents"))) {
      assertThat(line).doesNotContain("13812345678").doesNotContain("11010519491231002X");
    }

    // an 11-digit number inside a longer run, or a date, is not a phone number
    List<String> probes = List.of("BP 152/94 on 2025-03-02", "tel +86 139-0000",
        "mobile 8613912345678", "lab 123456789012345678901", "x 11010519491231002x.",
        "call 139 1234 5678");
    Map<String, Boolean> hits = new HashMap<>();
    spark.createDataset(probes, org.apache.spark.sql.Encoders.STRING()).toDF(VisitNotes.TEXT)
        .select(org.apache.spark.sql.functions.col(VisitNotes.TEXT), VisitNotes.hasPhiPattern())
        .collectAsList().forEach(r -> hits.put(r.getString(0), r.getBoolean(1)));
    assertThat(hits).containsEntry("BP 152/94 on 2025-03-02", false)
        .containsEntry("tel +86 139-0000", false)
        .containsEntry("mobile 8613912345678", true)
        .containsEntry("lab 123456789012345678901", false)
        .containsEntry("x 11010519491231002x.", true)
        .containsEntry("call 139 1234 5678", true);
  }

  /** Every line of every part file Spark wrote (gzipped or not). */
  static List<String> jsonLines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    List<Path> parts;
    try (Stream<Path> files = Files.list(dir)) {
      parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    for (Path part : parts) {
      try (InputStream raw = Files.newInputStream(part);
          InputStream in = part.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader reader = new BufferedReader(
              new InputStreamReader(in, StandardCharsets.UTF_8))) {
        reader.lines().filter(l -> !l.isBlank()).forEach(lines::add);
      }
    }
    return lines;
  }
}
