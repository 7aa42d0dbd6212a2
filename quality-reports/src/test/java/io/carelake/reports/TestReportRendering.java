package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON contract and the HTML page, from a report built in memory (no Spark). */
class TestReportRendering {

  private static final Interval MARCH_1 =
      new Interval(LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-02"));

  private static final Report.Stage GOVERN = new Report.Stage("govern", "govern-1", "SUCCEEDED",
      "2025-03-02T01:00:00Z", "2025-03-02T01:05:00Z", 100, 97, 3, true,
      Map.of("quarantined_visits", 2L, "quarantined_vitals", 1L),
      new Report.Snapshots(Map.of("raw.visits", 11L), Map.of("curated.visits", 12L)), null, null);

  private static final Report.Stage DEIDENTIFY_LOSING_ROWS = new Report.Stage("deidentify",
      "deidentify-1", "FAILED", "2025-03-02T02:00:00Z", "2025-03-02T02:01:00Z", 97, 90, 2, false,
      Map.of(), Report.Snapshots.NONE, "lost <b>rows</b>", null);

  private static Report report(List<Report.Stage> stages, List<Report.Check> checks) {
    return report(stages, checks, List.of());
  }

  private static Report report(List<Report.Stage> stages, List<Report.Check> checks,
      List<Report.CrossCheck> crossChecks) {
    return new Report("r1", Report.Period.of(MARCH_1), "2025-03-03T00:00:00Z", "0.1.0-SNAPSHOT",
        "report-1", Report.reconciled(stages, null, crossChecks), stages, null,
        List.of("corpus"), crossChecks, List.of(
            new Report.TableEntry("raw.visits", 100, 11L, TableCatalogue.FROM_SUMMARY)),
        checks, List.of(new Report.Evaluation("evaluate-1", "it-1", "hypertension", "test", "auroc",
            0.81, 0.74, 0.88, "cluster-bootstrap-bca", 0.9, 200L, 40L, 99L)));
  }

  private static Report.Check check(String rule, String status, long failing, long total) {
    return new Report.Check(rule, "raw.vitals", "value", "range", "block", status, failing, total,
        RunResults.rate(failing, total), 0.0, RunResults.describe(status, failing, total, 0.0),
        "v3", "abc123", 11L);
  }

  @Test
  void jsonUsesTheContractNames() throws Exception {
    Report report = report(List.of(GOVERN), List.of(check("sbp_range", "FAIL", 3, 60)));
    JsonNode json = new ObjectMapper().readTree(ReportJson.render(report));

    assertThat(json.get("report_id").asText()).isEqualTo("r1");
    assertThat(json.get("interval").get("start").asText()).isEqualTo("2025-03-01");
    assertThat(json.get("interval").get("end").asText()).isEqualTo("2025-03-02");
    assertThat(json.get("reconciled").asBoolean()).isTrue();
    assertThat(json.fieldNames()).toIterable().containsExactly("report_id", "interval",
        "generated_at", "carelake_version", "report_run_id", "reconciled", "stages",
        "ingest_all_runs", "missing_stages", "cross_checks", "tables", "checks", "evaluation");
    assertThat(json.get("ingest_all_runs").isNull()).isTrue();
    JsonNode stage = json.get("stages").get(0);
    assertThat(stage.fieldNames()).toIterable().containsExactlyInAnyOrder("job", "run_id",
        "status", "started_at", "ended_at", "rows_in", "rows_out", "rows_set_aside", "reconciles",
        "counts", "snapshots", "message");
    assertThat(stage.get("rows_set_aside").asLong()).isEqualTo(3);
    assertThat(stage.get("counts").get("quarantined_visits").asLong()).isEqualTo(2);
    assertThat(stage.get("snapshots").get("outputs").get("curated.visits").asLong()).isEqualTo(12);
    assertThat(json.get("tables").get(0).get("snapshot_id").asLong()).isEqualTo(11);
    assertThat(json.get("checks").get(0).get("rate").asDouble()).isEqualTo(0.05);
    assertThat(json.get("evaluation").get(0).get("n_positive").asLong()).isEqualTo(40);
    assertThat(json.get("evaluation").get(0).get("ci_low").asDouble()).isEqualTo(0.74);
    assertThat(json.get("evaluation").get(0).get("ci_level").asDouble()).isEqualTo(0.9);
  }

  @Test
  void aStageThatLosesRowsMakesTheReportUnreconciledAndIsMarked() {
    Report report = report(List.of(GOVERN, DEIDENTIFY_LOSING_ROWS), List.of());
    assertThat(report.reconciled()).isFalse();

    String html = new String(ReportHtml.render(report), StandardCharsets.UTF_8);
    assertThat(html).contains("Runs that did not succeed: deidentify (FAILED)");
    assertThat(html).contains("NOT RECONCILED").contains("DOES NOT RECONCILE")
        .contains("+5 rows unaccounted").contains("deidentify-1").contains("govern-1");
    // The message is escaped, not markup.
    assertThat(html).contains("lost &lt;b&gt;rows&lt;/b&gt;").doesNotContain("<b>rows</b>");
  }

  @Test
  void notApplicableAndErrorChecksAreNotShownAsPasses() {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50),
        check("b_empty", "NOT_APPLICABLE", 0, 0), check("c_broken", "ERROR", 0, 50)));
    String html = new String(ReportHtml.render(report), StandardCharsets.UTF_8);

    assertThat(rowOf(html, "b_empty")).contains("st-not_applicable").contains("NOT APPLICABLE")
        .contains("n/a").doesNotContain("st-pass");
    assertThat(rowOf(html, "c_broken")).contains("st-error").doesNotContain("st-pass");
    assertThat(rowOf(html, "a_pass")).contains("st-pass").contains("0.00 %");
    assertThat(html).contains("RECONCILED: every stage").contains("0.8100")
        .contains("[0.7400, 0.8800] (90 %)").doesNotContain("<script").doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void anEmptyReportIsNotReconciled() {
    Report report = report(List.of(), List.of());
    assertThat(report.reconciled()).isFalse();
    assertThat(new String(ReportHtml.render(report), StandardCharsets.UTF_8))
        .contains("no pipeline run recorded for this interval");
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

    String html = new String(ReportHtml.render(report), StandardCharsets.UTF_8);
    assertThat(rowOf(html, CrossChecks.GOVERN_VS_RAW)).contains("not-reconciled")
        .contains("DOES NOT HOLD").contains("-3 rows").contains("raw &lt;changed&gt;");
    assertThat(rowOf(html, CrossChecks.DEIDENTIFY_VS_GOVERN)).doesNotContain("not-reconciled")
        .contains("✓ yes");
    assertThat(html).contains("NOT RECONCILED");
  }

  @Test
  void failingChecksAreHighlightedAndTheirMessageIsWrittenFromCounts() {
    Report report = report(List.of(GOVERN), List.of(check("a_pass", "PASS", 0, 50),
        check("z_fail", "FAIL", 3, 60)));
    String html = new String(ReportHtml.render(report), StandardCharsets.UTF_8);
    assertThat(rowOf(html, "z_fail")).contains("check-fail").contains("3 of 60 rows fail (5.00%");
    assertThat(rowOf(html, "a_pass")).contains("check-pass").doesNotContain("check-fail");
    assertThat(RunResults.describe("ERROR", null, 60L, 0.0)).startsWith("not measured (ERROR)");
    assertThat(RunResults.describe("NOT_APPLICABLE", 0L, 0L, 0.0)).contains("no rows");
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
}
