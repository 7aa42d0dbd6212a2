package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.Tables;
import io.carelake.reports.ReportFixture.Fixture;
import io.carelake.reports.ReportFixture.Result;
import io.carelake.reports.ReportFixture.Variant;
import io.carelake.spark.JobMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * The report job end to end on real Spark and Iceberg: a temp home with small tables and a ledger of
 * consistent runs ({@link ReportFixture}), the job run through {@link JobMain} as the launcher runs
 * it, then the files read back (each report.json validated against the shipped schema). Test data
 * is tiny; the fixture session is the one the job reuses.
 */
class TestReportJob extends FixtureSession {

  @Test
  void reportsTheLatestRunOfEachStageAndEveryNumberItCites() throws Exception {
    Fixture f = fixture.build(Variant.CONSISTENT);
    long rawVitalsSummaryTotal = Long.parseLong(catalog().loadTable(
        CatalogFactory.identifier(Tables.RAW_VITALS)).currentSnapshot().summary()
        .get("total-records"));

    Result result = runReport("--waivers", f.waivers().toString(), "--trend-runs", "3");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(JobMain.EXIT_OK);
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
        ReportFixture.MARCH_1)).isEqualTo(5L);
    assertThat(CrossChecks.rowsFromMetadata(metadata.loadTable(
        CatalogFactory.identifier(Tables.RAW_VITALS)), "raw.vitals", f.rawVitalsSnapshot(),
        ReportFixture.MARCH_1)).isNull();

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
    assertThat(table(json, "raw.dead_letters").get("rows").asLong()).isEqualTo(15);
    List<String> tableNames = new ArrayList<>();
    json.get("tables").forEach(t -> tableNames.add(t.get("table").asText()));
    assertThat(tableNames).doesNotContain("safe.visits", "models.predictions")
        .contains("governance.pseudonym_keys");

    // Checks of the picked govern run only, with rates, mappings and changes; NOT_APPLICABLE has
    // no rate; the FAIL is waived (in force), the WARN's waiver has expired.
    List<String> rules = new ArrayList<>();
    json.get("checks").forEach(c -> rules.add(c.get("rule_id").asText()));
    assertThat(rules).containsExactlyInAnyOrder("sbp_range", "resident_id_check_digit",
        "device_id_present", "note_length", "visits_timeliness");
    JsonNode failing = check(json, "resident_id_check_digit");
    assertThat(failing.get("status").asText()).isEqualTo("WAIVED");
    assertThat(failing.get("measured_status").asText()).isEqualTo("FAIL");
    assertThat(failing.get("waiver").get("approver").asText()).isEqualTo("data steward QA-7");
    assertThat(failing.get("waiver").get("expires").asText()).isEqualTo("2099-12-31");
    assertThat(failing.get("waiver").get("source").asText()).isEqualTo(f.waivers() + ":3");
    assertThat(failing.get("numerator").asLong()).isEqualTo(1);
    assertThat(failing.get("denominator").asLong()).isEqualTo(5);
    assertThat(failing.get("rate").asDouble()).isEqualTo(0.2);
    assertThat(failing.get("dimension").asText()).isEqualTo("accuracy");
    assertThat(failing.get("indicator").asText()).isEqualTo("format_compliance");
    assertThat(failing.get("kahn").asText()).isEqualTo("conformance");
    assertThat(failing.get("clause").asText()).isEqualTo("clause of GB 11643");
    assertThat(failing.get("rationale").asText()).isEqualTo("rationale of ids");
    assertThat(failing.get("change").asText()).isEqualTo("NEW");
    assertThat(failing.get("message").asText()).isEqualTo("1 of 5 rows fail (20.00%; limit 0.00%)");
    JsonNode late = check(json, "visits_timeliness");
    assertThat(late.get("status").asText()).as("the waiver expired 2020-01-01").isEqualTo("WARN");
    assertThat(late.get("waiver").isNull()).isTrue();
    assertThat(check(json, "device_id_present").get("rate").isNull()).isTrue();
    assertThat(check(json, "sbp_range").get("change").isNull()).isTrue();
    assertThat(check(json, "note_length").get("message").asText()).startsWith("not measured");
    List<String> states = new ArrayList<>();
    json.get("waivers").get("entries").forEach(w -> states.add(w.get("rule").asText() + " "
        + w.get("state").asText()));
    assertThat(states).containsExactly("resident_id_check_digit APPLIED",
        "visits_timeliness EXPIRED", "sbp_range NOT_NEEDED");
    assertThat(json.get("waivers").get("sha256").asText()).isEqualTo(sha256(f.waivers()));

    // Scorecard: accuracy holds sbp_range (5 of 5 pass) and the waived check digit (4 of 5):
    // A / B = 9 / 10, worst 20 % by resident_id_check_digit; ERROR and N/A add nothing.
    JsonNode accuracy = json.get("scorecard").get("dimensions").get(2);
    assertThat(accuracy.get("code").asText()).isEqualTo("accuracy");
    assertThat(accuracy.get("tally").get("rules").asInt()).isEqualTo(2);
    assertThat(accuracy.get("tally").get("statuses").get("WAIVED").asInt()).isEqualTo(1);
    assertThat(accuracy.get("tally").get("statuses").get("PASS").asInt()).isEqualTo(1);
    assertThat(accuracy.get("tally").get("passing_elements").asLong()).isEqualTo(9);
    assertThat(accuracy.get("tally").get("evaluated_elements").asLong()).isEqualTo(10);
    assertThat(accuracy.get("tally").get("score").asDouble()).isEqualTo(0.9);
    assertThat(accuracy.get("tally").get("worst_rule_id").asText())
        .isEqualTo("resident_id_check_digit");
    JsonNode normativity = json.get("scorecard").get("dimensions").get(0);
    assertThat(normativity.get("tally").get("statuses").get("ERROR").asInt()).isEqualTo(1);
    assertThat(normativity.get("tally").get("evaluated_elements").asLong()).isZero();
    assertThat(normativity.get("tally").get("score").isNull()).isTrue();
    assertThat(json.get("scorecard").get("total").get("rules").asInt()).isEqualTo(5);
    assertThat(json.get("scorecard").get("unmapped_rules")).isEmpty();
    // The verdict: FAIL, led by the rule that could not be measured and the failed train run.
    assertThat(json.get("verdict").get("status").asText()).isEqualTo("FAIL");
    assertThat(texts(json.get("verdict").get("reasons")).get(0))
        .isEqualTo("rule note_length on raw.visits could not be measured (ERROR)");
    assertThat(texts(json.get("verdict").get("reasons"))).anyMatch(r -> r.startsWith("train run "
        + f.train() + " ended FAILED")).anyMatch(r -> r.startsWith("rule visits_timeliness warns"))
        .contains("rule resident_id_check_digit FAIL waived until 2099-12-31 by data steward"
            + " QA-7", "no corpus run for this interval");

    // Trends: the latest govern run of each interval up to this one, oldest first.
    JsonNode trends = json.get("trends");
    List<String> trendRuns = new ArrayList<>();
    trends.get("runs").forEach(r -> trendRuns.add(r.get("govern_run_id").asText()));
    assertThat(trendRuns).containsExactly(f.governFeb27(), f.governFeb28(), f.govern());
    List<String> visitsAccuracy = new ArrayList<>();
    trends.get("scores").forEach(p -> {
      if (p.get("table").asText().equals("raw.visits")
          && p.get("dimension").asText().equals("accuracy")) {
        visitsAccuracy.add(p.get("interval_start").asText() + " " + p.get("passing_elements")
            + "/" + p.get("evaluated_elements"));
      }
    });
    assertThat(visitsAccuracy).containsExactly("2025-02-27 9/10", "2025-02-28 12/12",
        "2025-03-01 9/10");

    // Set aside: cells under 5 suppressed, plus the next smallest where one alone would be.
    Map<String, String> cells = new java.util.TreeMap<>();
    json.get("set_aside").get("quarantine").forEach(c -> cells.put(c.get("reason").asText(),
        c.get("suppressed").asBoolean() ? "<5" : c.get("rows").asText() + " "
            + c.get("example_keys").size()));
    json.get("set_aside").get("dead_letters").forEach(c -> cells.put(c.get("reason").asText(),
        c.get("suppressed").asBoolean() ? "<5" : c.get("rows").asText() + " "
            + c.get("example_keys").size()));
    assertThat(cells).containsExactlyInAnyOrderEntriesOf(Map.of(
        "resident_id_check_digit", "<5", "vitals-value-plausible", "6 3",
        "vitals-unit-canonical", "<5", "vitals-bmi-consistent", "<5",
        "NOT_JSON", "7 3", "MISSING_FIELD", "<5", "BAD_TIMESTAMP", "<5"));
    JsonNode plausible = find(json.get("set_aside").get("quarantine"), "reason",
        "vitals-value-plausible");
    assertThat(plausible.get("group").asText()).isEqualTo("quarantine.vitals");
    // the masked keys are the first 12 hex digits of the event ids' SHA-256 (an independent digest)
    assertThat(texts(plausible.get("example_keys"))).isSubsetOf(
        java.util.stream.IntStream.range(0, 6).mapToObj(i -> sha256Text("q" + i).substring(0, 12))
            .toList());

    // Privacy: the deidentify run's measures, the gate's scan, the key by id only.
    JsonNode privacy = json.get("privacy");
    assertThat(privacy.get("deidentify_run_id").asText()).isEqualTo(f.deidentify());
    assertThat(privacy.get("release_status").asText()).isEqualTo("PASSED");
    assertThat(privacy.get("release_model").asText()).isEqualTo("agreement");
    assertThat(privacy.get("k").asInt()).isEqualTo(5);
    assertThat(privacy.get("tables")).hasSize(2);
    JsonNode safeVisits = privacy.get("tables").get(0);
    assertThat(safeVisits.get("min_class_size").asLong()).isEqualTo(6);
    assertThat(safeVisits.get("suppression_rate").asDouble()).isEqualTo(0.1);
    assertThat(safeVisits.get("class_sizes").get("5-9").asLong()).isEqualTo(4);
    assertThat(safeVisits.get("records_by_level").get("4").asLong()).isEqualTo(4);
    assertThat(privacy.get("release_gate").get("result").asText()).startsWith("PASSED");
    assertThat(privacy.get("key").get("key_id").asText()).isEqualTo("k1");
    assertThat(privacy.get("key").get("first_run_id").asText()).isEqualTo("deidentify-first");
    assertThat(privacy.get("date_shift").get("max_days").asInt()).isEqualTo(30);
    assertThat(privacy.get("date_shift").get("event_time_quasi_identifier").asBoolean()).isTrue();
    assertThat(privacy.get("date_shift").get("shifted_rows").get("safe.visits_date_shifted")
        .asLong()).isEqualTo(4);
    assertThat(privacy.get("policy_sha256").asText()).isEqualTo("a0".repeat(32));

    // Lineage: evaluation.results back to raw through the runs that wrote each snapshot, also
    // runs the report did not pick (the earlier train) and an ancestor snapshot of raw.vitals.
    JsonNode chain = find(json.get("lineage").get("chains"), "output",
        "evaluation.results@" + f.evaluationSnapshot());
    assertThat(texts(chain.get("run_ids"))).containsExactly(f.evaluate(), f.trainOld(),
        f.riskDataset(), f.features(), f.deidentify(), f.govern(), f.ingestLatest(), f.ingestFirst());
    assertThat(chain.get("reaches_raw").asBoolean()).isTrue();
    JsonNode vitalsNode = find(json.get("lineage").get("nodes"), "id",
        "raw.vitals@" + f.rawVitalsSnapshot());
    assertThat(vitalsNode.get("produced_by").asText()).isEqualTo(f.ingestFirst());
    assertThat(vitalsNode.get("note").asText()).startsWith("descends from snapshot "
        + f.rawVitalsFirstSnapshot());
    JsonNode governHop = find(json.get("lineage").get("runs"), "run_id", f.govern());
    assertThat(governHop.get("spec_hash").asText()).isEqualTo("5pec0hash");
    assertThat(governHop.get("version").asText()).isEqualTo(json.get("carelake_version").asText());

    // Model evaluation: the evaluate run's rows only, each metric with its interval, level,
    // method, n, events and patients; operating points after the split's metrics; subgroup
    // cells with the suppressed one empty; the binned calibration curve in bin order (not the
    // decision curve); the gap, the comparison and the gate decision with every criterion.
    JsonNode evaluation = json.get("model_evaluation");
    assertThat(evaluation.get("confidence_level").asText()).isEqualTo("0.95");
    JsonNode metrics = evaluation.get("metrics");
    assertThat(metrics).hasSize(4);
    metrics.forEach(e -> assertThat(e.get("run_id").asText()).isEqualTo(f.evaluate()));
    List<String> order = new ArrayList<>();
    metrics.forEach(e -> order.add(e.get("metric").asText() + "/" + e.get("ci_method").asText()));
    assertThat(order).containsExactly("auroc/cluster-bootstrap-bca", "auroc/obuchowski",
        "brier/cluster-bootstrap-bca", "sensitivity/cluster-bootstrap-percentile");
    JsonNode auroc = metrics.get(0);
    assertThat(auroc.get("outcome").asText()).isEqualTo("hypertension");
    assertThat(auroc.get("ci_low").asDouble()).isEqualTo(0.61);
    assertThat(auroc.get("ci_level").asDouble()).isEqualTo(0.95);
    assertThat(auroc.get("n").asLong()).isEqualTo(120);
    assertThat(auroc.get("n_positive").asLong()).isEqualTo(30);
    assertThat(auroc.get("n_patients").asLong()).isEqualTo(80);
    JsonNode sensitivity = metrics.get(3);
    assertThat(sensitivity.get("operating_point").asText()).isEqualTo("threshold=0.2");
    assertThat(texts(sensitivity.get("flags"))).containsExactly("few_events",
        "undefined_in_resamples");
    JsonNode subgroups = evaluation.get("subgroups");
    assertThat(subgroups).hasSize(2);
    JsonNode north = find(subgroups, "level", "north");
    assertThat(north.get("suppressed").asBoolean()).isTrue();
    assertThat(north.get("value").isNull()).isTrue();
    assertThat(north.get("n").isNull()).isTrue();
    assertThat(find(subgroups, "level", "F").get("events").asLong()).isEqualTo(18);
    JsonNode calibration = evaluation.get("calibration");
    assertThat(calibration).hasSize(2);
    assertThat(calibration.get(0).get("point").asInt()).isZero();
    assertThat(calibration.get(1).get("observed").asDouble()).isEqualTo(0.1875);
    assertThat(calibration.get(1).get("events").asLong()).isEqualTo(9);
    assertThat(evaluation.get("subgroup_gaps").get(0).get("p_holm").asDouble()).isEqualTo(1.0);
    assertThat(evaluation.get("comparisons").get(0).get("baseline_id").asText())
        .isEqualTo("it-0");
    JsonNode gate = evaluation.get("gates").get(0);
    assertThat(gate.get("decision").asText()).isEqualTo("rejected");
    assertThat(gate.get("criteria")).hasSize(2);
    assertThat(gate.get("criteria").get(1).get("status").asText()).isEqualTo("not_applicable");
    assertThat(gate.get("criteria").get(1).get("value").isNull()).isTrue();
    assertThat(texts(gate.get("reasons"))).hasSize(2);
    assertThat(gate.get("spec_sha256").asText()).isEqualTo("e5".repeat(32));
    assertThat(evaluation.get("iterations").get(0).get("test_positive").asLong()).isEqualTo(30);
    assertThat(texts(evaluation.get("iterations").get(0).get("features")))
        .containsExactly("age", "sbp_mean_90d");
    for (String item : List.of("12e", "23a", "23b", "14", "gate")) {
      assertThat(find(evaluation.get("items"), "item", item).get("status").asText()).as(item)
          .isEqualTo(item.equals("12e") ? "PARTIAL" : "REPORTED");
    }

    assertThat(find(evaluation.get("items"), "item", "12e").get("statement").asText())
        .contains("the smoothed (LOWESS) calibration curve").contains("the decision curve");
    // The smoothed calibration curve with its band, and the decision curves (model, treat all,
    // treat none) point by point, as evaluate wrote them.
    JsonNode smoothed = evaluation.get("smoothed_calibration");
    assertThat(smoothed).hasSize(3);
    assertThat(smoothed.get(1).get("y").asDouble()).isEqualTo(0.14);
    assertThat(smoothed.get(1).get("ci_low").asDouble()).isEqualTo(0.09);
    assertThat(smoothed.get(1).get("ci_high").asDouble()).isEqualTo(0.2);
    assertThat(smoothed.get(1).get("method").asText()).isEqualTo("LOWESS");
    List<String> decision = new ArrayList<>();
    evaluation.get("decision_curves").forEach(p -> decision.add(p.get("curve").asText() + "@"
        + p.get("x").asDouble() + "=" + p.get("y").asDouble()));
    assertThat(decision).containsExactly("decision_model@0.01=0.2", "decision_model@0.2=0.0625",
        "decision_treat_all@0.01=0.2424", "decision_treat_all@0.2=0.0625",
        "decision_treat_none@0.01=0.0", "decision_treat_none@0.2=0.0");

    // Model lineage: it-1 (evaluated) back to raw through the iteration's own columns and the
    // runs that wrote each snapshot; it-0 (the registry's champion) stops at its features
    // snapshot, which no run in the ledger wrote: shown unresolved with the reason.
    JsonNode chains = json.get("model_lineage").get("iterations");
    List<String> traced = new ArrayList<>();
    chains.forEach(c -> traced.add(c.get("iteration_id").asText()));
    assertThat(traced).containsExactly("it-1", "it-0");
    JsonNode it1 = chains.get(0);
    assertThat(it1.get("complete").asBoolean()).isTrue();
    assertThat(links(it1)).containsExactly(
        "iteration models.iterations@" + ReportFixture.ITERATIONS + " " + f.trainOld(),
        "dataset datasets.chronic_risk@" + ReportFixture.DATASET + " " + f.riskDataset(),
        "features features.chronic_risk@" + ReportFixture.FEATURES + " " + f.features(),
        "safe safe.visits@" + ReportFixture.SAFE_VISITS + " " + f.deidentify(),
        "safe safe.vitals@" + ReportFixture.SAFE_VITALS + " " + f.deidentify(),
        "curated curated.visits@" + f.curatedVisitsSnapshot() + " " + f.govern(),
        "raw raw.visits@" + f.rawVisitsSnapshot() + " " + f.ingestLatest(),
        "raw raw.vitals@" + f.rawVitalsSnapshot() + " null");
    JsonNode iterationLink = it1.get("links").get(0);
    assertThat(iterationLink.get("column_hash").asText()).isEqualTo(ReportFixture.COHORT_HASH);
    assertThat(iterationLink.get("spec_hash").asText()).isEqualTo(ReportFixture.COHORT_HASH);
    assertThat(iterationLink.get("code_version").asText()).isEqualTo("c0de1");
    assertThat(iterationLink.get("version").asText())
        .isEqualTo(json.get("carelake_version").asText());
    assertThat(it1.get("links").get(1).get("column_hash").asText())
        .isEqualTo(ReportFixture.COHORT_HASH);
    assertThat(it1.get("links").get(3).get("spec_hash").asText()).isEqualTo("a0".repeat(32));
    assertThat(it1.get("links").get(5).get("spec_hash").asText()).isEqualTo("5pec0hash");
    JsonNode it0 = chains.get(1);
    assertThat(it0.get("complete").asBoolean()).isFalse();
    assertThat(links(it0)).containsExactly(
        "iteration models.iterations@" + (ReportFixture.ITERATIONS - 10) + " " + f.trainFeb(),
        "dataset datasets.chronic_risk@" + ReportFixture.DATASET_OLD + " " + f.riskOld(),
        "features features.chronic_risk@" + ReportFixture.FEATURES_UNKNOWN + " null");
    JsonNode lost = it0.get("links").get(2);
    assertThat(lost.get("resolved").asBoolean()).isFalse();
    assertThat(lost.get("reason").asText()).isEqualTo("no run in governance.runs wrote"
        + " features.chronic_risk at " + ReportFixture.FEATURES_UNKNOWN + " (the features run"
        + " that built dataset ds-0 is not in the ledger)");

    // The registry: each alias now, and each move with the gate decision that made it (the
    // challenger's decision is not in evaluation.gate_decisions: shown as not found).
    JsonNode registry = json.get("model_registry");
    List<String> aliases = new ArrayList<>();
    registry.get("current").forEach(a -> aliases.add(a.get("alias").asText() + "="
        + a.get("iteration_id").asText()));
    assertThat(aliases).containsExactly("challenger=it-1", "champion=it-0");
    JsonNode champion = find(registry.get("history"), "alias", "champion");
    assertThat(champion.get("gate_found").asBoolean()).isTrue();
    assertThat(champion.get("decision").asText()).isEqualTo("promoted");
    assertThat(champion.get("decision_run_id").asText()).isEqualTo("evaluate-feb");
    assertThat(champion.get("moved_at").asText()).isEqualTo("2025-02-28T02:00:00Z");
    assertThat(texts(champion.get("reasons")))
        .containsExactly("no champion yet: every iteration criterion passed");
    JsonNode challenger = find(registry.get("history"), "alias", "challenger");
    assertThat(challenger.get("gate_found").asBoolean()).isFalse();
    assertThat(challenger.get("decision").isNull()).isTrue();

    // Language models: micro, macro, then per subject on all items, then the clean items; the
    // McNemar comparison; the contamination flags counted per item set.
    JsonNode lm = json.get("language_models");
    List<String> accuracies = new ArrayList<>();
    lm.get("results").forEach(r -> accuracies.add(r.get("subset").asText() + "/"
        + r.get("scope").asText() + " " + r.get("correct").asLong() + "/"
        + r.get("n_items").asLong()));
    assertThat(accuracies).containsExactly("all/micro 30/40", "all/macro 30/40",
        "all/subject 16/20", "clean/micro 27/36");
    assertThat(lm.get("results").get(0).get("ci_low").asDouble()).isEqualTo(0.598061);
    assertThat(lm.get("results").get(0).get("ci_method").asText()).isEqualTo("wilson");
    assertThat(texts(lm.get("results").get(0).get("flags")))
        .containsExactly("unparseable_answers");
    JsonNode mcnemar = lm.get("comparisons").get(0);
    assertThat(mcnemar.get("only_iteration").asLong()).isEqualTo(5);
    assertThat(mcnemar.get("only_other").asLong()).isEqualTo(2);
    assertThat(mcnemar.get("p_value").asDouble()).isEqualTo(58.0 / 128);
    JsonNode contamination = lm.get("contamination").get(0);
    assertThat(contamination.get("items").asLong()).isEqualTo(40);
    assertThat(contamination.get("contaminated").asLong()).isEqualTo(4);
    assertThat(contamination.get("clean").asLong()).isEqualTo(36);

    // A govern run of the interval still RUNNING is neither picked nor counted: the verdict says
    // it is running.
    assertThat(texts(json.get("verdict").get("reasons"))).anyMatch(r -> r.startsWith("govern run ")
        && r.contains("still RUNNING") && !r.contains(f.govern()));

    // The page cites every run and snapshot, and marks nothing as unreconciled.
    String html = result.html();
    assertThat(html).contains(f.ingestLatest(), f.ingestFirst(), f.govern(), f.deidentify(),
        f.features(), f.train(), f.evaluate(), Long.toString(f.rawVisitsSnapshot()),
        Long.toString(f.curatedVisitsSnapshot()), "RECONCILED: every stage", "0.7200",
        "[0.6100, 0.8300]", json.get("carelake_version").asText(),
        json.get("generated_at").asText(), sha256(result.indexHtml().resolveSibling(
            "report.json")))
        .doesNotContain("DOES NOT RECONCILE").doesNotContain("DOES NOT HOLD")
        .doesNotContain(f.governOld());
    TestReportRendering.assertSelfContained(html);
    assertThat(TestReportRendering.rowOf(html, "<td>north</td>")).contains("suppressed")
        .doesNotContain("data-json");
    assertThat(html).contains("id=\"calibration-plot\"").contains("REJECTED")
        .contains("auroc-non-inferior failed: the lower bound -0.05 is below -0.02");
    assertThat(html).contains("Runs that did not succeed: train (FAILED)");
    // Pebble escapes the ledger message: markup in it is text, not HTML.
    assertThat(TestReportRendering.rowOf(html, "<code id=\"run-" + f.train())).contains("&lt;b&gt;")
        .doesNotContain("<b>");
    assertThat(TestReportRendering.rowOf(html, "id=\"rule-resident_id_check_digit"))
        .contains("check-waived").contains("st-waived").contains("measured FAIL");
    assertThat(TestReportRendering.rowOf(html, "id=\"rule-device_id_present"))
        .contains("st-not_applicable");
    assertThat(TestReportRendering.rowOf(html, "id=\"rule-note_length")).contains("st-error");

    assertNoPhi(result);

    // The run is in the ledger with the files' SHA-256: 9 runs considered, 7 cited, the older
    // govern run and the earlier train run superseded.
    Record reportRun = ledgerRow(result.reportRunId());
    assertThat(reportRun.getField("status")).isEqualTo("SUCCEEDED");
    // generated while its run ran, by the ledger's times (to the second, as the report has it)
    Instant started = ((java.time.OffsetDateTime) reportRun.getField("started_at")).toInstant();
    Instant ended = ((java.time.OffsetDateTime) reportRun.getField("ended_at")).toInstant();
    assertThat(Instant.parse(json.get("generated_at").asText()))
        .isBetween(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), ended);
    assertThat(reportRun.getField("rows_in")).isEqualTo(9L);
    assertThat(((Map<?, ?>) reportRun.getField("counts")).get("runs_in_progress")).isEqualTo(1L);
    assertThat(reportRun.getField("rows_out")).isEqualTo(7L);
    assertThat(reportRun.getField("rows_set_aside")).isEqualTo(2L);
    Map<?, ?> parameters = (Map<?, ?>) reportRun.getField("parameters");
    assertThat(parameters.get("report_path")).isEqualTo(result.indexHtml().toString());
    assertThat(parameters.get("report_json_sha256"))
        .isEqualTo(sha256(result.indexHtml().resolveSibling("report.json")));
    assertThat(parameters.get("index_html_sha256")).isEqualTo(sha256(result.indexHtml()));
    assertThat(parameters.get("verdict")).isEqualTo("FAIL");
    assertThat(parameters.get("waivers_sha256")).isEqualTo(sha256(f.waivers()));
    assertThat(((Map<?, ?>) reportRun.getField("counts")).get("stages_reported")).isEqualTo(6L);
    assertThat(((Map<?, ?>) reportRun.getField("counts")).get("waivers_applied")).isEqualTo(1L);
    assertThat(((Map<?, ?>) reportRun.getField("input_snapshots")).get("raw.visits"))
        .isEqualTo(f.rawVisitsSnapshot());

    // A rerun writes a new report directory, keeps the first one, and moves latest/ to it.
    String firstJson = new String(result.jsonBytes(), StandardCharsets.UTF_8);
    openSession(); // the job stopped the session it ran in, as it does under the launcher
    Result again = runReport("--waivers", f.waivers().toString(), "--trend-runs", "3");
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
    Fixture f = fixture.build(Variant.DEIDENTIFY_LOSES_A_ROW);

    Result result = runReport("--require-reconciled");

    assertThat(result.exitCode()).isEqualTo(JobMain.EXIT_BLOCKED);
    JsonNode json = result.json();
    assertThat(json.get("reconciled").asBoolean()).isFalse();
    assertThat(stage(json, "deidentify").get("reconciles").asBoolean()).isFalse();
    assertThat(stage(json, "govern").get("reconciles").asBoolean()).isTrue();
    assertThat(TestReportRendering.rowOf(result.html(), "<code id=\"run-" + f.deidentify()))
        .contains("DOES NOT RECONCILE").contains("+1 rows unaccounted");
    assertThat(result.html()).contains("NOT RECONCILED");
    json.get("cross_checks").forEach(c -> assertThat(c.get("reconciles").asBoolean()).isTrue());
    assertNoPhi(result);
    assertThat(ledgerRow(result.reportRunId()).getField("status")).isEqualTo("BLOCKED");
  }

  @Test
  void governReadingFewerRowsThanRawHoldsIsACrossStageFailure() throws Exception {
    Fixture f = fixture.build(Variant.GOVERN_MISSES_RAW_ROWS);
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
    assertThat(TestReportRendering.rowOf(result.html(), "<td>" + CrossChecks.GOVERN_VS_RAW))
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
    assertThat(json.get("verdict").get("status").asText()).isEqualTo("NOT_ASSESSED");
    assertThat(json.get("privacy").isNull()).isTrue();
    assertThat(json.get("trends").get("runs")).isEmpty();
    assertThat(json.get("scorecard").get("dimensions")).hasSize(6);
    assertThat(json.get("scorecard").get("total").get("rules").asInt()).isZero();
  }

  @Test
  void aWaiverFileWithMistakesExitsTwoBeforeSparkStartsNamingEachLine() throws Exception {
    Path waivers = home.resolve("bad-waivers.yaml");
    Files.writeString(waivers, """
        waivers:
          - rule: resident_id_check_digit
            scope: {table: raw.visits}
            approver: QA
            reason: typos until the re-keying
            expires: 2025-02-30
          - rule: visits_timeliness
            scope: {table: raw.visits, tables: x}
            approver: data steward QA-7
            reason: historical replay, the events are months old
        """, StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    io.carelake.core.jobs.JobRuntime.Outcome outcome = JobMain.execute(new ReportJob(),
        new String[] {"--home", home.toString(), "--interval-start", "2025-03-01",
            "--interval-end", "2025-03-02", "--waivers", waivers.toString()},
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    // bad input, found before a Spark session is asked for
    assertThat(outcome).isEqualTo(new io.carelake.core.jobs.JobRuntime.Outcome(
        io.carelake.core.jobs.JobExit.USAGE, false));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("3 problems in the waiver file")
        .contains(waivers + ":4: waiver #1 (rule 'resident_id_check_digit'): approver who"
            + " accepts the failure: a role or an account, at least 3 characters, got \"QA\"")
        .contains(waivers + ":7: waiver #2 (rule 'visits_timeliness'): missing field 'expires'")
        .contains(waivers + ":8: waiver #2 (rule 'visits_timeliness'): unknown field 'tables';"
            + " the fields are [table, from, until]");
    assertThat(home.resolve("reports")).doesNotExist();
  }

  private Result runReport(String... extra) throws Exception {
    return ReportFixture.runReport(home, extra);
  }

  private Catalog catalog() {
    return fixture.catalog();
  }

  /** A chain's links as "level table@snapshot run". */
  private static List<String> links(JsonNode chain) {
    List<String> out = new ArrayList<>();
    chain.get("links").forEach(l -> out.add(l.get("level").asText() + " " + l.get("table")
        .asText() + "@" + l.get("snapshot_id").asText() + " " + l.get("run_id").asText()));
    return out;
  }

  private void assertNoPhi(Result result) {
    ReportFixture.assertNoPhi(result);
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

  static List<String> texts(JsonNode array) {
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

  private static String sha256(Path file) throws java.io.IOException {
    return java.util.HexFormat.of().formatHex(digest(Files.readAllBytes(file)));
  }

  private static String sha256Text(String text) {
    return java.util.HexFormat.of().formatHex(digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** An independent digest (the JDK's), not the code under test. */
  private static byte[] digest(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.get(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + " = " + value + " in " + array);
  }
}
