package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract and the HTML page, from a report built in memory (no Spark). Every report.json
 * rendered here is validated against the shipped JSON Schema.
 */
class TestReportRendering {

  private static final Interval MARCH_1 =
      new Interval(LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-02"));

  static final Report.Stage GOVERN = new Report.Stage("govern", "govern-1", "SUCCEEDED",
      "2025-03-02T01:00:00Z", "2025-03-02T01:05:00Z", "0.1.0-SNAPSHOT", "abc123", 100, 97, 3,
      true, Map.of("quarantined_visits", 2L, "quarantined_vitals", 1L),
      new Report.Snapshots(Map.of("raw.visits", 11L), Map.of("curated.visits", 12L)), null, null);

  private static final Report.Stage DEIDENTIFY_LOSING_ROWS = new Report.Stage("deidentify",
      "deidentify-1", "FAILED", "2025-03-02T02:00:00Z", "2025-03-02T02:01:00Z", "0.1.0-SNAPSHOT",
      null, 97, 90, 2, false, Map.of(), Report.Snapshots.NONE, "lost <b>rows</b>", null);

  static Report report(List<Report.Stage> stages, List<Report.Check> checks) {
    return report(stages, checks, List.of());
  }

  static Report report(List<Report.Stage> stages, List<Report.Check> checks,
      List<Report.CrossCheck> crossChecks) {
    boolean reconciled = Report.reconciled(stages, null, crossChecks);
    List<String> missing = List.of("corpus");
    Trends trends = new Trends(14, List.of(new Trends.RunPoint("govern-0", "2025-02-28",
        "2025-03-01", "SUCCEEDED", 90, 90, 0), new Trends.RunPoint("govern-1", "2025-03-01",
        "2025-03-02", "SUCCEEDED", 100, 97, 3)),
        List.of(new Trends.ScorePoint("govern-0", "2025-02-28", "raw.vitals", "accuracy", 90, 90,
            1.0), new Trends.ScorePoint("govern-1", "2025-03-01", "raw.vitals", "accuracy", 57,
            60, 0.95)),
        List.of(new Trends.TableMetric("govern-0", "2025-02-28", "raw.vitals", 90, 0),
            new Trends.TableMetric("govern-1", "2025-03-01", "raw.vitals", 60, 1)));
    ModelEvaluation evaluation = evaluation();
    return new Report(Report.SCHEMA, "2025-03-01_2025-03-02-20250303T000000Z-1a2b3c4d",
        Report.Period.of(MARCH_1), "2025-03-03T00:00:00Z", "0.1.0-SNAPSHOT", "report-1",
        Report.Verdict.decide(checks, reconciled, stages, missing, null,
            ReportJob.notReconciled(stages, null, crossChecks)),
        reconciled, Scorecard.of(checks), checks, trends, stages, null, missing, crossChecks,
        SetAside.none(), null, Lineage.of(List.of(), null), evaluation, ModelLineage.none(),
        ModelRegistryView.none(), LanguageModels.none(), Waivers.Outcome.NONE,
        List.of(new Report.TableEntry("raw.visits", 100, 11L, TableCatalogue.FROM_SUMMARY)));
  }

  /**
   * What an evaluate run with --gate writes, in small: two metric rows (one flagged), a calibration
   * bin, a subgroup cell shown and one suppressed, a gap, a comparison and a rejected gate.
   */
  static ModelEvaluation evaluation() {
    List<ModelEvaluation.Metric> metrics = List.of(
        new ModelEvaluation.Metric("evaluate-1", "it-1", "hypertension", "test", "auroc", null,
            0.81, 0.74, 0.88, "cluster-bootstrap-bca", 0.9, 200L, 40L, 120L, List.of(), 99L),
        new ModelEvaluation.Metric("evaluate-1", "it-1", "hypertension", "test", "sensitivity",
            "threshold=0.2", 0.7, 0.55, 0.83, "cluster-bootstrap-percentile", 0.9, 200L, 40L,
            120L, List.of("few_events"), 99L));
    List<ModelEvaluation.CalibrationPoint> calibration = List.of(
        new ModelEvaluation.CalibrationPoint("it-1", "hypertension", "test", 0, 0.05, 0.04, 0.01,
            0.09, "cluster-bootstrap-percentile", 0.9, 120L, 5L),
        new ModelEvaluation.CalibrationPoint("it-1", "hypertension", "test", 1, 0.15, 0.18, 0.1,
            0.27, "cluster-bootstrap-percentile", 0.9, 80L, 14L));
    List<ModelEvaluation.SubgroupRow> subgroups = List.of(
        new ModelEvaluation.SubgroupRow("it-1", "hypertension", "test", "sex", "F", "auroc",
            0.79, 0.7, 0.87, "cluster-bootstrap-bca", 0.9, 110L, 22L, false),
        new ModelEvaluation.SubgroupRow("it-1", "hypertension", "test", "region", "north",
            "auroc", null, null, null, "cluster-bootstrap-bca", 0.9, null, null, true));
    List<ModelEvaluation.SubgroupGap> gaps = List.of(new ModelEvaluation.SubgroupGap("it-1",
        "hypertension", "test", "sex", "auroc", "M", "F", 0.03, -0.06, 0.12,
        "cluster-bootstrap-percentile", 0.9, 0.61, false));
    List<ModelEvaluation.Comparison> comparisons = List.of(new ModelEvaluation.Comparison("it-1",
        "it-0", "hypertension", "test", "auroc", 0.81, 0.78, 0.03, -0.01, 0.07, "obuchowski", 0.9,
        0.2, 200L, 40L, 120L));
    List<ModelEvaluation.GateDecision> gates = List.of(new ModelEvaluation.GateDecision("it-1",
        "hypertension", "test", "champion", "it-0", "champion", "rejected", List.of(
            new ModelEvaluation.Criterion("slope-in-range", "iteration", "calibration_slope",
                "cluster-bootstrap-bca", "within [0.8, 1.25]", "fail", null, 1.1, 0.62, 1.5,
                "the interval [0.62, 1.5] is not within [0.8, 1.25]")),
        List.of("slope-in-range failed: the interval [0.62, 1.5] is not within [0.8, 1.25]"),
        "1", "ab".repeat(32), 0.9, "2025-03-02T01:00:00Z"));
    return new ModelEvaluation("evaluate-1", "0.9", TripodItems.items("0.9", metrics,
        List.of(), calibration, subgroups, comparisons, gates), metrics, List.of(), calibration,
        List.of(), List.of(), subgroups, gaps, comparisons, gates);
  }

  static Report.Check check(String rule, String status, long failing, long total,
      String dimension, String indicator, String kahn) {
    return new Report.Check(rule, "raw.vitals", "value", "range", "block", status, status, failing,
        total, RunResults.rate(failing, total), 0.0, null,
        RunResults.describe(status, failing, total, 0.0), dimension, indicator, kahn,
        "clause " + rule, "rationale " + rule, null, "3", "abc123", 11L, null);
  }

  static Report.Check check(String rule, String status, long failing, long total) {
    return check(rule, status, failing, total, "accuracy", "content_correctness", "plausibility");
  }

  static byte[] json(Report report) {
    byte[] json = ReportJson.render(report);
    assertThat(ReportSchema.violations(json)).as("report.json against the schema").isEmpty();
    return json;
  }

  static String html(Report report) {
    return new String(ReportHtml.render(report, "0".repeat(64)), StandardCharsets.UTF_8);
  }

  @Test
  void jsonUsesTheContractNamesAndFollowsTheSchema() throws Exception {
    Report report = report(List.of(GOVERN), List.of(check("sbp_range", "FAIL", 3, 60)));
    JsonNode json = new ObjectMapper().readTree(json(report));

    assertThat(json.get("report_schema").asText()).isEqualTo("carelake/reports/report.schema.json#2");
    assertThat(json.get("interval").get("start").asText()).isEqualTo("2025-03-01");
    assertThat(json.fieldNames()).toIterable().containsExactly("report_schema", "report_id",
        "interval", "generated_at", "carelake_version", "report_run_id", "verdict", "reconciled",
        "scorecard", "checks", "trends", "stages", "ingest_all_runs", "missing_stages",
        "cross_checks", "set_aside", "privacy", "lineage", "model_evaluation", "model_lineage",
        "model_registry", "language_models", "waivers",
        "tables");
    assertThat(json.get("ingest_all_runs").isNull()).isTrue();
    JsonNode stage = json.get("stages").get(0);
    assertThat(stage.fieldNames()).toIterable().containsExactlyInAnyOrder("job", "run_id",
        "status", "started_at", "ended_at", "version", "spec_hash", "rows_in", "rows_out",
        "rows_set_aside", "reconciles", "counts", "snapshots", "message");
    assertThat(stage.get("counts").get("quarantined_visits").asLong()).isEqualTo(2);
    assertThat(json.get("checks").get(0).get("rate").asDouble()).isEqualTo(0.05);
    assertThat(json.get("checks").get(0).get("waiver").isNull()).isTrue();
    assertThat(json.get("model_evaluation").get("metrics").get(0).get("n_positive").asLong())
        .isEqualTo(40);
    assertThat(json.get("verdict").get("status").asText()).isEqualTo("FAIL");
  }

  @Test
  void theSchemaRejectsWhatTheReportMustNeverSay() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = (ObjectNode) mapper.readTree(json(report(List.of(GOVERN),
        List.of(check("a", "PASS", 0, 5)))));
    // a small cell shown, a verdict the schema does not know, an unknown field
    ObjectNode setAside = (ObjectNode) json.get("set_aside");
    setAside.putArray("quarantine").addObject().put("group", "quarantine.visits")
        .put("reason", "r").put("rows", 3).put("suppressed", false).putArray("example_keys");
    ((ObjectNode) json.get("verdict")).put("status", "OK");
    json.put("patient_rows", 1);
    List<String> problems = ReportSchema.violations(mapper.writeValueAsBytes(json));
    assertThat(problems).anyMatch(p -> p.contains("/set_aside/quarantine/0/rows"))
        .anyMatch(p -> p.contains("/verdict/status")).anyMatch(p -> p.contains("patient_rows"));
  }

  @Test
  void aStageThatLosesRowsMakesTheReportUnreconciledAndIsMarked() {
    Report report = report(List.of(GOVERN, DEIDENTIFY_LOSING_ROWS), List.of());
    assertThat(report.reconciled()).isFalse();
    json(report);

    String html = html(report);
    assertThat(html).contains("Runs that did not succeed: deidentify (FAILED)");
    assertThat(html).contains("NOT RECONCILED").contains("DOES NOT RECONCILE")
        .contains("+5 rows unaccounted").contains("deidentify-1").contains("govern-1");
    // The message is escaped, not markup.
    assertThat(html).contains("lost &lt;b&gt;rows&lt;/b&gt;").doesNotContain("<b>rows</b>");
    assertThat(report.verdict().reasons()).anyMatch(r -> r.startsWith("rows do not reconcile:"
        + " deidentify run deidentify-1: 97 in, 90 out, 2 set aside (+5 unaccounted)"));
  }

  @Test
  void notApplicableAndErrorChecksAreNotShownAsPasses() {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50),
        check("b_empty", "NOT_APPLICABLE", 0, 0), check("c_broken", "ERROR", 0, 50)));
    json(report);
    String html = html(report);

    assertThat(rowOf(html, "id=\"rule-b_empty")).contains("st-not_applicable")
        .contains("NOT APPLICABLE").contains("n/a").doesNotContain("st-pass");
    assertThat(rowOf(html, "id=\"rule-c_broken")).contains("st-error").doesNotContain("st-pass");
    assertThat(rowOf(html, "id=\"rule-a_pass")).contains("st-pass").contains("0.00 %");
    assertThat(html).contains("RECONCILED: every stage").contains("0.8100")
        .contains("[0.7400, 0.8800]");
    assertSelfContained(html);
  }

  @Test
  void anEmptyReportIsNotReconciledAndNotAssessed() {
    Report report = report(List.of(), List.of());
    assertThat(report.reconciled()).isFalse();
    assertThat(report.verdict().status()).isEqualTo("NOT_ASSESSED");
    json(report);
    assertThat(html(report)).contains("no pipeline run recorded for this interval");
  }

  @Test
  void aCrossStageCheckThatDoesNotHoldMakesTheReportUnreconciled() {
    Report.CrossCheck holds = Report.CrossCheck.of(CrossChecks.DEIDENTIFY_VS_GOVERN, "govern",
        97, "deidentify", 97, Map.of(), null);
    Report.CrossCheck broken = Report.CrossCheck.of(CrossChecks.GOVERN_VS_RAW, "raw rows", 103,
        "govern", 100, Map.of("raw.visits", 11L), "raw <changed>");
    assertThat(report(List.of(GOVERN), List.of(), List.of(holds)).reconciled()).isTrue();
    Report report = report(List.of(GOVERN), List.of(), List.of(holds, broken));
    assertThat(report.reconciled()).as("every stage reconciles, a cross-check does not").isFalse();
    json(report);

    String html = html(report);
    assertThat(rowOf(html, "<td>" + CrossChecks.GOVERN_VS_RAW)).contains("not-reconciled")
        .contains("DOES NOT HOLD").contains("-3 rows").contains("raw &lt;changed&gt;");
    assertThat(rowOf(html, "<td>" + CrossChecks.DEIDENTIFY_VS_GOVERN)).doesNotContain("not-reconciled")
        .contains("✓ yes");
    assertThat(html).contains("NOT RECONCILED");
  }

  @Test
  void failingChecksAreHighlightedAndTheirMessageIsWrittenFromCounts() {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50),
        check("z_fail", "FAIL", 3, 60)));
    String html = html(report);
    assertThat(rowOf(html, "id=\"rule-z_fail")).contains("check-fail")
        .contains("3 of 60 rows fail (5.00%");
    assertThat(rowOf(html, "id=\"rule-a_pass")).contains("check-pass").doesNotContain("check-fail");
    assertThat(RunResults.describe("ERROR", null, 60L, 0.0)).startsWith("not measured (ERROR)");
    assertThat(RunResults.describe("NOT_APPLICABLE", 0L, 0L, 0.0)).contains("no rows");
  }

  @Test
  void theTrendChartDrawsTheNumbersOfItsTable() throws Exception {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50)));
    JsonNode data = new ObjectMapper().readTree(ReportHtml.chartData(report.trends(),
        report.modelEvaluation().calibration()));
    JsonNode vitals = data.get("tables").get(0);
    assertThat(vitals.get("canvas").asText()).isEqualTo("trend-raw-vitals");
    assertThat(vitals.get("labels").toString()).isEqualTo("[\"2025-02-28\",\"2025-03-01\"]");
    assertThat(vitals.get("series").get(0).get("dimension").asText()).isEqualTo("accuracy");
    assertThat(vitals.get("series").get(0).get("values").get(0).asDouble()).isEqualTo(100.0);
    assertThat(vitals.get("series").get(0).get("values").get(1).asDouble()).isEqualTo(95.0);
    String html = html(report);
    assertThat(html).contains("<canvas id=\"trend-raw-vitals\"").contains("95.00 %")
        .contains("Chart.js v" + ReportHtml.CHART_JS_VERSION);
  }

  @Test
  void everyMetricShowsItsIntervalLevelMethodAndCountsAndSuppressedCellsShowNoNumber()
      throws Exception {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50)));
    JsonNode me = new ObjectMapper().readTree(json(report)).get("model_evaluation");
    JsonNode sensitivity = me.get("metrics").get(1);
    assertThat(sensitivity.get("operating_point").asText()).isEqualTo("threshold=0.2");
    assertThat(sensitivity.get("ci_level").asDouble()).isEqualTo(0.9);
    assertThat(sensitivity.get("n_patients").asLong()).isEqualTo(120);
    assertThat(TestReportJob.texts(sensitivity.get("flags"))).containsExactly("few_events");
    JsonNode suppressed = me.get("subgroups").get(1);
    assertThat(suppressed.get("suppressed").asBoolean()).isTrue();
    for (String field : List.of("value", "ci_low", "ci_high", "n", "events")) {
      assertThat(suppressed.get(field).isNull()).as(field).isTrue();
    }
    assertThat(me.get("gates").get(0).get("criteria").get(0).get("status").asText())
        .isEqualTo("fail");

    String html = html(report);
    assertThat(rowOf(html, "threshold=0.2")).contains("0.7000").contains("[0.5500, 0.8300]")
        .contains("(90 %)").contains("cluster-bootstrap-percentile").contains(">200<")
        .contains(">40<").contains(">120<").contains("few_events");
    assertThat(rowOf(html, "<td>north</td>")).contains("suppressed").doesNotContain("0.")
        .doesNotContain("data-json");
    assertThat(rowOf(html, "<td>F</td>")).contains("0.7900").contains("[0.7000, 0.8700]");
    assertThat(html).contains("id=\"calibration-plot\"").contains("REJECTED")
        .contains("slope-in-range failed").contains("[0.6200, 1.5000]");
    assertThat(rowOf(html, "<code>it-0</code> (hypertension)")).contains("0.0300")
        .contains("[-0.0100, 0.0700]").contains("obuchowski");
    // no calibration slope or net benefit among the metrics: 12e says what is missing
    JsonNode measures = TestReportJob.find(me.get("items"), "item", "12e");
    assertThat(measures.get("status").asText()).isEqualTo("PARTIAL");
    assertThat(measures.get("statement").asText()).contains("the binned calibration curve")
        .endsWith("recorded no calibration metrics, no net benefit");
    for (String item : List.of("14", "23a", "23b", "gate")) {
      assertThat(TestReportJob.find(me.get("items"), "item", item).get("status").asText()).as(item)
          .isEqualTo("REPORTED");
    }
    JsonNode curves = new ObjectMapper().readTree(ReportHtml.chartData(report.trends(),
        report.modelEvaluation().calibration())).get("calibration");
    assertThat(curves).hasSize(1);
    assertThat(curves.get(0).get("points").get(1).get("y").asDouble()).isEqualTo(0.18);
  }

  @Test
  void anUndefinedStatisticIsShownAsMissingNotWrittenAsNaN() {
    org.apache.spark.sql.Row row = org.apache.spark.sql.RowFactory.create(Double.NaN,
        Double.POSITIVE_INFINITY, 0.25, null);
    assertThat(RunResults.doubleOrNull(row, 0)).isNull();
    assertThat(RunResults.doubleOrNull(row, 1)).isNull();
    assertThat(RunResults.doubleOrNull(row, 2)).isEqualTo(0.25);
    assertThat(RunResults.doubleOrNull(row, 3)).isNull();
  }

  @Test
  void theSchemaRejectsANumberInASuppressedSubgroupCell() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json = (ObjectNode) mapper.readTree(json(report(List.of(GOVERN),
        List.of(check("a", "PASS", 0, 5)))));
    ((ObjectNode) json.get("model_evaluation").get("subgroups").get(1)).put("n", 7);
    assertThat(ReportSchema.violations(mapper.writeValueAsBytes(json)))
        .anyMatch(p -> p.contains("/model_evaluation/subgroups/1/n"));
  }

  @Test
  void aStageStillRunningMakesTheReportProvisionalAndARunningIngestIsOnlyNoted() {
    List<Report.Check> checks = List.of(check("a_pass", "PASS", 0, 50));
    Report.Verdict governRunning = Report.Verdict.decide(checks, true, List.of(GOVERN),
        List.of(), null, "", List.of(new LedgerStages.InProgress("govern", "govern-2",
            "2025-03-02T00:00:00Z")));
    assertThat(governRunning.status()).isEqualTo("WARN");
    assertThat(governRunning.reasons()).anyMatch(r -> r.startsWith("govern run govern-2")
        && r.contains("still RUNNING"));
    Report.Verdict ingestRunning = Report.Verdict.decide(checks, true, List.of(GOVERN),
        List.of(), null, "", List.of(new LedgerStages.InProgress("ingest", "ingest-9",
            "2025-03-01T00:00:00Z")));
    assertThat(ingestRunning.status()).isEqualTo("PASS");
    assertThat(ingestRunning.reasons()).last().asString().startsWith("ingest run ingest-9");
  }

  @Test
  void ledgerMessagesAreMaskedOfIdentifierLikeValues() {
    String masked = Redaction.mask("parse error at value '王秀英' for 11010519491231002X, call"
        + " 13912345678 or +86 13912345678, mail a.b@example.org, lives 北京市朝阳区幸福路88号;"
        + " see run_id = 'govern-0f8fad5b-d9cb-469f-a165-70867728950e' in 'raw.visits'");
    assertThat(masked).doesNotContain("王秀英", "11010519491231002X", "13912345678",
        "a.b@example.org", "幸福路", "北京").contains("[value]", "[ID]", "[PHONE]", "[EMAIL]",
        "[TEXT]", "'govern-0f8fad5b-d9cb-469f-a165-70867728950e'", "'raw.visits'");
    assertThat(Redaction.mask("x".repeat(2000))).hasSizeLessThan(600);
    assertThat(Redaction.mask(null)).isNull();
    assertThat(Redaction.mask("govern blocked for [2025-03-01, 2025-03-02): 1 blocking rule(s)"))
        .isEqualTo("govern blocked for [2025-03-01, 2025-03-02): 1 blocking rule(s)");
  }

  @Test
  void everyReportRunGetsItsOwnId() {
    Instant at = Instant.parse("2025-03-03T01:02:03Z");
    String id = Report.idFor(MARCH_1, at, "report-1a2b3c4d-0000-0000-0000-000000000000");
    assertThat(id).isEqualTo("2025-03-01_2025-03-02-20250303T010203Z-1a2b3c4d");
    assertThat(Report.idFor(MARCH_1, at, "report-9a2b3c4d-0000-0000-0000-000000000000"))
        .isNotEqualTo(id);
    assertThat(Report.idFor(MARCH_1, at.plusSeconds(1),
        "report-1a2b3c4d-0000-0000-0000-000000000000")).isNotEqualTo(id);
  }

  /** The table row holding {@code marker}. */
  static String rowOf(String html, String marker) {
    int at = html.indexOf(marker);
    assertThat(at).as("%s in the page", marker).isNotNegative();
    return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
  }

  private static final Pattern EXTERNAL = Pattern.compile(
      "(?i)(?:src|href|action|poster|data)\\s*=\\s*[\"']?\\s*(?:[a-z][a-z0-9+.-]*:|//)");

  /**
   * No attribute of the page loads anything from elsewhere (only in-page {@code #anchors}), no
   * stylesheet imports or url() references: the page is one file that opens offline.
   */
  static void assertSelfContained(String html) {
    Matcher m = EXTERNAL.matcher(html);
    assertThat(m.find() ? m.group() : null).as("an attribute naming another resource").isNull();
    assertThat(html).doesNotContain("@import").doesNotContainPattern("url\\s*\\(")
        .doesNotContain("<link ").doesNotContain("<iframe");
  }
}
