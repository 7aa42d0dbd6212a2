package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
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
      Map.of("quarantined_visits", 2L, "quarantined_vitals", 1L), Map.of("raw.visits", 11L),
      Map.of("curated.visits", 12L), null, null);

  private static final Report.Stage DEIDENTIFY_LOSING_ROWS = new Report.Stage("deidentify",
      "deidentify-1", "FAILED", "2025-03-02T02:00:00Z", "2025-03-02T02:01:00Z", 97, 90, 2, false,
      Map.of(), Map.of(), Map.of(), "lost <b>rows</b>", null);

  private static Report report(List<Report.Stage> stages, List<Report.Check> checks) {
    return new Report("r1", Report.Period.of(MARCH_1), "2025-03-03T00:00:00Z", "0.1.0-SNAPSHOT",
        "report-1", stages, List.of("corpus"), List.of(
            new Report.TableEntry("raw.visits", 100, 11L, TableCatalogue.FROM_SUMMARY)),
        checks, List.of(new Report.Evaluation("evaluate-1", "it-1", "test", "auroc", 0.81, 0.74,
            0.88, "bootstrap", 200L, 40L, 99L)), Report.reconciled(stages));
  }

  private static Report.Check check(String rule, String status, long failing, long total) {
    return new Report.Check(rule, "raw.vitals", "value", "range", "block", status, failing, total,
        RunResults.rate(failing, total), 0.0, "message of " + rule, "v3", "abc123", 11L);
  }

  @Test
  void jsonUsesTheContractNames() throws Exception {
    Report report = report(List.of(GOVERN), List.of(check("sbp_range", "FAIL", 3, 60)));
    JsonNode json = new ObjectMapper().readTree(ReportJson.render(report));

    assertThat(json.get("report_id").asText()).isEqualTo("r1");
    assertThat(json.get("interval").get("start").asText()).isEqualTo("2025-03-01");
    assertThat(json.get("interval").get("end").asText()).isEqualTo("2025-03-02");
    assertThat(json.get("reconciled").asBoolean()).isTrue();
    JsonNode stage = json.get("stages").get(0);
    assertThat(stage.fieldNames()).toIterable().containsExactlyInAnyOrder("job", "run_id",
        "status", "started_at", "ended_at", "rows_in", "rows_out", "rows_set_aside", "reconciles",
        "counts", "input_snapshots", "output_snapshots", "message");
    assertThat(stage.get("rows_set_aside").asLong()).isEqualTo(3);
    assertThat(stage.get("counts").get("quarantined_visits").asLong()).isEqualTo(2);
    assertThat(stage.get("output_snapshots").get("curated.visits").asLong()).isEqualTo(12);
    assertThat(json.get("tables").get(0).get("snapshot_id").asLong()).isEqualTo(11);
    assertThat(json.get("checks").get(0).get("rate").asDouble()).isEqualTo(0.05);
    assertThat(json.get("evaluation").get(0).get("n_positive").asLong()).isEqualTo(40);
    assertThat(json.get("evaluation").get(0).get("ci_low").asDouble()).isEqualTo(0.74);
  }

  @Test
  void aStageThatLosesRowsMakesTheReportUnreconciledAndIsMarked() {
    Report report = report(List.of(GOVERN, DEIDENTIFY_LOSING_ROWS), List.of());
    assertThat(report.reconciled()).isFalse();

    String html = new String(ReportHtml.render(report), StandardCharsets.UTF_8);
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
        .contains("[0.7400, 0.8800]").doesNotContain("<script").doesNotContain("http://")
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
  void reportIdDependsOnTheIntervalAndTheCitedRunsOnly() {
    String id = Report.idFor(MARCH_1, List.of("govern-1", "ingest-1"));
    assertThat(id).startsWith("2025-03-01_2025-03-02-").hasSize("2025-03-01_2025-03-02-".length() + 12);
    assertThat(Report.idFor(MARCH_1, List.of("ingest-1", "govern-1"))).isEqualTo(id);
    assertThat(Report.idFor(MARCH_1, List.of("govern-2", "ingest-1"))).isNotEqualTo(id);
    assertThat(Report.idFor(new Interval(LocalDate.parse("2025-03-02"),
        LocalDate.parse("2025-03-03")), List.of("govern-1", "ingest-1")))
        .startsWith("2025-03-02_2025-03-03-");
    assertThat(Report.idFor(MARCH_1, List.of())).isEqualTo("2025-03-01_2025-03-02-no-runs");
  }

  /** The table row holding {@code marker}. */
  static String rowOf(String html, String marker) {
    int at = html.indexOf(marker);
    assertThat(at).as("%s in the page", marker).isNotNegative();
    return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
  }
}
