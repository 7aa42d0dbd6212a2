package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * govern with specs from {@code --spec-dir} on a fresh home: a spec error fails the run with the
 * file and line; a blocking rule above its threshold on the first run blocks it (exit 3) with
 * nothing published to curated or quarantine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestGovernBlocked {

  @TempDir static Path home;
  @TempDir static Path specs;
  static CarelakeConfig cfg;

  @BeforeAll
  static void createRaw() throws Exception {
    cfg = CarelakeConfig.load(home, Map.of());
    RawFixture.standard().create(cfg, TestSpark.open(cfg));
    Files.writeString(specs.resolve("visits.yaml"), builtIn("visits.yaml"));
  }

  @AfterAll
  static void stopSpark() {
    TestSpark.stop();
  }

  static String builtIn(String name) throws Exception {
    try (InputStream in = TestGovernBlocked.class.getClassLoader()
        .getResourceAsStream("carelake/specs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static int govern(String... more) {
    TestSpark.open(cfg);
    List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--spec-dir",
        specs.toString(), "--interval-start", RawFixture.START, "--interval-end", RawFixture.END));
    args.addAll(List.of(more));
    return JobMain.run(new GovernJob(), args.toArray(String[]::new));
  }

  static java.util.Set<String> auditBranches(SparkSession spark, String table) {
    org.apache.iceberg.Table iceberg = org.apache.iceberg.spark.Spark3Util
        .loadIcebergCatalog(spark, "carelake")
        .loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(table));
    java.util.Set<String> names = new java.util.TreeSet<>(iceberg.refs().keySet());
    names.remove("main");
    return names;
  }

  @Test
  @Order(1)
  void aSpecErrorFailsTheRunWithFileAndLine() throws Exception {
    String broken = builtIn("vitals.yaml").replace("type: range_by_code", "type: range_by_cod");
    Files.writeString(specs.resolve("vitals.yaml"), broken);
    int line = broken.lines().toList().indexOf("    type: range_by_cod") + 1;

    assertThat(govern()).isEqualTo(JobMain.EXIT_FAILED);
    SparkSession spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(run.<String>getAs("message"))
        .contains("vitals.yaml:" + line + ": rule 'vitals-value-plausible': unknown rule type"
            + " 'range_by_cod'")
        .contains("range_by_code");
    assertThat(spark.catalog().tableExists("carelake.curated.vitals")).isFalse();
  }

  @Test
  @Order(2)
  void aBlockingRuleAboveItsThresholdBlocksTheFirstRunAndPublishesNothing() throws Exception {
    // the same rules, but impossible values now block the run instead of being quarantined
    String strict = builtIn("vitals.yaml").replace("version: \"3\"", "version: \"3-strict\"");
    int at = strict.indexOf("id: vitals-value-plausible");
    int severity = strict.indexOf("severity: quarantine", at);
    strict = strict.substring(0, severity) + "severity: block" + strict.substring(severity
        + "severity: quarantine".length()).replaceFirst("threshold: 0.05", "threshold: 0.0");
    Files.writeString(specs.resolve("vitals.yaml"), strict);

    assertThat(govern()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("vitals-value-plausible FAIL")
        .contains("4 of 34 rows fail");
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsOnlyKeys(
        "governance.check_results", "governance.metrics");

    // first-ever run: the tables were created empty on main, the rows staged on the audit
    // branch, and main never moved to it
    String branch = AuditBranch.nameFor(run.getAs("run_id"));
    for (String t : new String[] {"curated.visits", "curated.vitals", "quarantine.visits",
        "quarantine.vitals"}) {
      String table = "carelake." + t;
      assertThat(spark.table(table).count()).as(t + " main is empty").isZero();
      org.apache.iceberg.Table iceberg = org.apache.iceberg.spark.Spark3Util
          .loadIcebergCatalog(spark, "carelake")
          .loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(t));
      assertThat(iceberg.refs()).as(t).containsOnlyKeys("main", branch);
      assertThat(iceberg.snapshot(iceberg.refs().get("main").snapshotId()).addedDataFiles(
          iceberg.io())).as(t + " main is the empty creation commit").isEmpty();
    }
    assertThat(spark.table("carelake.curated.vitals.branch_" + branch).count()
        + spark.table("carelake.quarantine.vitals.branch_" + branch).count()).isEqualTo(34L);

    Map<String, Row> checks = new HashMap<>();
    spark.sql("SELECT * FROM carelake.governance.check_results WHERE run_id = '"
        + run.<String>getAs("run_id") + "'").collectAsList()
        .forEach(r -> checks.put(r.getAs("rule"), r));
    assertThat(checks).hasSize(29);
    Row range = checks.get("vitals-value-plausible");
    assertThat(range.<String>getAs("status")).isEqualTo("FAIL");
    assertThat(range.<String>getAs("severity")).isEqualTo("block");
    assertThat(range.<String>getAs("spec_version")).isEqualTo("3-strict");
    assertThat(range.<Long>getAs("rows_failed")).isEqualTo(4L);
    assertThat(range.<Long>getAs("numerator")).isEqualTo(4L);
    assertThat(range.<Long>getAs("denominator")).isEqualTo(34L);
    assertThat(checks.get("visits-resident-id-check-digit").<String>getAs("spec_version"))
        .isEqualTo("2");
  }

  @Test
  @Order(3)
  void branchesOfBlockedRunsAreKeptForTheRetentionThenDroppedByALaterRun() throws Exception {
    SparkSession spark = TestSpark.open(cfg);
    java.util.Set<String> before = auditBranches(spark, "curated.vitals");
    assertThat(before).hasSize(1); // the blocked run of the previous test

    // blocked again (the strict spec is still in place): the first branch is younger than the
    // default retention (7 days), so both are kept, each with Iceberg's max-ref-age
    assertThat(govern()).isEqualTo(JobMain.EXIT_BLOCKED);
    spark = TestSpark.open(cfg);
    java.util.Set<String> two = auditBranches(spark, "curated.vitals");
    assertThat(two).hasSize(2).containsAll(before);
    org.apache.iceberg.Table vitals = org.apache.iceberg.spark.Spark3Util
        .loadIcebergCatalog(spark, "carelake")
        .loadTable(org.apache.iceberg.catalog.TableIdentifier.parse("curated.vitals"));
    assertThat(vitals.refs().get(before.iterator().next()).maxRefAgeMs())
        .isEqualTo(java.time.Duration.ofDays(7).toMillis());

    // a run with a retention of zero drops every earlier audit branch before forking its own
    assertThat(govern("--keep-blocked-branches", "PT0S")).isEqualTo(JobMain.EXIT_BLOCKED);
    spark = TestSpark.open(cfg);
    Row run = TestSpark.latestRun(spark, "govern");
    String own = AuditBranch.nameFor(run.getAs("run_id"));
    for (String t : new String[] {"curated.visits", "curated.vitals", "quarantine.visits",
        "quarantine.vitals"}) {
      assertThat(auditBranches(spark, t)).as(t).containsExactly(own);
    }
    assertThat(TestSpark.longMap(run, "counts")).containsEntry("audit.branches_dropped", 8L);

    assertThat(govern("--keep-blocked-branches", "-PT1H")).isEqualTo(JobMain.EXIT_USAGE);
  }
}
