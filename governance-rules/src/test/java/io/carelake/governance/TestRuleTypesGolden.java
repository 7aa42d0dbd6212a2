package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.tables.TableName;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.metrics.HistoryAnomaly;
import io.carelake.governance.rules.CompiledRule;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.DistributionHistoryRule;
import io.carelake.governance.rules.GovernFunctions;
import io.carelake.governance.rules.Icd10Categories;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.rules.RuleContext;
import io.carelake.governance.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One golden test per newer rule type on a tiny in-memory fixture with a known answer: Deequ's
 * numerator / denominator and status, and the rows the row-level predicate fails. Real Spark and
 * Deequ; the referenced table of referential_integrity is a temp view.
 */
class TestRuleTypesGolden {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    TestSpark.stop();
    spark = SparkSession.builder().master("local[2]").appName("golden")
        .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    GovernFunctions.register(spark);
    spark.sql("SELECT * FROM VALUES ('p1'), ('p1'), ('p2') AS t(resident_id)")
        .createOrReplaceTempView("golden_visits");
  }

  @AfterAll
  static void stop() {
    TestSpark.stop();
  }

  /** Columns of the fixture: event_id, resident_id, event_time, ingest_time, code, value, unit, diagnoses. */
  static Dataset<Row> rows(String... values) {
    return spark.sql("SELECT event_id, resident_id, CAST(event_time AS TIMESTAMP) AS event_time,"
        + " CAST(ingest_time AS TIMESTAMP) AS ingest_time, code, CAST(value AS DOUBLE) AS value,"
        + " unit, diagnoses FROM VALUES " + String.join(", ", values)
        + " AS t(event_id, resident_id, event_time, ingest_time, code, value, unit, diagnoses)");
  }

  static String row(String id, String patient, String eventTime, String ingestTime, String code,
      String value, String unit, String diagnoses) {
    return "('" + id + "', " + q(patient) + ", '" + eventTime + "', " + q(ingestTime) + ", "
        + q(code) + ", " + value + ", " + q(unit) + ", " + (diagnoses == null
        ? "CAST(NULL AS array<string>)" : diagnoses) + ")";
  }

  static String q(String s) {
    return s == null ? "NULL" : "'" + s + "'";
  }

  static CompiledSpec spec(String rule) throws Exception {
    String yaml = "spec: {name: golden, version: \"1\", table: raw.vitals}\nrules:\n" + rule;
    return RuleCompilers.compile(new SpecLoader(RuleCompilers.types()).parse("golden.yaml",
        yaml.getBytes(StandardCharsets.UTF_8)));
  }

  static String rule(String type, String columns, String params, String severity) {
    return "  - id: r\n    " + columns + "\n    type: " + type + "\n"
        + (params == null ? "" : "    params: " + params + "\n")
        + "    severity: " + severity + "\n    threshold: 0.0\n    dimension: accuracy\n"
        + "    indicator: content_correctness\n"
        + "    kahn: plausibility\n    clause: golden\n    rationale: golden test\n";
  }

  static final RuleContext CTX = new RuleContext(null, t -> Optional.empty());

  record Outcome(CheckResult result, List<String> failingIds, long rows) {}

  /** Prepare, one Deequ verification, the verdict, and the split's failing ids. */
  static Outcome run(CompiledSpec spec, Dataset<Row> raw, RuleContext ctx) throws Exception {
    RuleContext c = new RuleContext(spark, ctx.resolve());
    Dataset<Row> data = spec.prepare(raw, c);
    spec.validateAgainst(data);
    CompiledRule rule = spec.rules().get(0);
    Verification v = DeequAdapter.verify(data, spec.datasetChecks(data.schema()));
    CheckResult r = CheckResult.evaluate(spec.spec(), rule.spec(), "raw.vitals",
        v.outcome(rule.id()), v.rows(), 1L);
    List<String> failing = data.filter(functions.not(rule.passes(data.schema())))
        .select("event_id").orderBy("event_id").collectAsList().stream()
        .map(x -> x.getString(0)).toList();
    return new Outcome(r, failing, data.count());
  }

  @Test
  void residentIdCheckDigitAppliesOnlyWhereItsConditionHolds() throws Exception {
    CompiledSpec spec = spec(rule("resident_id_check_digit", "column: resident_id",
        "{where: \"resident_id NOT LIKE 'import:%'\"}", "quarantine"));
    String valid = io.carelake.core.ids.ResidentIds.complete("11010519491231002");
    char wrong = valid.charAt(17) == '0' ? '1' : '0';
    String invalid = valid.substring(0, 17) + wrong;
    Dataset<Row> raw = rows(
        row("e1", valid, "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e2", invalid, "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e3", "import:7f3c-synthea", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e4", "P0004277", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null));
    Outcome o = run(spec, raw, CTX);
    // the imported source's own id is out of scope; a non-GB id in scope still fails
    assertThat(o.failingIds()).containsExactly("e2", "e4");
    assertThat(o.result().rowsFailed()).isEqualTo(2L);
    assertThat(o.result().rowsChecked()).isEqualTo(4L);
  }

  @Test
  void referentialIntegrityIsOneJoinThatKeepsEveryRow() throws Exception {
    CompiledSpec spec = spec(rule("referential_integrity", "column: resident_id",
        "{references: [raw.visits.resident_id, curated.visits.resident_id]}", "quarantine"));
    Dataset<Row> raw = rows(
        row("e1", "p1", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e2", "p2", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e3", "p3", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e4", null, "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null));
    // raw.visits is the temp view; curated.visits does not exist yet and counts as empty
    RuleContext ctx = new RuleContext(spark, t -> t.equals(TableName.parse("raw.visits"))
        ? Optional.of("golden_visits") : Optional.empty());
    Outcome o = run(spec, raw, ctx);
    assertThat(o.rows()).as("p1 twice in visits must not duplicate e1").isEqualTo(4);
    assertThat(o.failingIds()).containsExactly("e3");
    assertThat(o.result().rowsFailed()).isEqualTo(1L);
    assertThat(o.result().rowsChecked()).isEqualTo(4L);
    assertThat(o.result().status()).isEqualTo(CheckStatus.WARN);
    // the plan joins, it does not collect keys to the driver
    Dataset<Row> prepared = spec.prepare(raw, new RuleContext(spark, ctx.resolve()));
    assertThat(prepared.queryExecution().optimizedPlan().toString()).contains("Join LeftOuter");

    // no referenced table at all: every present value fails
    Outcome none = run(spec, raw, CTX);
    assertThat(none.failingIds()).containsExactly("e1", "e2", "e3");
  }

  @Test
  void timelinessFailsLagsAboveTheMaximum() throws Exception {
    CompiledSpec spec = spec(rule("timeliness", "columns: [event_time, ingest_time]",
        "{max_lag: PT6H}", "block"));
    Outcome o = run(spec, rows(
        row("e1", "p1", "2025-03-01 08:00:00", "2025-03-01 09:00:00", "x", "1", "u", null),
        row("e2", "p1", "2025-03-01 08:00:00", "2025-03-01 14:00:00", "x", "1", "u", null),
        row("e3", "p1", "2025-03-01 08:00:00", "2025-03-01 14:00:01", "x", "1", "u", null),
        row("e4", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", null)), CTX);
    assertThat(o.failingIds()).containsExactly("e3");
    assertThat(o.result().rowsFailed()).isEqualTo(1L);
    assertThat(o.result().rowsChecked()).isEqualTo(4L);
    assertThat(o.result().status()).isEqualTo(CheckStatus.FAIL);
    assertThat(o.result().blocksRun()).isTrue();
  }

  @Test
  void icd10ExistsChecksTheCategoryAgainstTheWhoList() throws Exception {
    assertThat(Icd10Categories.size()).isEqualTo(2050);
    for (String generated : List.of("I10", "E11.9", "E11.65", "R73.03", "E78.5", "J06.9",
        "J20.9", "K29.7", "M54.5", "R51", "R42", "K59.0", "Z00.0")) {
      assertThat(Icd10Categories.contains(generated)).as(generated).isTrue();
    }
    CompiledSpec spec = spec(rule("icd10_exists", "column: diagnoses", null, "quarantine"));
    Outcome o = run(spec, rows(
        row("e1", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "array('I10', 'E11.9')"),
        row("e2", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "array('R73.03')"),
        row("e3", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "array('I10', 'U99.9')"),
        row("e4", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "array('Q99')"),
        row("e5", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "CAST(array() AS array<string>)"),
        row("e6", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", null),
        row("e7", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", "array('XYZ')")), CTX);
    assertThat(o.failingIds()).containsExactly("e3", "e7");
    assertThat(o.result().rowsFailed()).isEqualTo(2L);
    assertThat(o.result().rowsChecked()).isEqualTo(7L);
    assertThat(o.result().status()).isEqualTo(CheckStatus.WARN);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyIcd10CodeTheGeneratorEmitsHasAnExistingCategory() throws Exception {
    // the demo's good visits must not be quarantined by visits-diagnoses-icd10-exist
    java.lang.reflect.Field f = Class.forName("io.carelake.generator.Diagnoses")
        .getDeclaredField("CODES");
    f.setAccessible(true);
    java.util.Set<String> codes = (java.util.Set<String>) f.get(null);
    assertThat(codes).hasSizeGreaterThanOrEqualTo(13)
        .allSatisfy(c -> assertThat(Icd10Categories.contains(c)).as(c).isTrue());
  }

  @Test
  void bmiMustAgreeWithWeightAndHeightOfTheSameDay() throws Exception {
    CompiledSpec spec = spec(rule("bmi_consistent", "column: value", "{tolerance: 1.0}",
        "quarantine"));
    Outcome o = run(spec, rows(
        // p1 on 03-01: 70 kg, 175 cm -> 22.86; reported 22.9: consistent
        row("a1", "p1", "2025-03-01 08:00:00", null, "29463-7", "70", "kg", null),
        row("a2", "p1", "2025-03-01 08:01:00", null, "8302-2", "175", "cm", null),
        row("a3", "p1", "2025-03-01 08:02:00", null, "39156-5", "22.9", "kg/m2", null),
        // p2 on 03-01: the same body, reported 30: inconsistent
        row("b1", "p2", "2025-03-01 09:00:00", null, "29463-7", "70", "kg", null),
        row("b2", "p2", "2025-03-01 09:01:00", null, "8302-2", "175", "cm", null),
        row("b3", "p2", "2025-03-01 09:02:00", null, "39156-5", "30", "kg/m2", null),
        // p1 on 03-02: a BMI without weight or height that day cannot be checked: passes
        row("c1", "p1", "2025-03-02 08:00:00", null, "39156-5", "40", "kg/m2", null),
        // p3: weight only
        row("d1", "p3", "2025-03-01 08:00:00", null, "29463-7", "90", "kg", null),
        row("d2", "p3", "2025-03-01 08:00:00", null, "39156-5", "50", "kg/m2", null)), CTX);
    assertThat(o.failingIds()).containsExactly("b3");
    assertThat(o.rows()).isEqualTo(9);
    assertThat(o.result().rowsFailed()).isEqualTo(1L);
    assertThat(o.result().rowsChecked()).isEqualTo(9L);
    assertThat(o.result().status()).isEqualTo(CheckStatus.WARN);
  }

  @Test
  void distributionHistoryFiresOnAnInjectedJumpAndNeverQuarantines() throws Exception {
    CompiledSpec spec = spec(rule("distribution_history", "column: value",
        "{metric: mean, where: \"code = '8480-6'\", max_rate_increase: 1.2,"
            + " max_rate_decrease: 0.8}", "warn")
        + rule("distribution_history", "column: unit", "{metric: completeness}", "block")
            .replace("id: r", "id: r2"));
    Dataset<Row> raw = rows(
        row("e1", "p1", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e2", "p1", "2025-03-01 08:00:00", null, "8480-6", "140", "mm[Hg]", null),
        row("e3", "p1", "2025-03-01 08:00:00", null, "8462-4", "500", "mm[Hg]", null),
        row("e4", "p1", "2025-03-01 08:00:00", null, "8462-4", "80", null, null));
    Verification v = DeequAdapter.verify(spec.prepare(raw, CTX), spec.datasetChecks(raw.schema()));
    DistributionHistoryRule mean = (DistributionHistoryRule) spec.rules().get(0);
    DistributionHistoryRule completeness = (DistributionHistoryRule) spec.rules().get(1);
    assertThat(v.outcome("r").passShare()).as("mean SBP only").isEqualTo(130.0);
    assertThat(v.outcome("r2").passShare()).isEqualTo(0.75);
    assertThat(spec.quarantineRules()).as("history rules judge the slice, not rows").isEmpty();

    CheckResult first = HistoryAnomaly.evaluate(spec.spec(), mean, "raw.vitals",
        v.outcome("r"), List.of(), 4, 1L);
    assertThat(first.status()).isEqualTo(CheckStatus.NOT_APPLICABLE);
    CheckResult steady = HistoryAnomaly.evaluate(spec.spec(), mean, "raw.vitals",
        v.outcome("r"), List.of(128.0, 125.0), 4, 1L);
    assertThat(steady.status()).isEqualTo(CheckStatus.PASS);
    assertThat(steady.rowsFailed()).isZero();
    // injected jump: the previous run's mean SBP was 100, now 130 (x1.3 > 1.2)
    CheckResult jump = HistoryAnomaly.evaluate(spec.spec(), mean, "raw.vitals",
        v.outcome("r"), List.of(128.0, 100.0), 4, 1L);
    assertThat(jump.status()).isEqualTo(CheckStatus.WARN);
    assertThat(jump.rowsFailed()).isEqualTo(4L);
    assertThat(jump.rowsChecked()).isEqualTo(4L);
    assertThat(jump.metricValue()).isEqualTo(130.0);
    assertThat(jump.message()).contains("x1.300");
    // completeness fell from 1.0 to 0.75 (< x0.8): a blocking history rule fails the run
    CheckResult drop = HistoryAnomaly.evaluate(spec.spec(), completeness, "raw.vitals",
        v.outcome("r2"), List.of(1.0), 4, 1L);
    assertThat(drop.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(drop.blocksRun()).isTrue();
  }

  @Test
  void everyRuleTypeHasAGoldenTestOrAnOlderOne() {
    // the older types are covered by TestGovernJob's fixture; the new ones above
    assertThat(new TreeSet<>(RuleCompilers.types())).contains("referential_integrity",
        "timeliness", "icd10_exists", "bmi_consistent", "distribution_history");
  }
}
