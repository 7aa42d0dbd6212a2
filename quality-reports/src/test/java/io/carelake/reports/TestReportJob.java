package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobMain;
import io.carelake.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report job end to end on real Spark and Iceberg: a temp home with small tables and a ledger of
 * consistent runs, the job run through {@link JobMain} as the launcher runs it, then the files read
 * back. Test data is tiny; the fixture session is the one the job reuses (and stops).
 */
class TestReportJob {

  private static final Interval MARCH_1 =
      new Interval(LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-02"));
  private static final Interval MARCH_2 =
      new Interval(LocalDate.parse("2025-03-02"), LocalDate.parse("2025-03-03"));

  /** Identifiers planted in raw data: none may reach a report file. */
  private static final List<String> PHI = List.of("11010519491231002X", "王秀英", "13912345678",
      "幸福路88号");

  @TempDir
  Path home;

  private CarelakeConfig config;
  private SparkSession spark;

  /** What the fixture recorded, for the assertions. */
  private record Fixture(String ingestFirst, String ingestLatest, String governOld,
      String govern, String deidentify, String features, String train, String evaluate,
      long rawVisitsSnapshot, long rawVitalsSnapshot, long curatedVisitsSnapshot) {}

  /** How the fixture's ledger differs from a consistent pipeline. */
  private enum Variant { CONSISTENT, DEIDENTIFY_LOSES_A_ROW, GOVERN_MISSES_RAW_ROWS }

  @BeforeEach
  void openSession() {
    config = CarelakeConfig.load(home);
    SparkSession.Builder builder = SparkSession.builder().appName("test-report")
        .master("local[2]")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false");
    SparkSessions.catalogConf(config).forEach(builder::config);
    spark = builder.getOrCreate();
  }

  @AfterEach
  void stopSession() {
    // The job stops the session it ran in; this covers a test that failed before running it.
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  @Test
  void reportsTheLatestRunOfEachStageAndEveryNumberItCites() throws Exception {
    Fixture f = buildPipeline(Variant.CONSISTENT);
    long rawVitalsSummaryTotal = Long.parseLong(catalog().loadTable(
        CatalogFactory.identifier(Tables.RAW_VITALS)).currentSnapshot().summary()
        .get("total-records"));

    Result result = runReport();

    assertThat(result.exitCode()).isEqualTo(JobMain.EXIT_OK);
    JsonNode json = result.json();
    assertThat(json.get("interval").get("start").asText()).isEqualTo("2025-03-01");
    assertThat(json.get("interval").get("end").asText()).isEqualTo("2025-03-02");
    assertThat(jobs(json)).containsExactly("ingest", "govern", "deidentify", "features", "train",
        "evaluate");
    assertThat(texts(json.get("missing_stages"))).containsExactly("corpus", "risk-dataset");
    assertThat(json.get("reconciled").asBoolean()).isTrue();
    assertThat(json.get("carelake_version").asText()).isNotBlank();

    JsonNode ingest = stage(json, "ingest");
    assertThat(ingest.get("run_id").asText()).isEqualTo(f.ingestLatest());
    assertThat(ingest.get("rows_in").asLong()).isEqualTo(3);
    JsonNode allIngest = json.get("ingest_all_runs");
    assertThat(allIngest.get("job").asText()).isEqualTo(Report.INGEST_ALL_RUNS);
    assertThat(allIngest.get("reconciles").asBoolean()).isTrue();
    assertThat(allIngest.get("rows_in").asLong()).isEqualTo(8 + 3);
    assertThat(allIngest.get("rows_out").asLong()).isEqualTo(6 + 3);
    assertThat(allIngest.get("rows_set_aside").asLong()).isEqualTo(2);
    assertThat(allIngest.get("counts").get("events_read").asLong()).isEqualTo(11);
    assertThat(allIngest.get("counts").get("duplicates").asLong()).isEqualTo(1);
    assertThat(texts(allIngest.get("summed_run_ids")))
        .containsExactlyInAnyOrder(f.ingestFirst(), f.ingestLatest());

    JsonNode govern = stage(json, "govern");
    assertThat(govern.get("run_id").asText()).isEqualTo(f.govern());
    assertThat(govern.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(govern.get("rows_in").asLong()).isEqualTo(8);
    assertThat(govern.get("rows_out").asLong()).isEqualTo(7);
    assertThat(govern.get("rows_set_aside").asLong()).isEqualTo(1);
    assertThat(govern.get("reconciles").asBoolean()).isTrue();
    assertThat(govern.get("counts").get("quarantined_visits").asLong()).isEqualTo(1);
    assertThat(govern.get("snapshots").get("inputs").get("raw.visits").asLong())
        .isEqualTo(f.rawVisitsSnapshot());
    assertThat(govern.get("snapshots").get("outputs").get("curated.visits").asLong())
        .isEqualTo(f.curatedVisitsSnapshot());
    assertThat(stage(json, "features").get("rows_set_aside").asLong()).isEqualTo(3);
    JsonNode train = stage(json, "train");
    assertThat(train.get("status").asText()).isEqualTo("FAILED");
    assertThat(train.get("message").asText()).contains("cannot parse").contains("[value]")
        .contains("[PHONE]").contains("<b>");

    // Cross-stage: govern read the 8 raw rows of the interval (5 visits + 3 vitals, not the visit
    // of 2025-03-02), deidentify read govern's 7.
    JsonNode governVsRaw = crossCheck(json, CrossChecks.GOVERN_VS_RAW);
    assertThat(governVsRaw.get("expected").asLong()).isEqualTo(8);
    assertThat(governVsRaw.get("actual").asLong()).isEqualTo(8);
    assertThat(governVsRaw.get("reconciles").asBoolean()).isTrue();
    assertThat(governVsRaw.get("snapshots").get("raw.visits").asLong())
        .isEqualTo(f.rawVisitsSnapshot());
    assertThat(governVsRaw.get("snapshots").get("raw.vitals").asLong())
        .isEqualTo(f.rawVitalsSnapshot());
    assertThat(governVsRaw.get("note").isNull()).isTrue();
    JsonNode deidVsGovern = crossCheck(json, CrossChecks.DEIDENTIFY_VS_GOVERN);
    assertThat(deidVsGovern.get("expected").asLong()).isEqualTo(7);
    assertThat(deidVsGovern.get("reconciles").asBoolean()).isTrue();
    // raw.visits is partitioned by day: its interval count comes from file metadata, no scan;
    // raw.vitals carries a delete file, so it is counted.
    Catalog metadata = CatalogFactory.open(config);
    assertThat(CrossChecks.rowsFromMetadata(metadata.loadTable(
        CatalogFactory.identifier(Tables.RAW_VISITS)), "raw.visits", f.rawVisitsSnapshot(),
        MARCH_1)).isEqualTo(5L);
    assertThat(CrossChecks.rowsFromMetadata(metadata.loadTable(
        CatalogFactory.identifier(Tables.RAW_VITALS)), "raw.vitals", f.rawVitalsSnapshot(),
        MARCH_1)).isNull();

    // Table catalogue: summary counts where they are exact, a real count where deletes exist.
    JsonNode rawVisits = table(json, "raw.visits");
    assertThat(rawVisits.get("rows").asLong()).isEqualTo(6);
    assertThat(rawVisits.get("snapshot_id").asLong()).isEqualTo(f.rawVisitsSnapshot());
    assertThat(rawVisits.get("rows_source").asText()).isEqualTo(TableCatalogue.FROM_SUMMARY);
    JsonNode rawVitals = table(json, "raw.vitals");
    assertThat(rawVitalsSummaryTotal).as("summary ignores the delete file").isEqualTo(4);
    assertThat(rawVitals.get("rows").asLong()).isEqualTo(3);
    assertThat(rawVitals.get("rows_source").asText()).isEqualTo(TableCatalogue.FROM_COUNT);
    assertThat(table(json, "curated.visits").get("rows").asLong()).isEqualTo(4);
    assertThat(table(json, "quarantine.visits").get("rows").asLong()).isEqualTo(1);
    assertThat(table(json, "raw.dead_letters").get("rows").asLong()).isEqualTo(1);
    List<String> tableNames = new ArrayList<>();
    json.get("tables").forEach(t -> tableNames.add(t.get("table").asText()));
    assertThat(tableNames).doesNotContain("safe.visits", "models.predictions");

    // Checks of the picked govern run only, with rates; NOT_APPLICABLE has no rate.
    List<String> rules = new ArrayList<>();
    json.get("checks").forEach(c -> rules.add(c.get("rule_id").asText()));
    assertThat(rules).containsExactlyInAnyOrder("sbp_range", "resident_id_check_digit",
        "device_id_present", "note_length");
    JsonNode failing = check(json, "resident_id_check_digit");
    assertThat(failing.get("status").asText()).isEqualTo("FAIL");
    assertThat(failing.get("numerator").asLong()).isEqualTo(1);
    assertThat(failing.get("denominator").asLong()).isEqualTo(5);
    assertThat(failing.get("rate").asDouble()).isEqualTo(0.2);
    assertThat(failing.get("message").asText()).isEqualTo("1 of 5 rows fail (20.00%; limit 0.00%)");
    assertThat(check(json, "device_id_present").get("rate").isNull()).isTrue();
    assertThat(check(json, "note_length").get("message").asText()).startsWith("not measured");

    JsonNode evaluation = json.get("evaluation");
    assertThat(evaluation).hasSize(2);
    evaluation.forEach(e -> assertThat(e.get("run_id").asText()).isEqualTo(f.evaluate()));
    JsonNode auroc = evaluation.get(0);
    assertThat(auroc.get("metric").asText()).isEqualTo("auroc");
    assertThat(auroc.get("ci_low").asDouble()).isEqualTo(0.61);
    assertThat(auroc.get("n").asLong()).isEqualTo(120);

    // The page cites every run and snapshot, and marks nothing as unreconciled.
    String html = result.html();
    assertThat(html).contains(f.ingestLatest(), f.ingestFirst(), f.govern(), f.deidentify(),
        f.features(), f.train(), f.evaluate(), Long.toString(f.rawVisitsSnapshot()),
        Long.toString(f.curatedVisitsSnapshot()), "RECONCILED: every stage", "0.7200",
        "[0.6100, 0.8300] (level not recorded)", json.get("carelake_version").asText(),
        json.get("generated_at").asText())
        .doesNotContain("DOES NOT RECONCILE").doesNotContain("DOES NOT HOLD")
        .doesNotContain(f.governOld()).doesNotContain("<script").doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(html).contains("Runs that did not succeed: train (FAILED)");
    // Pebble escapes the ledger message: markup in it is text, not HTML.
    assertThat(TestReportRendering.rowOf(html, f.train())).contains("&lt;b&gt;")
        .doesNotContain("<b>");
    assertThat(TestReportRendering.rowOf(html, "resident_id_check_digit"))
        .contains("check-fail").contains("st-fail");
    assertThat(TestReportRendering.rowOf(html, "device_id_present"))
        .contains("st-not_applicable");
    assertThat(TestReportRendering.rowOf(html, "note_length")).contains("st-error");

    assertNoPhi(result);

    // The run is in the ledger: 8 runs considered, 7 cited, the older govern run superseded.
    Record reportRun = ledgerRow(result.reportRunId());
    assertThat(reportRun.getField("status")).isEqualTo("SUCCEEDED");
    // generated while its run ran, by the ledger's times (to the second, as the report has it)
    Instant started = ((java.time.OffsetDateTime) reportRun.getField("started_at")).toInstant();
    Instant ended = ((java.time.OffsetDateTime) reportRun.getField("ended_at")).toInstant();
    assertThat(Instant.parse(json.get("generated_at").asText()))
        .isBetween(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), ended);
    assertThat(reportRun.getField("rows_in")).isEqualTo(8L);
    assertThat(reportRun.getField("rows_out")).isEqualTo(7L);
    assertThat(reportRun.getField("rows_set_aside")).isEqualTo(1L);
    assertThat(((Map<?, ?>) reportRun.getField("parameters")).get("report_path"))
        .isEqualTo(result.indexHtml().toString());
    assertThat(((Map<?, ?>) reportRun.getField("counts")).get("stages_reported")).isEqualTo(6L);
    assertThat(((Map<?, ?>) reportRun.getField("input_snapshots")).get("raw.visits"))
        .isEqualTo(f.rawVisitsSnapshot());

    // A rerun writes a new report directory, keeps the first one, and moves latest/ to it.
    String firstJson = new String(result.jsonBytes(), StandardCharsets.UTF_8);
    openSession(); // the job stopped the session it ran in, as it does under the launcher
    Result again = runReport();
    assertThat(again.exitCode()).isEqualTo(JobMain.EXIT_OK);
    assertThat(again.indexHtml().getParent()).isNotEqualTo(result.indexHtml().getParent());
    assertThat(again.json().get("report_id").asText())
        .isNotEqualTo(json.get("report_id").asText());
    assertThat(Files.readString(result.indexHtml().resolveSibling("report.json")))
        .isEqualTo(firstJson);
    assertThat(again.json().get("stages")).isEqualTo(json.get("stages"));
    assertThat(home.resolve("reports").resolve("latest").resolve("report.json"))
        .hasSameBinaryContentAs(again.indexHtml().resolveSibling("report.json"));
    try (var dirs = Files.list(home.resolve("reports"))) {
      assertThat(dirs.map(d -> d.getFileName().toString())).containsExactlyInAnyOrder("latest",
          json.get("report_id").asText(), again.json().get("report_id").asText());
    }
  }

  @Test
  void aStageThatDoesNotReconcileIsMarkedAndCanBlockTheScheduler() throws Exception {
    Fixture f = buildPipeline(Variant.DEIDENTIFY_LOSES_A_ROW);

    Result result = runReport("--require-reconciled");

    assertThat(result.exitCode()).isEqualTo(JobMain.EXIT_BLOCKED);
    JsonNode json = result.json();
    assertThat(json.get("reconciled").asBoolean()).isFalse();
    assertThat(stage(json, "deidentify").get("reconciles").asBoolean()).isFalse();
    assertThat(stage(json, "govern").get("reconciles").asBoolean()).isTrue();
    assertThat(TestReportRendering.rowOf(result.html(), f.deidentify()))
        .contains("DOES NOT RECONCILE").contains("+1 rows unaccounted");
    assertThat(result.html()).contains("NOT RECONCILED");
    json.get("cross_checks").forEach(c -> assertThat(c.get("reconciles").asBoolean()).isTrue());
    assertNoPhi(result);
    assertThat(ledgerRow(result.reportRunId()).getField("status")).isEqualTo("BLOCKED");
  }

  @Test
  void governReadingFewerRowsThanRawHoldsIsACrossStageFailure() throws Exception {
    Fixture f = buildPipeline(Variant.GOVERN_MISSES_RAW_ROWS);
    // A late visit lands after govern ran: the check still counts at the snapshots govern read.
    spark.sql("INSERT INTO " + Tables.RAW_VISITS.in(config.catalogName()) + " SELECT"
        + " 'v7' AS event_id, TIMESTAMP '2025-03-01 23:00:00' AS event_time, schema_version,"
        + " resident_id, patient_name, sex, birth_date, phone, address, facility_id, clinician_id,"
        + " visit_type, diagnoses, chief_complaint, note, prescriptions, kafka_topic,"
        + " kafka_partition, 7L AS kafka_offset, ingest_time, record_time FROM "
        + Tables.RAW_VISITS.in(config.catalogName()) + " WHERE event_id = 'v1'");

    Result result = runReport();

    assertThat(result.exitCode()).as("no --require-reconciled: the report is written, exit 0")
        .isEqualTo(JobMain.EXIT_OK);
    JsonNode json = result.json();
    json.get("stages").forEach(s -> assertThat(s.get("reconciles").asBoolean())
        .as("stage %s", s.get("job").asText()).isTrue());
    assertThat(json.get("reconciled").asBoolean()).isFalse();
    JsonNode governVsRaw = crossCheck(json, CrossChecks.GOVERN_VS_RAW);
    assertThat(governVsRaw.get("expected").asLong()).isEqualTo(8);
    assertThat(governVsRaw.get("actual").asLong()).isEqualTo(7);
    assertThat(governVsRaw.get("reconciles").asBoolean()).isFalse();
    assertThat(governVsRaw.get("note").asText()).contains("raw.visits has changed since govern"
        + " read it (snapshot " + f.rawVisitsSnapshot());
    assertThat(crossCheck(json, CrossChecks.DEIDENTIFY_VS_GOVERN).get("reconciles").asBoolean())
        .isTrue();
    assertThat(table(json, "raw.visits").get("rows").asLong()).isEqualTo(7);
    assertThat(TestReportRendering.rowOf(result.html(), CrossChecks.GOVERN_VS_RAW))
        .contains("not-reconciled").contains("DOES NOT HOLD").contains("-1 rows");
    assertThat(result.html()).contains("NOT RECONCILED").doesNotContain("DOES NOT RECONCILE");
    assertNoPhi(result);
  }

  @Test
  void aFreshHomeGivesAnEmptyReportThatIsNotReconciled() throws Exception {
    Result result = runReport();

    assertThat(result.exitCode()).isEqualTo(JobMain.EXIT_OK);
    JsonNode json = result.json();
    assertThat(json.get("stages")).isEmpty();
    assertThat(texts(json.get("missing_stages"))).containsExactlyElementsOf(LedgerStages.PIPELINE);
    assertThat(json.get("reconciled").asBoolean()).isFalse();
    assertThat(json.get("report_id").asText())
        .matches("2025-03-01_2025-03-02-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}")
        .endsWith("-" + json.get("report_run_id").asText().substring("report-".length(),
            "report-".length() + 8));
    assertThat(json.get("cross_checks")).isEmpty();
    assertThat(json.get("ingest_all_runs").isNull()).isTrue();
  }

  // ---------------------------------------------------------------- running the job

  private record Result(int exitCode, Path indexHtml, String reportRunId, String html,
      JsonNode json, byte[] jsonBytes) {}

  private Result runReport(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", "2025-03-01", "--interval-end", "2025-03-02"));
    args.addAll(List.of(extra));
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = JobMain.run(new ReportJob(), args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("stdout").isNotEmpty();
    String last = lines.get(lines.size() - 1);
    assertThat(last).startsWith("report: ");
    Path index = Path.of(last.substring("report: ".length()));
    assertThat(index).isAbsolute().exists().hasFileName("index.html");
    assertThat(index.getParent().getParent()).isEqualTo(home.resolve("reports"));

    Path json = index.resolveSibling("report.json");
    Path latest = home.resolve("reports").resolve("latest");
    assertThat(latest.resolve("index.html")).hasSameBinaryContentAs(index);
    assertThat(latest.resolve("report.json")).hasSameBinaryContentAs(json);
    assertThat(Files.list(index.getParent())).as("only the two files, no .crc")
        .hasSize(2);

    byte[] jsonBytes = Files.readAllBytes(json);
    JsonNode tree = new ObjectMapper().readTree(jsonBytes);
    assertThat(tree.get("report_id").asText()).isEqualTo(index.getParent().getFileName().toString());
    return new Result(exit, index, tree.get("report_run_id").asText(),
        Files.readString(index, StandardCharsets.UTF_8), tree, jsonBytes);
  }

  private void assertNoPhi(Result result) {
    String json = new String(result.jsonBytes(), StandardCharsets.UTF_8);
    for (String value : PHI) {
      assertThat(json).as("report.json").doesNotContain(value);
      assertThat(result.html()).as("index.html").doesNotContain(value);
    }
  }

  // ---------------------------------------------------------------- fixture

  /**
   * Small tables and a ledger of consistent runs for 2025-03-01: two ingest runs, a govern run
   * superseded by a rerun, a govern run of another interval, then deidentify, features, evaluate.
   * corpus and train never ran.
   */
  private Fixture buildPipeline(Variant variant) {
    String c = config.catalogName();
    Catalog catalog = catalog();
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS, TableSchemas.RAW_VISITS,
        TableSchemas.rawVisitsSpec());
    StringBuilder visits = new StringBuilder();
    // v1..v5 on 2025-03-01, v6 on 2025-03-02 (outside the interval)
    for (int i = 1; i <= 6; i++) {
      visits.append(i == 1 ? "" : ", ").append(String.format(
          "('v%d', TIMESTAMP '2025-03-0%d 0%d:00:00', 1, '11010519491231002X', '王秀英', '2',"
              + " DATE '1949-12-31', '13912345678', '北京市朝阳区幸福路88号', 'f1', 'c1',"
              + " 'outpatient', array('I10'), '王秀英 头痛', '电话 13912345678',"
              + " array(named_struct('drug', 'amlodipine', 'dose', '5 mg', 'frequency', 'qd',"
              + " 'days', 30)), 'carelake.visits', 0, %dL, TIMESTAMP '2025-03-01 09:00:00',"
              + " NULL)",
          i, i == 6 ? 2 : 1, i, i));
    }
    spark.sql("INSERT INTO " + Tables.RAW_VISITS.in(c) + " VALUES " + visits);

    spark.sql("CREATE TABLE " + Tables.RAW_VITALS.in(c) + " (event_id string, event_time"
        + " timestamp, resident_id string, code string, value double) USING iceberg"
        + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    spark.sql("INSERT INTO " + Tables.RAW_VITALS.in(c) + " VALUES"
        + " ('m1', TIMESTAMP '2025-03-01 08:00:00', '11010519491231002X', '8480-6', 120.0),"
        + " ('m2', TIMESTAMP '2025-03-01 08:00:00', '11010519491231002X', '8462-4', 80.0),"
        + " ('m3', TIMESTAMP '2025-03-01 08:05:00', '11010519491231002X', '8480-6', 400.0),"
        + " ('m4', TIMESTAMP '2025-03-01 08:05:00', '11010519491231002X', '8462-4', 85.0)");
    // A merge-on-read delete: the snapshot summary still says 4 records, the table holds 3.
    spark.sql("DELETE FROM " + Tables.RAW_VITALS.in(c) + " WHERE event_id = 'm2'");

    CatalogFactory.createIfMissing(catalog, Tables.RAW_DEAD_LETTERS,
        TableSchemas.RAW_DEAD_LETTERS, TableSchemas.deadLettersSpec());
    spark.sql("INSERT INTO " + Tables.RAW_DEAD_LETTERS.in(c) + " VALUES ('carelake.visits', 0,"
        + " 9L, TIMESTAMP '2025-03-01 09:00:00', CAST('{\"patient\":{\"name\":\"王秀英\"' AS BINARY),"
        + " 40, 'NOT_JSON', 'truncated JSON at offset 40', NULL, TIMESTAMP '2025-03-01 09:00:01')");

    spark.sql("CREATE TABLE " + Tables.CURATED_VISITS.in(c) + " USING iceberg AS SELECT *,"
        + " 'govern-x' AS governance_run_id FROM " + Tables.RAW_VISITS.in(c)
        + " WHERE event_id NOT IN ('v5', 'v6')");
    spark.sql("CREATE TABLE " + Tables.QUARANTINE_VISITS.in(c) + " USING iceberg AS SELECT *,"
        + " array('resident_id_check_digit') AS failed_rules, array('bad check digit') AS reasons,"
        + " 'govern-x' AS governance_run_id FROM " + Tables.RAW_VISITS.in(c)
        + " WHERE event_id = 'v5'");

    long rawVisitsSnapshot = snapshot(catalog, Tables.RAW_VISITS);
    long rawVitalsSnapshot = snapshot(catalog, Tables.RAW_VITALS);
    long curatedVisitsSnapshot = snapshot(catalog, Tables.CURATED_VISITS);
    long governIn = variant == Variant.GOVERN_MISSES_RAW_ROWS ? 7 : 8;

    RunLedger ledger = new RunLedger(catalog);
    String ingestFirst = record(ledger, Run.start("ingest", null).rows(8, 6, 2)
        .count("events_read", 8).count("dead_letters", 1).count("duplicates", 1));
    String ingestLatest = record(ledger, Run.start("ingest", null).rows(3, 3, 0)
        .count("events_read", 3).count("dead_letters", 0).count("duplicates", 0)
        .output("raw.visits", rawVisitsSnapshot));
    String governOld = record(ledger, Run.start("govern", MARCH_1).rows(5, 5, 0));
    record(ledger, Run.start("govern", MARCH_2).rows(9, 9, 0));
    String govern = record(ledger, Run.start("govern", MARCH_1).rows(governIn, governIn - 1, 1)
        .count("quarantined_visits", 1).input("raw.visits", rawVisitsSnapshot)
        .input("raw.vitals", rawVitalsSnapshot)
        .output("curated.visits", curatedVisitsSnapshot));
    String deidentify = record(ledger, Run.start("deidentify", MARCH_1).rows(governIn - 1,
        variant == Variant.DEIDENTIFY_LOSES_A_ROW ? governIn - 2 : governIn - 1, 0));
    String features = record(ledger, Run.start("features", MARCH_1).rows(10, 7, 3)
        .count("prevalent", 2).count("horizon_incomplete", 1));
    // A failed run whose message quotes values and markup: masked, then escaped in the page.
    Run trainRun = Run.start("train", MARCH_1).rows(0, 0, 0);
    ledger.record(trainRun.failed("cannot parse '王秀英' <b>bold</b> from 13912345678 at"
        + " 北京市朝阳区幸福路88号"));
    String train = trainRun.id();
    String evaluate = record(ledger, Run.start("evaluate", MARCH_1).rows(2, 2, 0));

    spark.sql("CREATE TABLE " + Tables.GOVERNANCE_CHECK_RESULTS.in(c) + " (run_id string,"
        + " rule_id string, `table` string, `column` string, rule_type string, severity string,"
        + " status string, numerator bigint, denominator bigint, threshold double, message"
        + " string, spec_version string, spec_hash string, input_snapshot_id bigint,"
        + " interval_start date, interval_end date) USING iceberg");
    String checkRow = "('%s', '%s', 'raw.visits', '%s', '%s', '%s', '%s', %d, %d, 0.0, '%s',"
        + " 'v1', 'hash1', " + rawVisitsSnapshot + ", DATE '2025-03-01', DATE '2025-03-02')";
    spark.sql("INSERT INTO " + Tables.GOVERNANCE_CHECK_RESULTS.in(c) + " VALUES "
        + String.join(", ",
            String.format(checkRow, govern, "sbp_range", "value", "range", "block", "PASS", 0, 5,
                "all in range"),
            String.format(checkRow, govern, "resident_id_check_digit", "resident_id", "pattern",
                "block", "FAIL", 1, 5, "1 of 5 rows has a wrong check digit"),
            String.format(checkRow, govern, "device_id_present", "device_id", "completeness",
                "warn", "NOT_APPLICABLE", 0, 0, "no home-device rows"),
            String.format(checkRow, govern, "note_length", "note", "length", "warn", "ERROR", 0,
                5, "rule could not run on value 王秀英 13912345678").replace(", 0, 5, 0.0,",
                ", NULL, 5, 0.0,"),
            String.format(checkRow, governOld, "old_rule", "value", "range", "block", "PASS", 0,
                5, "from the superseded run")));

    spark.sql("CREATE TABLE " + Tables.EVALUATION_RESULTS.in(c) + " (run_id string,"
        + " iteration_id string, split string, metric string, value double, ci_low double,"
        + " ci_high double, ci_method string, n bigint, n_positive bigint,"
        + " predictions_snapshot_id bigint) USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_RESULTS.in(c) + " VALUES"
        + " ('" + evaluate + "', 'it-1', 'test', 'auroc', 0.72, 0.61, 0.83, 'bootstrap', 120,"
        + " 30, 42),"
        + " ('" + evaluate + "', 'it-1', 'test', 'brier', 0.18, 0.15, 0.21, 'bootstrap', 120,"
        + " 30, 42),"
        + " ('evaluate-other', 'it-0', 'test', 'auroc', 0.5, 0.4, 0.6, 'bootstrap', 100, 20, 41)");

    return new Fixture(ingestFirst, ingestLatest, governOld, govern, deidentify, features, train,
        evaluate, rawVisitsSnapshot, rawVitalsSnapshot, curatedVisitsSnapshot);
  }

  private static String record(RunLedger ledger, Run run) {
    ledger.record(run.succeeded());
    return run.id();
  }

  private Catalog catalog() {
    return Spark3Util.loadIcebergCatalog(spark, config.catalogName());
  }

  private static long snapshot(Catalog catalog, TableName name) {
    return catalog.loadTable(CatalogFactory.identifier(name)).currentSnapshot().snapshotId();
  }

  /** A ledger row read with the plain Iceberg API (the job has stopped its Spark session). */
  private Record ledgerRow(String runId) throws Exception {
    Catalog catalog = CatalogFactory.open(config);
    Table runs = catalog.loadTable(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS));
    try (CloseableIterable<Record> rows = IcebergGenerics.read(runs).build()) {
      for (Record r : rows) {
        if (runId.equals(r.getField("run_id"))) {
          return r;
        }
      }
    }
    throw new AssertionError("run " + runId + " is not in governance.runs");
  }

  // ---------------------------------------------------------------- JSON helpers

  private static List<String> jobs(JsonNode json) {
    List<String> jobs = new ArrayList<>();
    json.get("stages").forEach(s -> jobs.add(s.get("job").asText()));
    return jobs;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode stage(JsonNode json, String job) {
    return find(json.get("stages"), "job", job);
  }

  private static JsonNode table(JsonNode json, String table) {
    return find(json.get("tables"), "table", table);
  }

  private static JsonNode crossCheck(JsonNode json, String check) {
    return find(json.get("cross_checks"), "check", check);
  }

  private static JsonNode check(JsonNode json, String rule) {
    return find(json.get("checks"), "rule_id", rule);
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.get(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + " = " + value + " in " + array);
  }
}
