package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scorecard's tallies and scores, the verdict's rules, the set-aside suppression and the
 * lineage walk, on small inputs whose answers are worked out by hand.
 */
class TestScorecard {

  private static final List<Report.Check> CHECKS = List.of(
      // accuracy / content_correctness: 2 of 100 fail, 0 of 50 fail
      TestReportRendering.check("range", "WARN", 2, 100, "accuracy", "content_correctness",
          "plausibility"),
      TestReportRendering.check("future", "PASS", 0, 50, "accuracy", "content_correctness",
          "plausibility"),
      // accuracy / uniqueness: 5 of 100 repeat (FAIL), then waived
      TestReportRendering.check("unique", "FAIL", 5, 100, "accuracy", "uniqueness",
          "conformance"),
      // accuracy / duplicate_rate: scored as failures over evaluated
      TestReportRendering.check("dups", "PASS", 1, 200, "accuracy", "duplicate_rate",
          "conformance"),
      // completeness: not measured, nothing to check
      TestReportRendering.check("present", "ERROR", 0, 80, "completeness", "element",
          "completeness"),
      TestReportRendering.check("device", "NOT_APPLICABLE", 0, 0, "completeness", "element",
          "completeness"),
      // an indicator of another dimension: not mapped
      TestReportRendering.check("odd", "PASS", 0, 10, "timeliness", "uniqueness", "conformance"));

  private static List<Report.Check> withWaiver() {
    List<Report.Check> out = new ArrayList<>();
    for (Report.Check c : CHECKS) {
      Report.Check shown = c;
      if (c.ruleId().equals("present")) {
        // ERROR carries no measurement: numerator null
        shown = new Report.Check(c.ruleId(), c.table(), c.column(), c.ruleType(), c.severity(),
            "ERROR", "ERROR", null, 80L, null, 0.0, null, "not measured", c.dimension(),
            c.indicator(), c.kahn(), c.clause(), c.rationale(), null, "3", "h", 1L, null);
      }
      if (c.ruleId().equals("unique")) {
        shown = c.waivedBy(new Waivers.Applied("unique", "*", null, null, "QA-7",
            "replayed duplicates", "2099-01-01", "w.yaml:2"));
      }
      out.add(shown);
    }
    return out;
  }

  @Test
  void dimensionsAndIndicatorsAreScoredAsAOverB() {
    Scorecard s = Scorecard.of(withWaiver());
    Scorecard.DimensionRow accuracy = s.dimensions().get(2);
    assertThat(accuracy.code()).isEqualTo("accuracy");
    // A = 98 + 50 + 95 + 199, B = 100 + 50 + 100 + 200
    assertThat(accuracy.tally().passingElements()).isEqualTo(442);
    assertThat(accuracy.tally().evaluatedElements()).isEqualTo(450);
    assertThat(accuracy.tally().score()).isEqualTo(442.0 / 450);
    assertThat(accuracy.tally().rules()).isEqualTo(4);
    assertThat(accuracy.tally().statuses()).containsEntry("WARN", 1).containsEntry("PASS", 2)
        .containsEntry("WAIVED", 1).containsEntry("FAIL", 0);
    assertThat(accuracy.tally().worstRuleId()).isEqualTo("unique");
    assertThat(accuracy.tally().worstRate()).isEqualTo(0.05);
    Map<String, Scorecard.IndicatorRow> indicators = new LinkedHashMap<>();
    accuracy.indicators().forEach(i -> indicators.put(i.code(), i));
    assertThat(indicators.keySet()).containsExactly("content_correctness", "format_compliance",
        "duplicate_rate", "uniqueness", "dirty_data_rate");
    assertThat(indicators.get("content_correctness").tally().score()).isEqualTo(148.0 / 150);
    assertThat(indicators.get("duplicate_rate").tally().measure()).isEqualTo("failure_rate");
    assertThat(indicators.get("duplicate_rate").tally().score()).isEqualTo(1.0 / 200);
    assertThat(indicators.get("format_compliance").tally().rules()).isZero();
    assertThat(indicators.get("format_compliance").tally().score()).isNull();

    Scorecard.DimensionRow completeness = s.dimensions().get(1);
    assertThat(completeness.tally().statuses()).containsEntry("ERROR", 1)
        .containsEntry("NOT_APPLICABLE", 1);
    assertThat(completeness.tally().evaluatedElements()).as("ERROR and N/A add nothing").isZero();
    assertThat(completeness.tally().score()).isNull();
    assertThat(s.dimensions()).extracting(Scorecard.DimensionRow::code).containsExactly(
        "normativity", "completeness", "accuracy", "consistency", "timeliness", "accessibility");
    assertThat(s.dimensions().get(5).tally().rules()).isZero();

    assertThat(s.kahn()).extracting(Scorecard.KahnRow::code)
        .containsExactly("conformance", "completeness", "plausibility");
    assertThat(s.kahn().get(2).tally().passingElements()).isEqualTo(148);
    assertThat(s.unmappedRules()).containsExactly("odd");
    assertThat(s.total().rules()).isEqualTo(7);
  }

  @Test
  void theVerdictIsDecidedByFailuresThenWarningsThenWaivers() {
    List<Report.Stage> stages = List.of(TestReportRendering.GOVERN);
    Report.Verdict fail = Report.Verdict.decide(withWaiver(), true, stages, List.of(), null, "");
    assertThat(fail.status()).isEqualTo("FAIL");
    assertThat(fail.reasons()).containsExactly(
        "rule present on raw.vitals could not be measured (ERROR)",
        "rule range warns on raw.vitals: 2 of 100 rows fail (2.00%; limit 0.00%)",
        "rule unique FAIL waived until 2099-01-01 by QA-7");

    List<Report.Check> warnOnly = List.of(CHECKS.get(0), CHECKS.get(1));
    assertThat(Report.Verdict.decide(warnOnly, true, stages, List.of("corpus"), null, "")
        .status()).isEqualTo("WARN");
    List<Report.Check> waivedOnly = withWaiver().stream()
        .filter(c -> Set.of("unique", "future").contains(c.ruleId())).toList();
    Report.Verdict waived = Report.Verdict.decide(waivedOnly, true, stages, List.of(), null, "");
    assertThat(waived.status()).isEqualTo("PASS_WITH_WAIVERS");
    Report.Verdict pass = Report.Verdict.decide(List.of(CHECKS.get(1)), true, stages, List.of(),
        null, "");
    assertThat(pass.status()).isEqualTo("PASS");
    assertThat(pass.reasons()).containsExactly(
        "1 of 1 rules passed (0 not applicable); every stage reconciles");
    assertThat(Report.Verdict.decide(List.of(CHECKS.get(1)), false, stages, List.of(), null,
        "govern run govern-1: 100 in, 90 out, 0 set aside (+10 unaccounted)").reasons())
        .containsExactly("rows do not reconcile: govern run govern-1: 100 in, 90 out, 0 set"
            + " aside (+10 unaccounted)");
    assertThat(Report.Verdict.decide(List.of(), false, List.of(), List.of("govern"), null, "")
        .status()).isEqualTo("NOT_ASSESSED");
  }

  @Test
  void smallCellsAreSuppressedAndNoneCanBeWorkedOutFromATotal() {
    Map<String, SetAside.Cell> cells = new LinkedHashMap<>();
    cells.put("a", new SetAside.Cell(null, "a", 12L, false, new ArrayList<>(List.of("k1"))));
    cells.put("b", new SetAside.Cell(null, "b", 6L, false, new ArrayList<>(List.of("k2"))));
    cells.put("c", new SetAside.Cell(null, "c", 3L, false, new ArrayList<>(List.of("k3"))));
    List<SetAside.Cell> out = SetAside.suppress("quarantine.vitals", cells);
    assertThat(out).extracting(SetAside.Cell::reason, SetAside.Cell::rows,
        SetAside.Cell::suppressed).containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 12L, false),
            org.assertj.core.groups.Tuple.tuple("b", null, true),
            org.assertj.core.groups.Tuple.tuple("c", null, true));
    assertThat(out.get(1).exampleKeys()).isEmpty();
    assertThat(out.get(0).exampleKeys()).containsExactly("k1");
    // two small cells already hide each other; 5 is not small
    cells.put("d", new SetAside.Cell(null, "d", 1L, false, new ArrayList<>()));
    cells.put("b", new SetAside.Cell(null, "b", 5L, false, new ArrayList<>()));
    assertThat(SetAside.suppress("q", cells)).extracting(SetAside.Cell::suppressed)
        .containsExactly(false, false, true, true);
  }

  @Test
  void lineageWalksFromEachOutputThroughTheRunsThatWroteWhatItRead() {
    Lineage.Hop ingest = hop("ingest-1", "ingest", Map.of(), Map.of("raw.visits", 1L));
    Lineage.Hop govern = hop("govern-1", "govern", Map.of("raw.visits", 2L,
        "governance.runs", 77L), Map.of("curated.visits", 3L, "governance.check_results", 78L));
    Lineage.Hop deid = hop("deidentify-1", "deidentify", Map.of("curated.visits", 3L),
        Map.of("safe.visits", 4L));
    Lineage.Hop evaluate = hop("evaluate-1", "evaluate", Map.of("models.predictions", 9L),
        Map.of("evaluation.results", 10L));
    List<Lineage.Hop> ledger = List.of(ingest, govern, deid, evaluate);
    Lineage.Ledger lookups = new Lineage.Ledger() {
      @Override
      public List<Lineage.Hop> producersOf(Map<String, Set<Long>> snapshots) {
        return ledger.stream().filter(h -> h.writes().entrySet().stream().anyMatch(e ->
            snapshots.getOrDefault(e.getKey(), Set.of()).contains(e.getValue()))).toList();
      }

      @Override
      public List<Long> ancestorsOf(String table, long snapshotId) {
        // raw.visits@2 is a later commit on top of ingest's snapshot 1
        return table.equals("raw.visits") && snapshotId == 2 ? List.of(1L) : List.of();
      }
    };
    Lineage l = Lineage.of(List.of(deid, evaluate), lookups);

    assertThat(l.nodes()).extracting(Lineage.Node::id).containsExactlyInAnyOrder(
        "raw.visits@2", "raw.visits@1", "curated.visits@3", "safe.visits@4",
        "models.predictions@9", "evaluation.results@10")
        .as("governance.* is bookkeeping, not lineage").doesNotContain("governance.runs@77");
    Lineage.Chain safe = l.chains().get(0);
    assertThat(safe.output()).isEqualTo("safe.visits@4");
    assertThat(safe.runIds()).containsExactly("deidentify-1", "govern-1", "ingest-1");
    assertThat(safe.reachesRaw()).isTrue();
    assertThat(safe.gaps()).isEmpty();
    Lineage.Node raw2 = l.nodes().stream().filter(n -> n.id().equals("raw.visits@2")).findFirst()
        .orElseThrow();
    assertThat(raw2.producedBy()).isEqualTo("ingest-1");
    assertThat(raw2.note()).startsWith("descends from snapshot 1, written by run ingest-1");
    Lineage.Chain results = l.chains().get(1);
    assertThat(results.runIds()).containsExactly("evaluate-1");
    assertThat(results.reachesRaw()).isFalse();
    assertThat(results.gaps()).singleElement().asString().startsWith("models.predictions@9: no"
        + " run in governance.runs wrote");
    // boxes in zone columns: raw left of curated left of safe
    Map<String, Integer> x = new LinkedHashMap<>();
    l.nodes().forEach(n -> x.put(n.table(), n.x()));
    assertThat(x.get("raw.visits")).isLessThan(x.get("curated.visits"));
    assertThat(x.get("curated.visits")).isLessThan(x.get("safe.visits"));
    assertThat(l.paths()).hasSize(l.edges().size()).allMatch(p -> p.startsWith("M"));
    assertThat(l.labels()).extracting(Lineage.Label::text).contains("govern", "deidentify");
  }

  private static Lineage.Hop hop(String id, String job, Map<String, Long> reads,
      Map<String, Long> writes) {
    Map<String, Long> r = new java.util.TreeMap<>();
    reads.forEach((t, s) -> {
      if (Lineage.isData(t)) {
        r.put(t, s);
      }
    });
    Map<String, Long> w = new java.util.TreeMap<>();
    writes.forEach((t, s) -> {
      if (Lineage.isData(t)) {
        w.put(t, s);
      }
    });
    return new Lineage.Hop(id, job, "SUCCEEDED", "2025-03-01", "2025-03-02", "0.1.0", null, r, w);
  }
}
