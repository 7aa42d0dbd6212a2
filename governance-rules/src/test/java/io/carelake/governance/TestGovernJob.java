package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableSchemas;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.SnapshotRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * govern end to end through JobMain (exit code, ledger) on real Spark local[2], a real Iceberg JDBC
 * catalog on SQLite in a temp home, and real Deequ, over {@link RawFixture#standard()}.
 *
 * <p>The tests follow one home through a history of runs — a first run, a rerun, a blocked run,
 * an empty interval, a size jump — but none depends on another having run or passed: each asks
 * for the {@link Step} it needs, which runs (once, with the steps before it) and records what the
 * run left — its ledger row, main's snapshot ids and the refs of the published tables — before
 * any test asserts anything. Tables are read at the snapshots a step recorded (Iceberg time
 * travel), so what a later step wrote cannot change what an earlier step's test sees, and a
 * failing assertion in one test cannot fail another.
 */
class TestGovernJob {

  static final String C = "carelake";
  static final String INTERVAL = "event_time >= TIMESTAMP '2025-03-01 00:00:00'"
      + " AND event_time < TIMESTAMP '2025-03-03 00:00:00'";

  @TempDir static Path home;
  static CarelakeConfig cfg;
  static RawFixture fixture;
  static final List<String> PUBLISHED = TestSpark.PUBLISHED;

  /**
   * One govern run of the history and what it left, recorded right after it.
   *
   * @param refs each published table's refs by name
   */
  record Step(int exit, Row run, Map<String, Map<String, SnapshotRef>> refs) {
    String runId() {
      return run.getAs("run_id");
    }

    /** main's snapshot id of each published table. */
    Map<String, Long> main() {
      Map<String, Long> out = new HashMap<>();
      refs.forEach((t, r) -> out.put(t, r.get("main").snapshotId()));
      return out;
    }
  }

  static Step first;
  static Step rerun;
  static Step blocked;
  static Step emptyInterval;
  static Step smallDay;
  static Step jump;

  /** Runs govern over [start, end) and records the step. */
  static Step step(String start, String end) {
    int exit = governInterval(start, end);
    SparkSession spark = LocalSpark.open(cfg);
    return new Step(exit, LocalSpark.latestRun(spark, "govern"), TestSpark.publishedRefs(spark));
  }

  /** The first run over the fixture's interval. */
  static synchronized Step first() {
    if (first == null) {
      first = step(RawFixture.START, RawFixture.END);
    }
    return first;
  }

  /** The same interval again. */
  static synchronized Step rerun() {
    first();
    if (rerun == null) {
      rerun = step(RawFixture.START, RawFixture.END);
    }
    return rerun;
  }

  /** A redelivered measurement that ingestion failed to deduplicate, then the interval again. */
  static synchronized Step blocked() {
    rerun();
    if (blocked == null) {
      LocalSpark.open(cfg).sql("INSERT INTO " + C + ".raw.vitals SELECT * FROM " + C
          + ".raw.vitals WHERE event_id = 's01'");
      blocked = step(RawFixture.START, RawFixture.END);
    }
    return blocked;
  }

  /** A January day without data, after the blocked run. */
  static synchronized Step emptyInterval() {
    blocked();
    if (emptyInterval == null) {
      emptyInterval = step("2025-01-01", "2025-01-02");
    }
    return emptyInterval;
  }

  /** 2025-03-03 with its one visit and one vital, then with 4 more visits and one more SBP. */
  static synchronized Step jump() {
    emptyInterval();
    if (smallDay == null) {
      smallDay = step("2025-03-03", "2025-03-04");
    }
    if (jump == null) {
      injectJump(LocalSpark.open(cfg));
      jump = step("2025-03-03", "2025-03-04");
    }
    return jump;
  }

  /** {@code table} as it was at {@code snapshotId}. */
  static Dataset<Row> at(SparkSession spark, String table, long snapshotId) {
    return spark.sql("SELECT * FROM " + C + "." + table + " VERSION AS OF " + snapshotId);
  }

  /** A published table as the step left main. */
  static Dataset<Row> main(SparkSession spark, Step step, String table) {
    return at(spark, table, step.main().get(table));
  }

  static org.apache.iceberg.Table iceberg(SparkSession spark, String table) {
    return TestSpark.iceberg(spark, table);
  }

  static boolean isSizeAnomaly(Row r) {
    return r.<String>getAs("rule").endsWith("-size-rate-of-change");
  }

  @BeforeAll
  static void createRaw() {
    cfg = CarelakeConfig.load(home, Map.of());
    fixture = RawFixture.standard();
    fixture.create(cfg, LocalSpark.open(cfg));
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop();
  }

  static int governInterval(String start, String end) {
    LocalSpark.open(cfg);
    return JobMain.run(new GovernJob(), new String[] {"--verbose", "--home", home.toString(),
        "--interval-start", start, "--interval-end", end});
  }

  /** event_id -> failed_rules of a quarantine table's rows. */
  static Map<String, List<String>> quarantined(Dataset<Row> table) {
    Map<String, List<String>> out = new HashMap<>();
    for (Row r : table.collectAsList()) {
      out.put(r.getAs("event_id"), r.getList(r.fieldIndex("failed_rules")));
    }
    return out;
  }

  static Set<String> eventIds(Dataset<Row> table) {
    return table.select("event_id").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  static Set<String> goodIds(Map<String, List<String>> expected) {
    return expected.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  static Map<String, List<String>> badIds(Map<String, List<String>> expected) {
    return expected.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  static Map<String, Row> checkResults(SparkSession spark, String runId) {
    Map<String, Row> byRule = new HashMap<>();
    for (Row r : spark.sql("SELECT * FROM " + C + ".governance.check_results WHERE run_id = '"
        + runId + "'").collectAsList()) {
      assertThat(byRule.put(r.getAs("rule"), r)).as("one row per rule").isNull();
    }
    return byRule;
  }

  @Test
  void splitsRawIntoCuratedAndQuarantineAndRecordsDeequResults() {
    Step first = first();
    assertThat(first.exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = first.run();
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    String firstRunId = first.runId();

    // exactly the bad rows are quarantined, with exactly the expected rules; good rows are curated
    assertThat(eventIds(main(spark, first, "curated.visits")))
        .isEqualTo(goodIds(fixture.expectedVisits));
    assertThat(eventIds(main(spark, first, "curated.vitals")))
        .isEqualTo(goodIds(fixture.expectedVitals));
    assertThat(quarantined(main(spark, first, "quarantine.visits")))
        .isEqualTo(badIds(fixture.expectedVisits));
    assertThat(quarantined(main(spark, first, "quarantine.vitals")))
        .isEqualTo(badIds(fixture.expectedVitals));

    // curated + quarantine = raw for the interval (at the snapshot the run read); rows outside it
    // are not touched
    Map<String, Long> inputs = TestSpark.longMap(run, "input_snapshots");
    for (String t : List.of("visits", "vitals")) {
      long raw = at(spark, "raw." + t, inputs.get("raw." + t)).filter(INTERVAL).count();
      long curated = main(spark, first, "curated." + t).count();
      long quarantine = main(spark, first, "quarantine." + t).count();
      assertThat(curated + quarantine).as(t).isEqualTo(raw);
      assertThat(main(spark, first, "curated." + t).filter("NOT (" + INTERVAL + ")").count())
          .isZero();
      assertThat(main(spark, first, "curated." + t)
          .filter("governance_run_id <> '" + firstRunId + "'").count()).isZero();
    }

    // the contract schemas: raw columns + governance_run_id / + failed_rules, reasons, run id
    List<String> rawVisitColumns = TableSchemas.RAW_VISITS.columns().stream()
        .map(f -> f.name()).toList();
    List<String> curatedColumns = new ArrayList<>(rawVisitColumns);
    curatedColumns.add("governance_run_id");
    assertThat(spark.table(C + ".curated.visits").columns()).containsExactlyElementsOf(curatedColumns);
    List<String> quarantineColumns = new ArrayList<>(rawVisitColumns);
    quarantineColumns.addAll(List.of("failed_rules", "reasons", "governance_run_id"));
    assertThat(spark.table(C + ".quarantine.visits").columns())
        .containsExactlyElementsOf(quarantineColumns);

    // reasons say what failed, and never carry the resident id itself
    for (Row r : main(spark, first, "quarantine.visits").collectAsList()) {
      List<String> reasons = r.getList(r.fieldIndex("reasons"));
      assertThat(reasons).hasSize(1);
      assertThat(reasons.get(0)).startsWith(RawFixture.RESIDENT_ID_RULE + ": ")
          .doesNotContain(r.<String>getAs("resident_id"));
      assertThat(r.<String>getAs("governance_run_id")).isEqualTo(firstRunId);
    }
    Row mgdl = main(spark, first, "quarantine.vitals").filter("event_id = 's33'").head();
    assertThat(mgdl.<String>getList(mgdl.fieldIndex("reasons")).get(0))
        .contains("mg/dL").contains("mmol/L");
    Row sbp = main(spark, first, "quarantine.vitals").filter("event_id = 's29'").head();
    assertThat(sbp.<String>getList(sbp.fieldIndex("reasons")).get(0))
        .contains("400").contains("[50, 300]");

    // one check result per rule per table, measured by Deequ
    Map<String, Row> checks = checkResults(spark, firstRunId);
    assertThat(checks).hasSize(14 + 13 + 2);
    // the medical check pack's newer rules on the fixture (one patient's 28 good readings: its
    // BMIs do not follow from the same day's mean weight and height, a warn rule)
    Row bmi = checks.get("vitals-bmi-consistent");
    assertThat(bmi.<String>getAs("status")).isEqualTo("WARN");
    assertThat(bmi.<Long>getAs("rows_failed")).isEqualTo(4L);
    assertThat(checks.get("visits-diagnoses-icd10-exist").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.get("vitals-patient-has-visit").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.get("vitals-timeliness").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.get("vitals-sbp-mean-history").<String>getAs("status"))
        .isEqualTo("NOT_APPLICABLE");
    Row residentId = checks.get(RawFixture.RESIDENT_ID_RULE);
    assertThat(residentId.<String>getAs("status")).isEqualTo("WARN");   // 2 of 22 > 5 %
    assertThat(residentId.<String>getAs("severity")).isEqualTo("quarantine");
    assertThat(residentId.<String>getAs("spec")).isEqualTo("visits-core");
    assertThat(residentId.<String>getAs("spec_version")).isEqualTo("3");
    assertThat(residentId.<String>getAs("dimension")).isEqualTo("accuracy");
    assertThat(residentId.<String>getAs("indicator")).isEqualTo("format_compliance");
    assertThat(residentId.<String>getAs("rationale")).startsWith("a GB 11643 id with a wrong");
    assertThat(residentId.<String>getAs("table")).isEqualTo("raw.visits");
    assertThat(residentId.<Long>getAs("rows_checked")).isEqualTo(22L);
    assertThat(residentId.<Long>getAs("rows_failed")).isEqualTo(2L);
    assertThat(residentId.<Double>getAs("metric_value")).isCloseTo(20.0 / 22, within(1e-9));
    assertThat(residentId.<String>getAs("constraint")).contains("Compliance");
    assertThat(residentId.<String>getAs("clause")).startsWith("GB 11643-1999");
    assertThat(residentId.<Long>getAs("max_failures")).isNull();
    // first run of the spec: its failures are new, passing rules have no change
    assertThat(residentId.<String>getAs("change")).isEqualTo("NEW");
    assertThat(residentId.<Object>getAs("checked_at")).isNotNull();
    assertThat(checks.get("visits-required-present").<String>getAs("change")).isNull();
    assertThat(checks.get(RawFixture.RANGE_RULE).<Long>getAs("rows_failed")).isEqualTo(4L);
    assertThat(checks.get(RawFixture.RANGE_RULE).<Long>getAs("rows_checked")).isEqualTo(34L);
    assertThat(checks.get(RawFixture.UNIT_RULE).<Long>getAs("rows_failed")).isEqualTo(2L);
    Row unique = checks.get("vitals-event-id-unique");
    assertThat(unique.<String>getAs("status")).isEqualTo("PASS");
    assertThat(unique.<String>getAs("severity")).isEqualTo("block");
    assertThat(unique.<Double>getAs("metric_value")).isEqualTo(1.0);
    assertThat(unique.<String>getAs("constraint")).contains("Compliance").contains("occurrences");
    assertThat(checks.get("visits-required-present").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.get("vitals-home-device-id").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.values()).filteredOn(r -> !isSizeAnomaly(r)
        && !r.<String>getAs("rule_type").equals("distribution_history"))
        .allSatisfy(r -> assertThat(r.<String>getAs("status")).isIn("PASS", "WARN"));
    // no history yet: the size anomaly check has nothing to compare with
    Row visitsSize = checks.get("visits-size-rate-of-change");
    assertThat(visitsSize.<String>getAs("status")).isEqualTo("NOT_APPLICABLE");
    assertThat(visitsSize.<String>getAs("severity")).isEqualTo("warn");
    assertThat(visitsSize.<String>getAs("rule_type")).isEqualTo("size_rate_of_change");
    assertThat(checks.get("vitals-size-rate-of-change").<String>getAs("table"))
        .isEqualTo("raw.vitals");

    // every Deequ metric of the run is kept in governance.metrics
    Map<String, Double> metrics = new HashMap<>();
    for (Row m : spark.sql("SELECT * FROM " + C + ".governance.metrics WHERE run_id = '"
        + firstRunId + "'").collectAsList()) {
      metrics.put(m.<String>getAs("table") + "/" + m.<String>getAs("entity") + "/"
          + m.<String>getAs("name") + "/" + m.<String>getAs("instance"), m.getAs("value"));
      assertThat(m.<String>getAs("spec_hash")).isEqualTo(run.<String>getAs("spec_hash"));
    }
    // history rules keep their value under entity Rule, instance = rule id (mean SBP of s01-s04
    // in mm[Hg]: (88 + 120 + 205 + 150.5) / 4, plus s29's 400 -> 192.7)
    assertThat(metrics).containsEntry("raw.vitals/Rule/Mean/vitals-sbp-mean-history", 192.7)
        .containsEntry("raw.visits/Rule/Completeness/visits-birth-date-completeness-history", 1.0);
    assertThat(metrics).containsEntry("raw.visits/Dataset/Size/*", 22.0)
        .containsEntry("raw.vitals/Dataset/Size/*", 34.0);
    assertThat(metrics.entrySet()).filteredOn(e -> e.getKey().startsWith("raw.visits/")
        && e.getKey().contains("/Compliance/")).extracting(Map.Entry::getValue)
        .contains(20.0 / 22);

    // write-audit-publish: main holds the published rows, the audit branch is gone
    for (String t : PUBLISHED) {
      assertThat(first.refs().get(t)).as(t).containsOnlyKeys("main");
    }
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsAllEntriesOf(first.main())
        .containsKey("governance.metrics");

    // the ledger: rows in = out + set aside, per-rule counts, pinned inputs and outputs
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(22L + 34L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(20L + 28L);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(2L + 6L);
    Map<String, Long> counts = TestSpark.longMap(run, "counts");
    assertThat(counts).containsEntry("quarantined." + RawFixture.RESIDENT_ID_RULE, 2L)
        .containsEntry("quarantined." + RawFixture.RANGE_RULE, 4L)
        .containsEntry("quarantined." + RawFixture.UNIT_RULE, 2L)
        .containsEntry("failed." + RawFixture.RANGE_RULE, 4L)
        .containsEntry("curated.vitals.rows", 28L).containsEntry("quarantine.visits.rows", 2L)
        .containsEntry("raw.visits.rows", 22L).containsEntry("checks.WARN", 4L)
        .containsEntry("changes.NEW", 4L).doesNotContainKeys("changes.PERSISTING");
    assertThat(TestSpark.longMap(run, "input_snapshots")).containsKeys("raw.visits", "raw.vitals");
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsKeys("curated.visits",
        "curated.vitals", "quarantine.visits", "quarantine.vitals", "governance.check_results");
    assertThat(run.<String>getAs("spec_hash")).hasSize(64);
  }

  @Test
  void aRerunReplacesTheSliceInsteadOfDuplicatingIt() {
    Step first = first();
    Step rerun = rerun();
    assertThat(rerun.exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = rerun.run();
    String firstRunId = first.runId();
    String secondRunId = rerun.runId();
    assertThat(secondRunId).isNotEqualTo(firstRunId);

    assertThat(main(spark, rerun, "curated.visits").count()).isEqualTo(20L);
    assertThat(main(spark, rerun, "curated.vitals").count()).isEqualTo(28L);
    assertThat(quarantined(main(spark, rerun, "quarantine.visits")))
        .isEqualTo(badIds(fixture.expectedVisits));
    assertThat(quarantined(main(spark, rerun, "quarantine.vitals")))
        .isEqualTo(badIds(fixture.expectedVitals));
    for (String t : PUBLISHED) {
      assertThat(main(spark, rerun, t).filter("governance_run_id = '" + secondRunId + "'")
          .count()).as(t).isEqualTo(main(spark, rerun, t).count());
    }
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(56L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(48L);
    // check results are history: both runs keep their rows
    assertThat(checkResults(spark, firstRunId)).hasSize(29);
    Map<String, Row> second = checkResults(spark, secondRunId);
    assertThat(second).hasSize(29);
    // the same row count as the run before: no anomaly
    assertThat(second.get("visits-size-rate-of-change").<String>getAs("status")).isEqualTo("PASS");
    assertThat(second.get("visits-size-rate-of-change").<Double>getAs("metric_value"))
        .isEqualTo(1.0);
    assertThat(second.get(RawFixture.RESIDENT_ID_RULE).<String>getAs("change"))
        .isEqualTo("PERSISTING");
    // the history rules now have a previous run with the same values
    assertThat(second.get("vitals-sbp-mean-history").<String>getAs("status")).isEqualTo("PASS");
    assertThat(second.get("visits-birth-date-completeness-history").<String>getAs("status"))
        .isEqualTo("PASS");
    assertThat(TestSpark.longMap(run, "counts")).containsEntry("changes.PERSISTING", 4L)
        .doesNotContainKeys("changes.NEW", "changes.RESOLVED");

    // published by fast-forward: main moved to a snapshot whose ancestry holds the previous main
    for (String t : PUBLISHED) {
      assertThat(rerun.main().get(t)).as(t).isNotEqualTo(first.main().get(t));
      assertThat(org.apache.iceberg.util.SnapshotUtil.isAncestorOf(iceberg(spark, t),
          rerun.main().get(t), first.main().get(t))).as(t).isTrue();
      assertThat(rerun.refs().get(t)).as(t).containsOnlyKeys("main");
    }
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsAllEntriesOf(rerun.main());
  }

  @Test
  void aFailingBlockingRuleBlocksTheRunAndPublishesNothing() {
    Step before = rerun();
    Step blocked = blocked();
    assertThat(blocked.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = blocked.run();
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    String branch = AuditBranch.nameFor(run.getAs("run_id"));
    assertThat(run.<String>getAs("message")).contains("vitals-event-id-unique")
        .contains("governance.check_results").contains(branch);

    // main did not move; the audit branch is kept with what would have been published
    assertThat(blocked.main()).isEqualTo(before.main());
    assertThat(TestSpark.longMap(run, "output_snapshots")).doesNotContainKeys(
        PUBLISHED.toArray(String[]::new));
    assertThat(blocked.refs().get("curated.vitals")).containsOnlyKeys("main", branch);
    assertThat(at(spark, "curated.vitals", blocked.refs().get("curated.vitals").get(branch)
        .snapshotId()).filter(INTERVAL).count()).isEqualTo(27L);
    assertThat(at(spark, "quarantine.vitals", blocked.refs().get("quarantine.vitals").get(branch)
        .snapshotId()).filter(INTERVAL).filter("array_contains(failed_rules, 'vitals-event-id-unique')")
        .count()).isEqualTo(2L);

    // curated and quarantine are exactly what the previous run published
    assertThat(main(spark, blocked, "curated.vitals").count()).isEqualTo(28L);
    assertThat(main(spark, blocked, "curated.vitals").select("governance_run_id").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()))
        .containsExactly(before.runId());
    assertThat(main(spark, blocked, "quarantine.vitals").count()).isEqualTo(6L);

    // the blocked run's verdicts are recorded
    Map<String, Row> checks = checkResults(spark, run.getAs("run_id"));
    assertThat(checks).hasSize(29);
    Row unique = checks.get("vitals-event-id-unique");
    assertThat(unique.<String>getAs("status")).isEqualTo("FAIL");
    assertThat(unique.<Long>getAs("rows_failed")).isEqualTo(2L);
    assertThat(unique.<Long>getAs("rows_checked")).isEqualTo(35L);
    assertThat(unique.<String>getAs("change")).isEqualTo("NEW");
    assertThat(checks.get("visits-event-id-unique").<String>getAs("status")).isEqualTo("PASS");
  }

  @Test
  void anEmptyIntervalSucceedsWithNotApplicableChecksAndTouchesNoOtherDay() {
    Step empty = emptyInterval();
    assertThat(empty.exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = empty.run();
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isZero();
    assertThat(run.<Long>getAs("rows_out")).isZero();
    Map<String, Row> checks = checkResults(spark, run.getAs("run_id"));
    assertThat(checks).hasSize(29);
    assertThat(checks.values()).filteredOn(r -> !isSizeAnomaly(r)).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).isEqualTo("NOT_APPLICABLE");
      assertThat(r.<Long>getAs("rows_checked")).isZero();
    });
    // 0 rows after 22: Deequ's rate-of-change strategy flags the drop (warn: the run goes on)
    Row drop = checks.get("visits-size-rate-of-change");
    assertThat(drop.<String>getAs("status")).isEqualTo("WARN");
    assertThat(drop.<String>getAs("message")).contains("0 rows vs 22 in the previous run");
    assertThat(drop.<String>getAs("change")).isEqualTo("NEW");
    // nothing measured fails now: the previous run's failures are resolved
    assertThat(checks.get(RawFixture.RESIDENT_ID_RULE).<String>getAs("change"))
        .isEqualTo("RESOLVED");
    assertThat(checks.get("vitals-event-id-unique").<String>getAs("change"))
        .isEqualTo("RESOLVED");
    // March's published slice is untouched by a January run
    assertThat(main(spark, empty, "curated.vitals").count()).isEqualTo(28L);
    assertThat(main(spark, empty, "curated.visits").count()).isEqualTo(20L);
  }

  @Test
  void aRowCountJumpAgainstThePreviousRunIsReportedAsASizeAnomaly() {
    Step jump = jump();
    // a small day first: 1 visit and 1 vital on 2025-03-03
    assertThat(smallDay.exit()).isEqualTo(JobMain.EXIT_OK);
    assertThat(jump.exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = jump.run();
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    Map<String, Row> checks = checkResults(spark, run.getAs("run_id"));
    Row visits = checks.get("visits-size-rate-of-change");
    assertThat(visits.<String>getAs("status")).isEqualTo("WARN");
    assertThat(visits.<Double>getAs("metric_value")).isEqualTo(5.0);
    assertThat(visits.<String>getAs("message")).contains("5 rows vs 1 in the previous run");
    assertThat(visits.<Long>getAs("rows_checked")).isEqualTo(5L);
    assertThat(visits.<Long>getAs("numerator")).isEqualTo(5L);
    assertThat(visits.<Long>getAs("denominator")).isEqualTo(5L);
    Row vitals = checks.get("vitals-size-rate-of-change");
    assertThat(vitals.<String>getAs("status")).isEqualTo("PASS");
    // the distribution_history rule read its own history from governance.metrics and fired
    Row sbp = checks.get("vitals-sbp-mean-history");
    assertThat(sbp.<String>getAs("status")).isEqualTo("WARN");
    assertThat(sbp.<Double>getAs("metric_value")).isEqualTo(250.0);
    assertThat(sbp.<String>getAs("message")).contains("vs 400.0000 in the previous run")
        .contains("x0.625");
    assertThat(sbp.<Long>getAs("rows_failed")).isEqualTo(2L);
    // the first run of 2025-03-03 (mean 400 after March's 192.7) had warned already
    assertThat(sbp.<String>getAs("change")).isEqualTo("PERSISTING");
    assertThat(spark.sql("SELECT value FROM " + C + ".governance.metrics WHERE entity = 'Rule'"
        + " AND instance = 'vitals-sbp-mean-history' AND value IS NOT NULL ORDER BY computed_at").collectAsList()
        .stream().map(r -> r.getDouble(0)).toList()).endsWith(400.0, 250.0);
    // a warning publishes: the new visits are on main
    assertThat(main(spark, jump, "curated.visits").filter("event_id LIKE 'j%'").count())
        .isEqualTo(4L);
    // the history the check read: one Size per run of raw.visits, oldest first
    List<Double> sizes = spark.sql("SELECT value FROM " + C + ".governance.metrics WHERE"
        + " `table` = 'raw.visits' AND name = 'Size' ORDER BY computed_at").collectAsList()
        .stream().map(r -> r.getDouble(0)).toList();
    assertThat(sizes).containsExactly(22.0, 22.0, 22.0, 0.0, 1.0, 5.0);
  }

  /**
   * The jump the last step governs: 4 more visits land on 2025-03-03 (5x the previous run's one),
   * and a second SBP of 100 joins the day's only one, 400 (s90): the mean falls to 250.
   */
  static void injectJump(SparkSession spark) {
    List<String> cols = List.of(spark.table(C + ".raw.visits").columns());
    spark.table(C + ".raw.visits").filter("event_id = 'v90'")
        .crossJoin(spark.range(4).withColumnRenamed("id", "__n"))
        .withColumn("event_id", org.apache.spark.sql.functions.concat(
            org.apache.spark.sql.functions.lit("j"), org.apache.spark.sql.functions.col("__n")))
        .withColumn("event_time", org.apache.spark.sql.functions.expr(
            "TIMESTAMP '2025-03-03 06:00:00'"))
        .selectExpr(cols.stream().map(c -> "`" + c + "`").toArray(String[]::new))
        .createOrReplaceTempView("jump");
    spark.sql("INSERT INTO " + C + ".raw.visits SELECT * FROM jump");
    // and a jump of the mean SBP: the day's only SBP was 400 (s90); one of 100 joins it (mean 250)
    List<String> vitalCols = List.of(spark.table(C + ".raw.vitals").columns());
    spark.table(C + ".raw.vitals").filter("event_id = 's90'")
        .withColumn("event_id", org.apache.spark.sql.functions.lit("k0"))
        .withColumn("value", org.apache.spark.sql.functions.lit(100.0))
        .selectExpr(vitalCols.stream().map(c -> "`" + c + "`").toArray(String[]::new))
        .createOrReplaceTempView("sbp_jump");
    spark.sql("INSERT INTO " + C + ".raw.vitals SELECT * FROM sbp_jump");
  }
}
