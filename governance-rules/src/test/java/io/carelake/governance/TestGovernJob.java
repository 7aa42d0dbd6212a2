package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableSchemas;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * govern end to end through JobMain (exit code, ledger) on real Spark local[2], a real Iceberg JDBC
 * catalog on SQLite in a temp home, and real Deequ, over {@link RawFixture#standard()}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestGovernJob {

  static final String C = "carelake";
  static final String INTERVAL = "event_time >= TIMESTAMP '2025-03-01 00:00:00'"
      + " AND event_time < TIMESTAMP '2025-03-03 00:00:00'";

  @TempDir static Path home;
  static CarelakeConfig cfg;
  static RawFixture fixture;
  static String firstRunId;

  @BeforeAll
  static void createRaw() {
    cfg = CarelakeConfig.load(home, Map.of());
    fixture = RawFixture.standard();
    fixture.create(cfg, TestSpark.open(cfg));
  }

  @AfterAll
  static void stopSpark() {
    TestSpark.stop();
  }

  static int govern() {
    return governInterval(RawFixture.START, RawFixture.END);
  }

  static int governInterval(String start, String end) {
    TestSpark.open(cfg);
    return JobMain.run(new GovernJob(), new String[] {"--verbose", "--home", home.toString(),
        "--interval-start", start, "--interval-end", end});
  }

  /** event_id -> failed_rules of a quarantine table. */
  static Map<String, List<String>> quarantined(SparkSession spark, String table) {
    Map<String, List<String>> out = new HashMap<>();
    for (Row r : spark.table(C + "." + table).collectAsList()) {
      out.put(r.getAs("event_id"), r.getList(r.fieldIndex("failed_rules")));
    }
    return out;
  }

  static Set<String> eventIds(SparkSession spark, String table) {
    return spark.table(C + "." + table).select("event_id").collectAsList().stream()
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
  @Order(1)
  void splitsRawIntoCuratedAndQuarantineAndRecordsDeequResults() {
    assertThat(govern()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    firstRunId = run.getAs("run_id");

    // exactly the bad rows are quarantined, with exactly the expected rules; good rows are curated
    assertThat(eventIds(spark, "curated.visits")).isEqualTo(goodIds(fixture.expectedVisits));
    assertThat(eventIds(spark, "curated.vitals")).isEqualTo(goodIds(fixture.expectedVitals));
    assertThat(quarantined(spark, "quarantine.visits")).isEqualTo(badIds(fixture.expectedVisits));
    assertThat(quarantined(spark, "quarantine.vitals")).isEqualTo(badIds(fixture.expectedVitals));

    // curated + quarantine = raw for the interval; rows outside it are not touched
    for (String t : List.of("visits", "vitals")) {
      long raw = spark.table(C + ".raw." + t).filter(INTERVAL).count();
      long curated = spark.table(C + ".curated." + t).count();
      long quarantine = spark.table(C + ".quarantine." + t).count();
      assertThat(curated + quarantine).as(t).isEqualTo(raw);
      assertThat(spark.table(C + ".curated." + t).filter("NOT (" + INTERVAL + ")").count()).isZero();
      assertThat(spark.table(C + ".curated." + t)
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
    for (Row r : spark.table(C + ".quarantine.visits").collectAsList()) {
      List<String> reasons = r.getList(r.fieldIndex("reasons"));
      assertThat(reasons).hasSize(1);
      assertThat(reasons.get(0)).startsWith(RawFixture.RESIDENT_ID_RULE + ": ")
          .doesNotContain(r.<String>getAs("resident_id"));
      assertThat(r.<String>getAs("governance_run_id")).isEqualTo(firstRunId);
    }
    Row mgdl = spark.table(C + ".quarantine.vitals").filter("event_id = 's33'").head();
    assertThat(mgdl.<String>getList(mgdl.fieldIndex("reasons")).get(0))
        .contains("mg/dL").contains("mmol/L");
    Row sbp = spark.table(C + ".quarantine.vitals").filter("event_id = 's29'").head();
    assertThat(sbp.<String>getList(sbp.fieldIndex("reasons")).get(0))
        .contains("400").contains("[50, 300]");

    // one check result per rule per table, measured by Deequ
    Map<String, Row> checks = checkResults(spark, firstRunId);
    assertThat(checks).hasSize(9 + 8);
    Row residentId = checks.get(RawFixture.RESIDENT_ID_RULE);
    assertThat(residentId.<String>getAs("status")).isEqualTo("WARN");   // 2 of 22 > 5 %
    assertThat(residentId.<String>getAs("severity")).isEqualTo("quarantine");
    assertThat(residentId.<String>getAs("spec")).isEqualTo("visits-core");
    assertThat(residentId.<String>getAs("spec_version")).isEqualTo("1");
    assertThat(residentId.<String>getAs("table")).isEqualTo("raw.visits");
    assertThat(residentId.<Long>getAs("rows_checked")).isEqualTo(22L);
    assertThat(residentId.<Long>getAs("rows_failed")).isEqualTo(2L);
    assertThat(residentId.<Double>getAs("metric_value")).isCloseTo(20.0 / 22, within(1e-9));
    assertThat(residentId.<String>getAs("constraint")).contains("Compliance");
    assertThat(checks.get(RawFixture.RANGE_RULE).<Long>getAs("rows_failed")).isEqualTo(4L);
    assertThat(checks.get(RawFixture.RANGE_RULE).<Long>getAs("rows_checked")).isEqualTo(34L);
    assertThat(checks.get(RawFixture.UNIT_RULE).<Long>getAs("rows_failed")).isEqualTo(2L);
    Row unique = checks.get("vitals-event-id-unique");
    assertThat(unique.<String>getAs("status")).isEqualTo("PASS");
    assertThat(unique.<String>getAs("severity")).isEqualTo("block");
    assertThat(unique.<Double>getAs("metric_value")).isEqualTo(1.0);
    assertThat(unique.<String>getAs("constraint")).contains("Uniqueness");
    assertThat(checks.get("visits-required-present").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.get("vitals-home-device-id").<String>getAs("status")).isEqualTo("PASS");
    assertThat(checks.values()).allSatisfy(r -> assertThat(r.<String>getAs("status"))
        .isIn("PASS", "WARN"));

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
        .containsEntry("raw.visits.rows", 22L).containsEntry("checks.WARN", 3L);
    assertThat(TestSpark.longMap(run, "input_snapshots")).containsKeys("raw.visits", "raw.vitals");
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsKeys("curated.visits",
        "curated.vitals", "quarantine.visits", "quarantine.vitals", "governance.check_results");
    assertThat(run.<String>getAs("spec_hash")).hasSize(64);
  }

  @Test
  @Order(2)
  void aRerunReplacesTheSliceInsteadOfDuplicatingIt() {
    assertThat(govern()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    String secondRunId = run.getAs("run_id");
    assertThat(secondRunId).isNotEqualTo(firstRunId);

    assertThat(spark.table(C + ".curated.visits").count()).isEqualTo(20L);
    assertThat(spark.table(C + ".curated.vitals").count()).isEqualTo(28L);
    assertThat(quarantined(spark, "quarantine.visits")).isEqualTo(badIds(fixture.expectedVisits));
    assertThat(quarantined(spark, "quarantine.vitals")).isEqualTo(badIds(fixture.expectedVitals));
    for (String t : List.of("curated.visits", "curated.vitals", "quarantine.visits",
        "quarantine.vitals")) {
      assertThat(spark.table(C + "." + t).filter("governance_run_id = '" + secondRunId + "'")
          .count()).as(t).isEqualTo(spark.table(C + "." + t).count());
    }
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(56L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(48L);
    // check results are history: both runs keep their rows
    assertThat(checkResults(spark, firstRunId)).hasSize(17);
    assertThat(checkResults(spark, secondRunId)).hasSize(17);
  }

  @Test
  @Order(3)
  void aFailingBlockingRuleBlocksTheRunAndPublishesNothing() {
    SparkSession spark = TestSpark.open(cfg);
    Set<String> curatedBefore = new HashSet<>(spark.table(C + ".curated.vitals")
        .select("governance_run_id").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).toList());
    // a redelivered measurement that ingestion failed to deduplicate
    spark.sql("INSERT INTO " + C + ".raw.vitals SELECT * FROM " + C
        + ".raw.vitals WHERE event_id = 's01'");

    assertThat(govern()).isEqualTo(JobMain.EXIT_BLOCKED);
    spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("vitals-event-id-unique")
        .contains("governance.check_results");

    // curated and quarantine are exactly what the previous run published
    assertThat(spark.table(C + ".curated.vitals").count()).isEqualTo(28L);
    assertThat(spark.table(C + ".curated.vitals").select("governance_run_id").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()))
        .isEqualTo(curatedBefore);
    assertThat(spark.table(C + ".quarantine.vitals").count()).isEqualTo(6L);

    // the blocked run's verdicts are recorded
    Map<String, Row> checks = checkResults(spark, run.getAs("run_id"));
    assertThat(checks).hasSize(17);
    Row unique = checks.get("vitals-event-id-unique");
    assertThat(unique.<String>getAs("status")).isEqualTo("FAIL");
    assertThat(unique.<Long>getAs("rows_failed")).isEqualTo(2L);
    assertThat(unique.<Long>getAs("rows_checked")).isEqualTo(35L);
    assertThat(checks.get("visits-event-id-unique").<String>getAs("status")).isEqualTo("PASS");
  }

  @Test
  @Order(4)
  void anEmptyIntervalSucceedsWithNotApplicableChecksAndTouchesNoOtherDay() {
    assertThat(governInterval("2025-01-01", "2025-01-02")).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isZero();
    assertThat(run.<Long>getAs("rows_out")).isZero();
    Map<String, Row> checks = checkResults(spark, run.getAs("run_id"));
    assertThat(checks).hasSize(17);
    assertThat(checks.values()).allSatisfy(r -> {
      assertThat(r.<String>getAs("status")).isEqualTo("NOT_APPLICABLE");
      assertThat(r.<Long>getAs("rows_checked")).isZero();
    });
    // March's published slice is untouched by a January run
    assertThat(spark.table(C + ".curated.vitals").count()).isEqualTo(28L);
    assertThat(spark.table(C + ".curated.visits").count()).isEqualTo(20L);
  }
}
