package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.SnapshotRef;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * govern with specs from {@code --spec-dir}: a spec error fails the run with the file and line
 * (in a home of its own); on a fresh home, a blocking rule above its threshold on the first run
 * blocks it (exit 3) with nothing published to curated or quarantine, and later runs keep or drop
 * the audit branches of blocked runs. The blocked runs are {@link Step}s: each runs once, when a
 * test first needs it, and records what it left before any test asserts, so the tests do not
 * depend on one another's order or success.
 */
class TestGovernBlocked {

  @TempDir static Path home;
  @TempDir static Path specs;
  static CarelakeConfig cfg;
  static final List<String> PUBLISHED = TestSpark.PUBLISHED;

  /** A run and what it left: each published table's refs by name. */
  record Step(int exit, Row run, Map<String, Map<String, SnapshotRef>> refs) {
    long snapshot(String table, String ref) {
      return refs.get(table).get(ref).snapshotId();
    }
  }

  static Step firstBlocked;
  static Step blockedAgain;
  static Step dropAll;

  @BeforeAll
  static void createRaw() throws Exception {
    cfg = CarelakeConfig.load(home, Map.of());
    RawFixture.standard().create(cfg, LocalSpark.open(cfg));
    // the same rules, but impossible values now block the run instead of being quarantined
    String strict = builtIn("vitals.yaml").replace("version: \"3\"", "version: \"3-strict\"");
    int at = strict.indexOf("id: vitals-value-plausible");
    int severity = strict.indexOf("severity: quarantine", at);
    strict = strict.substring(0, severity) + "severity: block" + strict.substring(severity
        + "severity: quarantine".length()).replaceFirst("threshold: 0.05", "threshold: 0.0");
    Files.writeString(specs.resolve("vitals.yaml"), strict);
    Files.writeString(specs.resolve("visits.yaml"), builtIn("visits.yaml"));
  }

  static Step step(String... more) {
    int exit = govern(more);
    SparkSession spark = LocalSpark.open(cfg);
    return new Step(exit, LocalSpark.latestRun(spark, "govern"), TestSpark.publishedRefs(spark));
  }

  /** The first run ever on the home, with the strict spec. */
  static synchronized Step firstBlocked() {
    if (firstBlocked == null) {
      firstBlocked = step();
    }
    return firstBlocked;
  }

  /** Blocked again, with the default retention of earlier runs' branches. */
  static synchronized Step blockedAgain() {
    firstBlocked();
    if (blockedAgain == null) {
      blockedAgain = step();
    }
    return blockedAgain;
  }

  /** Blocked a third time, with a retention of zero. */
  static synchronized Step dropAll() {
    blockedAgain();
    if (dropAll == null) {
      dropAll = step("--keep-blocked-branches", "PT0S");
    }
    return dropAll;
  }

  static org.apache.iceberg.Table iceberg(SparkSession spark, String table) {
    return TestSpark.iceberg(spark, table);
  }

  static long countAt(SparkSession spark, String table, long snapshotId) {
    return spark.sql("SELECT count(*) FROM carelake." + table + " VERSION AS OF " + snapshotId)
        .head().getLong(0);
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop();
  }

  static String builtIn(String name) throws Exception {
    try (InputStream in = TestGovernBlocked.class.getClassLoader()
        .getResourceAsStream("carelake/specs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static int govern(String... more) {
    return governIn(home, specs, more);
  }

  static int governIn(Path home, Path specs, String... more) {
    LocalSpark.open(CarelakeConfig.load(home, Map.of()));
    List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--spec-dir",
        specs.toString(), "--interval-start", RawFixture.START, "--interval-end", RawFixture.END));
    args.addAll(List.of(more));
    return JobMain.run(new GovernJob(), args.toArray(String[]::new));
  }

  static java.util.Set<String> auditBranches(Step step, String table) {
    java.util.Set<String> names = new java.util.TreeSet<>(step.refs().get(table).keySet());
    names.remove("main");
    return names;
  }

  @Test
  void aSpecErrorExitsTwoWithFileAndLineBeforeSparkStarts(@TempDir Path ownHome,
      @TempDir Path ownSpecs) throws Exception {
    // specs are read in the validate phase: no session, no ledger row, nothing written
    String broken = builtIn("vitals.yaml").replace("type: range_by_code", "type: range_by_cod");
    Files.writeString(ownSpecs.resolve("vitals.yaml"), broken);
    Files.writeString(ownSpecs.resolve("visits.yaml"), builtIn("visits.yaml"));
    int line = broken.lines().toList().indexOf("    type: range_by_cod") + 1;

    assertThat(io.carelake.spark.BadInput.run(new GovernJob(), ownHome, "--spec-dir",
        ownSpecs.toString(), "--interval-start", RawFixture.START, "--interval-end",
        RawFixture.END))
        .contains("vitals.yaml:" + line + ": rule 'vitals-value-plausible': unknown rule type"
            + " 'range_by_cod'")
        .contains("range_by_code");
  }

  @Test
  void aBlockingRuleAboveItsThresholdBlocksTheFirstRunAndPublishesNothing() throws Exception {
    Step blocked = firstBlocked();
    assertThat(blocked.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = LocalSpark.open(cfg);
    Row run = blocked.run();
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("vitals-value-plausible FAIL")
        .contains("4 of 34 rows fail");
    assertThat(TestSpark.longMap(run, "output_snapshots")).containsOnlyKeys(
        "governance.check_results", "governance.metrics");

    // first-ever run: the tables were created empty on main, the rows staged on the audit
    // branch, and main never moved to it
    String branch = AuditBranch.nameFor(run.getAs("run_id"));
    for (String t : PUBLISHED) {
      assertThat(blocked.refs().get(t)).as(t).containsOnlyKeys("main", branch);
      long main = blocked.snapshot(t, "main");
      assertThat(countAt(spark, t, main)).as(t + " main is empty").isZero();
      org.apache.iceberg.Table iceberg = iceberg(spark, t);
      assertThat(iceberg.snapshot(main).addedDataFiles(iceberg.io()))
          .as(t + " main is the empty creation commit").isEmpty();
    }
    assertThat(countAt(spark, "curated.vitals", blocked.snapshot("curated.vitals", branch))
        + countAt(spark, "quarantine.vitals", blocked.snapshot("quarantine.vitals", branch)))
        .isEqualTo(34L);

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
        .isEqualTo("3");
  }

  @Test
  void branchesOfBlockedRunsAreKeptForTheRetentionThenDroppedByALaterRun() throws Exception {
    String first = AuditBranch.nameFor(firstBlocked().run().getAs("run_id"));
    // blocked again (the strict spec is still in place): the first branch is younger than the
    // default retention (7 days), so both are kept, each with Iceberg's max-ref-age
    Step again = blockedAgain();
    assertThat(again.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(auditBranches(again, "curated.vitals")).hasSize(2).contains(first)
        .contains(AuditBranch.nameFor(again.run().getAs("run_id")));
    assertThat(again.refs().get("curated.vitals").get(first).maxRefAgeMs())
        .isEqualTo(java.time.Duration.ofDays(7).toMillis());

    // a run with a retention of zero drops every earlier audit branch before forking its own
    Step drop = dropAll();
    assertThat(drop.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    String own = AuditBranch.nameFor(drop.run().getAs("run_id"));
    for (String t : PUBLISHED) {
      assertThat(auditBranches(drop, t)).as(t).containsExactly(own);
    }
    assertThat(TestSpark.longMap(drop.run(), "counts")).containsEntry("audit.branches_dropped", 8L);

    assertThat(govern("--keep-blocked-branches", "-PT1H")).isEqualTo(JobMain.EXIT_USAGE);
  }
}
