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
import io.carelake.spark.LocalSpark;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One golden test per rule type on a tiny in-memory fixture with a known answer, each with rows
 * that fail the rule: Deequ's numerator / denominator and the status, the rows the row-level
 * predicate fails, and the reason each quarantined row gets from the split. Every expected value
 * is derived by hand from the rows in the comments beside them. Real Spark and Deequ on the
 * module's shared local session ({@link TestSpark#local}); the referenced table of
 * referential_integrity is a temp view. {@link TestEveryRuleIsMadeToFail} keeps one such test per
 * registered type ({@link MakesRuleFail}).
 */
class TestRuleTypesGolden {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.live();
    GovernFunctions.register(spark);
    spark.sql("SELECT * FROM VALUES ('p1'), ('p1'), ('p2') AS t(resident_id)")
        .createOrReplaceTempView("golden_visits");
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

  /**
   * @param failingIds the rows the rule's predicate fails, by event id
   * @param quarantined event id -> the reasons the split gives a quarantined row
   */
  record Outcome(CheckResult result, List<String> failingIds, long rows,
      Map<String, List<String>> quarantined) {}

  /** Prepare, one Deequ verification, the verdict, the predicate's failing ids and the split. */
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
    Map<String, List<String>> quarantined = new TreeMap<>();
    QuarantineSplit.annotate(data, spec.quarantineRules()).filter(QuarantineSplit.quarantined())
        .select("event_id", QuarantineSplit.REASONS).collectAsList()
        .forEach(x -> quarantined.put(x.getString(0), x.getList(1)));
    return new Outcome(r, failing, data.count(), quarantined);
  }

  /**
   * The verdict a golden case expects: status, numerator (failing rows) and denominator (rows),
   * as check_results stores them, and the reasons of exactly the quarantined rows.
   */
  static void assertVerdict(Outcome o, CheckStatus status, long numerator, long denominator,
      Map<String, List<String>> reasons) {
    assertThat(o.result().status()).as("status").isEqualTo(status);
    assertThat(o.result().rowsFailed()).as("numerator").isEqualTo(numerator);
    assertThat(o.result().rowsChecked()).as("denominator").isEqualTo(denominator);
    assertThat(o.quarantined()).as("quarantined rows and their reasons").isEqualTo(reasons);
  }

  static Map<String, List<String>> reasons(String... idThenReason) {
    Map<String, List<String>> out = new TreeMap<>();
    for (int i = 0; i < idThenReason.length; i += 2) {
      out.put(idThenReason[i], List.of(idThenReason[i + 1]));
    }
    return out;
  }

  static final String T = "2025-03-01 08:00:00";

  /** A row of the fixture that only sets what the rule under test reads. */
  static String r(String id, String patient, String code, String value, String unit,
      String diagnoses) {
    return row(id, patient, T, null, code, value, unit, diagnoses);
  }

  // ---- the types that the older fixture never made fail --------------------------------------

  @Test
  @MakesRuleFail("completeness")
  void completenessFailsBlankTextEmptyListsAndMissingValues() throws Exception {
    Dataset<Row> raw = rows(
        r("e1", "p1", "8480-6", "120", "mm[Hg]", "array('I10')"),
        r("e2", "  ", "8480-6", "120", "mm[Hg]", "array('I10')"),       // blank text
        r("e3", "p1", "8480-6", "120", "mm[Hg]", "CAST(array() AS array<string>)"), // empty list
        r("e4", "p1", "8480-6", "NULL", "mm[Hg]", "array('I10')"),      // missing number
        r("e5", null, "8480-6", "120", "mm[Hg]", "array('I10')"),       // missing text
        r("e6", "p2", "2339-0", "5.6", "mmol/L", "array('E11.9')"));
    String why = "r: missing or blank resident_id, diagnoses, value";
    // 4 of 6 fail; 4 > 0.25 * 6 = 1.5: a block rule FAILs
    Outcome o = run(spec(rule("completeness", "columns: [resident_id, diagnoses, value]", null,
        "block").replace("threshold: 0.0", "threshold: 0.25")), raw, CTX);
    assertThat(o.failingIds()).containsExactly("e2", "e3", "e4", "e5");
    assertVerdict(o, CheckStatus.FAIL, 4, 6, reasons("e2", why, "e3", why, "e4", why, "e5", why));
    // within a threshold of 0.7 (4 <= 4.2) the rule passes, and its failing rows still go to
    // quarantine: a block rule quarantines every failing row
    Outcome within = run(spec(rule("completeness", "columns: [resident_id, diagnoses, value]",
        null, "block").replace("threshold: 0.0", "threshold: 0.7")), raw, CTX);
    assertVerdict(within, CheckStatus.PASS, 4, 6,
        reasons("e2", why, "e3", why, "e4", why, "e5", why));
  }

  @Test
  @MakesRuleFail("allowed_values")
  void allowedValuesFailsValuesOutsideTheListCaseSensitivelyAndLetsNullsPass() throws Exception {
    Outcome o = run(spec(rule("allowed_values", "column: unit", "{values: [\"mm[Hg]\", kg]}",
        "quarantine")), rows(
        r("e1", "p1", "8480-6", "120", "mm[Hg]", null),
        r("e2", "p1", "8480-6", "120", "mmHg", null),     // not in the list
        r("e3", "p1", "8480-6", "120", null, null),       // missing: completeness's concern
        r("e4", "p1", "29463-7", "70", "KG", null),       // the list is case-sensitive
        r("e5", "p1", "29463-7", "70", "kg", null)), CTX);
    String why = "r: unit is not one of [mm[Hg], kg]";
    assertThat(o.failingIds()).containsExactly("e2", "e4");
    // 2 of 5 fail; threshold 0: a quarantine rule WARNs
    assertVerdict(o, CheckStatus.WARN, 2, 5, reasons("e2", why, "e4", why));
  }

  @Test
  @MakesRuleFail("regex")
  void regexFailsTextAndListElementsThatDoNotMatch() throws Exception {
    Outcome text = run(spec(rule("regex", "column: code", "{pattern: \"^[0-9]{4,5}-[0-9]$\"}",
        "quarantine")), rows(
        r("e1", "p1", "8480-6", "1", "u", null),
        r("e2", "p1", "8480_6", "1", "u", null),          // underscore
        r("e3", "p1", null, "1", "u", null),              // missing passes
        r("e4", "p1", "8480-6 ", "1", "u", null),         // trailing blank: the pattern is anchored
        r("e5", "p1", "39156-5", "1", "u", null)), CTX);
    String why = "r: code does not match ^[0-9]{4,5}-[0-9]$";
    assertThat(text.failingIds()).containsExactly("e2", "e4");
    assertVerdict(text, CheckStatus.WARN, 2, 5, reasons("e2", why, "e4", why));

    // a list column: every element must match; a null element fails, an empty list passes
    Outcome list = run(spec(rule("regex", "column: diagnoses", "{pattern: \"^[A-Z]\"}",
        "block").replace("threshold: 0.0", "threshold: 0.5")), rows(
        r("e1", "p1", "x", "1", "u", "array('I10', 'E11')"),
        r("e2", "p1", "x", "1", "u", "array('I10', 'e11')"),
        r("e3", "p1", "x", "1", "u", "array(CAST(NULL AS STRING))"),
        r("e4", "p1", "x", "1", "u", "CAST(array() AS array<string>)"),
        r("e5", "p1", "x", "1", "u", null)), CTX);
    String listWhy = "r: diagnoses does not match ^[A-Z]";
    assertThat(list.failingIds()).containsExactly("e2", "e3");
    // 2 of 5 = 0.4 <= 0.5: the block rule passes, and still quarantines its failing rows
    assertVerdict(list, CheckStatus.PASS, 2, 5, reasons("e2", listWhy, "e3", listWhy));
  }

  @Test
  @MakesRuleFail("icd10_format")
  void icd10FormatFailsCodesThatAreNotShapedLikeIcd10() throws Exception {
    Outcome o = run(spec(rule("icd10_format", "column: diagnoses", null, "quarantine")
        .replace("threshold: 0.0", "threshold: 0.05")), rows(
        r("e1", "p1", "x", "1", "u", "array('I10', 'E11.9')"),
        r("e2", "p1", "x", "1", "u", "array('E11.900x001')"),  // the Chinese clinical extension
        r("e3", "p1", "x", "1", "u", "array('I1O')"),          // letter O for zero
        r("e4", "p1", "x", "1", "u", "array('E11.')"),         // a dot with no subdivision
        r("e5", "p1", "x", "1", "u", "array('i10')"),          // lower-case chapter letter
        r("e6", "p1", "x", "1", "u", null),
        r("e7", "p1", "x", "1", "u", "array('I10', CAST(NULL AS STRING))")), CTX);
    String why = "r: diagnoses does not match ^[A-Z][0-9]{2}(\\.[0-9A-Za-z]{1,8})?$";
    assertThat(o.failingIds()).containsExactly("e3", "e4", "e5", "e7");
    // 4 of 7 > 0.05 * 7
    assertVerdict(o, CheckStatus.WARN, 4, 7,
        reasons("e3", why, "e4", why, "e5", why, "e7", why));
  }

  @Test
  @MakesRuleFail("cross_field")
  void crossFieldFailsRowsWhereTheExpressionIsFalseNotWhereItIsNull() throws Exception {
    Outcome o = run(spec(rule("cross_field", "columns: [event_time, ingest_time]",
        "{expression: \"ingest_time >= event_time\"}", "block")), rows(
        row("e1", "p1", T, "2025-03-01 09:00:00", "x", "1", "u", null),
        row("e2", "p1", T, "2025-03-01 07:59:59", "x", "1", "u", null),  // seen before it happened
        row("e3", "p1", T, null, "x", "1", "u", null),                   // null: not this rule's
        row("e4", "p1", T, T, "x", "1", "u", null)), CTX);
    assertThat(o.failingIds()).containsExactly("e2");
    // 1 of 4 > 0: the block rule FAILs and blocks the run
    assertVerdict(o, CheckStatus.FAIL, 1, 4, reasons("e2", "r: violates ingest_time >= event_time"));
    assertThat(o.result().blocksRun()).isTrue();
  }

  @Test
  @MakesRuleFail("range_by_code")
  void rangeByCodeFailsValuesOutsideTheInclusiveRangeOfTheirCodeAndUnit() throws Exception {
    Outcome o = run(spec(rule("range_by_code", "column: value", "{code_column: code,"
        + " unit_column: unit, ranges: {\"8480-6\": {min: 50, max: 300, unit: \"mm[Hg]\"},"
        + " \"29463-7\": {min: 2, max: 400}}}", "quarantine")), rows(
        r("e1", "p1", "8480-6", "50", "mm[Hg]", null),     // the bounds are inclusive
        r("e2", "p1", "8480-6", "300", "mm[Hg]", null),
        r("e3", "p1", "8480-6", "300.5", "mm[Hg]", null),
        r("e4", "p1", "8480-6", "49.9", "mm[Hg]", null),
        r("e5", "p1", "8480-6", "400", "kPa", null),       // another unit: the unit rule's finding
        r("e6", "p1", "29463-7", "401", "kg", null),       // a range without unit: any unit
        r("e7", "p1", "9999-9", "-5", "x", null),          // no range for the code
        r("e8", "p1", "8480-6", "NULL", "mm[Hg]", null),   // missing value
        r("e9", "p1", null, "5", "mm[Hg]", null)), CTX);   // missing code
    assertThat(o.failingIds()).containsExactly("e3", "e4", "e6");
    assertVerdict(o, CheckStatus.WARN, 3, 9, reasons(
        "e3", "r: value 300.5 outside the plausible range [50, 300] mm[Hg] for code 8480-6",
        "e4", "r: value 49.9 outside the plausible range [50, 300] mm[Hg] for code 8480-6",
        "e6", "r: value 401.0 outside the plausible range [2, 400] for code 29463-7"));
  }

  @Test
  @MakesRuleFail("canonical_unit_by_code")
  void canonicalUnitFailsAnotherOrAMissingUnitOfACodeThatHasOne() throws Exception {
    Outcome o = run(spec(rule("canonical_unit_by_code", "column: unit", "{code_column: code,"
        + " units: {\"2339-0\": \"mmol/L\", \"8480-6\": \"mm[Hg]\"}}", "quarantine")), rows(
        r("e1", "p1", "2339-0", "5.6", "mmol/L", null),
        r("e2", "p1", "2339-0", "108", "mg/dL", null),     // glucose 18 times too high
        r("e3", "p1", "2339-0", "5.6", null, null),        // a glucose without a unit
        r("e4", "p1", "8480-6", "120", "mm[Hg]", null),
        r("e5", "p1", "1234-5", "1", "x", null),           // no canonical unit for the code
        r("e6", "p1", null, "1", "x", null)), CTX);
    assertThat(o.failingIds()).containsExactly("e2", "e3");
    assertVerdict(o, CheckStatus.WARN, 2, 6, reasons(
        "e2", "r: unit 'mg/dL' is not the canonical unit 'mmol/L' of code 2339-0",
        "e3", "r: unit 'null' is not the canonical unit 'mmol/L' of code 2339-0"));
  }

  @Test
  @MakesRuleFail("unique")
  void uniqueFailsEveryRowOfARepeatedKeyAndRowsWithoutOne() throws Exception {
    Outcome o = run(spec(rule("unique", "columns: [resident_id, code]", null, "block")), rows(
        r("e1", "p1", "A", "1", "u", null),
        r("e2", "p1", "A", "1", "u", null),                // (p1, A) twice: both fail
        r("e3", "p1", "B", "1", "u", null),
        r("e4", null, "A", "1", "u", null),                // no key
        r("e5", "p2", "A", "1", "u", null)), CTX);
    String why = "r: resident_id, code is missing or occurs more than once";
    assertThat(o.failingIds()).containsExactly("e1", "e2", "e4");
    assertVerdict(o, CheckStatus.FAIL, 3, 5, reasons("e1", why, "e2", why, "e4", why));
    assertThat(o.rows()).as("the occurrence count is a window: no row lost").isEqualTo(5);
  }

  // ---- the newer types -----------------------------------------------------------------------

  @Test
  @MakesRuleFail("resident_id_check_digit")
  void residentIdCheckDigitAppliesOnlyWhereItsConditionHolds() throws Exception {
    CompiledSpec spec = spec(rule("resident_id_check_digit", "column: resident_id",
        "{where: \"resident_id NOT LIKE 'import:%'\"}", "quarantine"));
    // GB 11643-1999's own example: ISO 7064 MOD 11-2 of 11010519491231002 is 167 mod 11 = 2 -> X
    String valid = "11010519491231002X";
    String invalid = "110105194912310021";
    Dataset<Row> raw = rows(
        row("e1", valid, "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e2", invalid, "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e3", "import:7f3c-synthea", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null),
        row("e4", "P0004277", "2025-03-01 08:00:00", null, "8480-6", "120", "mm[Hg]", null));
    Outcome o = run(spec, raw, CTX);
    // the imported source's own id is out of scope; a non-GB id in scope still fails
    assertThat(o.failingIds()).containsExactly("e2", "e4");
    String why = "r: resident_id is not a valid GB 11643 resident id (length, digits or check"
        + " digit)";
    assertVerdict(o, CheckStatus.WARN, 2, 4, reasons("e2", why, "e4", why));
    // the reason never carries the id itself
    assertThat(o.quarantined().values()).flatMap(x -> x).noneMatch(x -> x.contains(invalid));
  }

  @Test
  @MakesRuleFail("referential_integrity")
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
    assertVerdict(o, CheckStatus.WARN, 1, 4, reasons("e3",
        "r: resident_id not found in [raw.visits.resident_id, curated.visits.resident_id]"));
    // the plan joins, it does not collect keys to the driver
    Dataset<Row> prepared = spec.prepare(raw, new RuleContext(spark, ctx.resolve()));
    assertThat(prepared.queryExecution().optimizedPlan().toString()).contains("Join LeftOuter");

    // no referenced table at all: every present value fails
    Outcome none = run(spec, raw, CTX);
    assertThat(none.failingIds()).containsExactly("e1", "e2", "e3");
  }

  @Test
  @MakesRuleFail("timeliness")
  void timelinessFailsLagsAboveTheMaximum() throws Exception {
    CompiledSpec spec = spec(rule("timeliness", "columns: [event_time, ingest_time]",
        "{max_lag: PT6H}", "block"));
    Outcome o = run(spec, rows(
        row("e1", "p1", "2025-03-01 08:00:00", "2025-03-01 09:00:00", "x", "1", "u", null),
        row("e2", "p1", "2025-03-01 08:00:00", "2025-03-01 14:00:00", "x", "1", "u", null),
        row("e3", "p1", "2025-03-01 08:00:00", "2025-03-01 14:00:01", "x", "1", "u", null),
        row("e4", "p1", "2025-03-01 08:00:00", null, "x", "1", "u", null)), CTX);
    // e2's lag is exactly 6 h (passes), e3's one second more
    assertThat(o.failingIds()).containsExactly("e3");
    assertVerdict(o, CheckStatus.FAIL, 1, 4,
        reasons("e3", "r: ingested more than PT6H after the event (ingest_time - event_time)"));
    assertThat(o.result().blocksRun()).isTrue();
  }

  @Test
  @MakesRuleFail("icd10_exists")
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
    // U99 is reserved for special purposes and has no category in WHO ICD-10 2019; XYZ is none
    assertThat(o.failingIds()).containsExactly("e3", "e7");
    String why = "r: diagnoses holds a code whose category is not in WHO ICD-10 (2019)";
    assertVerdict(o, CheckStatus.WARN, 2, 7, reasons("e3", why, "e7", why));
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
  @MakesRuleFail("bmi_consistent")
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
    // 70 / 1.75^2 = 22.857..., shown to one decimal
    assertVerdict(o, CheckStatus.WARN, 1, 9, reasons("b3",
        "r: BMI 30.0 differs by more than 1.0 from weight/height^2 of the same day = 22.9"));
  }

  @Test
  @MakesRuleFail("distribution_history")
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
}
