package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.metrics.HistoryAnomaly;
import io.carelake.governance.rules.CompiledRule;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.DistributionHistoryRule;
import io.carelake.governance.rules.GovernFunctions;
import io.carelake.governance.rules.RuleContext;
import io.carelake.spark.LocalSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shipped rule (the built-in {@code visits.yaml} and {@code vitals.yaml}) made to fail: one
 * hand-built slice per table in raw's schema holds two good rows and, for each rule, a row that
 * fails it. Each table's compiled spec runs as govern runs it — helper columns, one Deequ
 * verification, the verdicts, the split's reasons — and each rule's {@link Case} says, derived by
 * hand from the rows below, which rows fail it, its status, numerator and denominator, and the
 * reason a quarantined row carries. {@link TestEveryRuleIsMadeToFail} requires a case for every
 * shipped rule.
 */
class TestShippedRulesMadeToFail {

  /** A GB 11643 id with a right check character (the standard's own example, ... 002 -> X). */
  static final String PATIENT = "11010519491231002X";
  /** Valid (ISO 7064 MOD 11-2 of 44052418800101001 is 195 mod 11 = 8 -> '4'), but never visited. */
  static final String NO_VISIT = "440524188001010014";
  /** PATIENT's body with a wrong check character. */
  static final String TYPO = "110105194912310021";

  /**
   * What one shipped rule must find in its table's slice.
   *
   * @param failing the rows whose values fail the rule, by event id (a repeated id twice)
   * @param numerator failing rows, check_results' numerator (history rules: the whole slice)
   * @param reason what each of those rows carries in quarantine.*.reasons; null for warn rules,
   *     whose rows are not quarantined
   * @param history for distribution_history rules, the earlier runs' values the check compares
   *     with; null otherwise
   * @param metric for distribution_history rules, this slice's value of the metric
   */
  record Case(String rule, List<String> failing, CheckStatus status, long numerator,
      long denominator, String reason, List<Double> history, Double metric) {

    static Case rows(String rule, CheckStatus status, long numerator, long denominator,
        String reason, String... failing) {
      return new Case(rule, List.of(failing), status, numerator, denominator, reason, null, null);
    }

    static Case history(String rule, CheckStatus status, long rows, List<Double> history,
        double metric, String... drivenBy) {
      return new Case(rule, List.of(drivenBy), status, rows, rows, null, history, metric);
    }
  }

  // ---- raw.visits: 17 rows ---------------------------------------------------------------------

  static final String ICD10 = "^[A-Z][0-9]{2}(\\.[0-9A-Za-z]{1,8})?$";

  /** event id -> the columns that differ from a good visit (SQL expressions). */
  static final Map<String, Map<String, String>> VISIT_ROWS = new LinkedHashMap<>();

  static {
    VISIT_ROWS.put("v-good-1", Map.of());
    VISIT_ROWS.put("v-good-2", Map.of("sex", "'2'", "visit_type", "'follow_up'",
        "diagnoses", "array('E11.9', 'E78.5')"));
    VISIT_ROWS.put("v-dup#1", Map.of("event_id", "'v-dup'"));
    VISIT_ROWS.put("v-dup#2", Map.of("event_id", "'v-dup'"));
    VISIT_ROWS.put("v-facility", Map.of("facility_id", "' '"));
    VISIT_ROWS.put("v-typo", Map.of("resident_id", "'" + TYPO + "'"));
    VISIT_ROWS.put("v-sex", Map.of("sex", "'3'"));
    VISIT_ROWS.put("v-type", Map.of("visit_type", "'walk_in'"));
    VISIT_ROWS.put("v-icd-format", Map.of("diagnoses", "array('e11.9')"));
    VISIT_ROWS.put("v-icd-exists", Map.of("diagnoses", "array('U99.9')"));
    VISIT_ROWS.put("v-born-after", Map.of("birth_date", "DATE '2025-03-05'"));
    VISIT_ROWS.put("v-birth-future", Map.of("birth_date", "DATE '2999-01-01'"));
    VISIT_ROWS.put("v-no-birth-1", Map.of("birth_date", "NULL"));
    VISIT_ROWS.put("v-no-birth-2", Map.of("birth_date", "NULL"));
    VISIT_ROWS.put("v-seen-early", Map.of("ingest_time", "TIMESTAMP '2025-02-27 08:00:00'"));
    VISIT_ROWS.put("v-future", Map.of("event_time", "TIMESTAMP '2999-06-01 08:00:00'",
        "ingest_time", "TIMESTAMP '2999-06-01 08:05:00'"));
    VISIT_ROWS.put("v-late", Map.of("ingest_time", "TIMESTAMP '2025-03-16 08:00:00'"));
  }

  static final List<Case> VISITS = List.of(
      // the two v-dup rows; 2 > 0 x 17
      Case.rows("visits-event-id-unique", CheckStatus.FAIL, 2, 17,
          "visits-event-id-unique: event_id is missing or occurs more than once",
          "v-dup", "v-dup"),
      // a blank facility; 1 > 0.01 x 17 = 0.17: the blocking completeness rule fails
      Case.rows("visits-required-present", CheckStatus.FAIL, 1, 17,
          "visits-required-present: missing or blank event_id, resident_id, facility_id,"
              + " visit_type", "v-facility"),
      // 1 > 0.05 x 17 = 0.85: every quarantine rule failed by one row of 17 warns
      Case.rows("visits-resident-id-check-digit", CheckStatus.WARN, 1, 17,
          "visits-resident-id-check-digit: resident_id is not a valid GB 11643 resident id"
              + " (length, digits or check digit)", "v-typo"),
      Case.rows("visits-sex-code", CheckStatus.WARN, 1, 17,
          "visits-sex-code: sex is not one of [0, 1, 2, 9]", "v-sex"),
      Case.rows("visits-visit-type", CheckStatus.WARN, 1, 17,
          "visits-visit-type: visit_type is not one of [outpatient, follow_up, chronic_review,"
              + " emergency, home_visit, inpatient]", "v-type"),
      // e11.9: lower case fails the format; its category E11 exists
      Case.rows("visits-diagnoses-icd10", CheckStatus.WARN, 1, 17,
          "visits-diagnoses-icd10: diagnoses does not match " + ICD10, "v-icd-format"),
      // born 2025-03-05 > visit day 2025-03-01 + 1; born 2999-01-01 likewise
      Case.rows("visits-born-before-visit", CheckStatus.WARN, 2, 17,
          "visits-born-before-visit: violates birth_date <= date_add(to_date(event_time), 1)",
          "v-born-after", "v-birth-future"),
      Case.rows("visits-birth-date-present", CheckStatus.WARN, 2, 17, null,
          "v-no-birth-1", "v-no-birth-2"),
      // ingested 2 days before the event, more than the day of skew allowed; threshold 0
      Case.rows("visits-ingested-after-event", CheckStatus.WARN, 1, 17, null, "v-seen-early"),
      // U99.9 is well formed, but U99 is no WHO ICD-10 2019 category
      Case.rows("visits-diagnoses-icd10-exist", CheckStatus.WARN, 1, 17,
          "visits-diagnoses-icd10-exist: diagnoses holds a code whose category is not in WHO"
              + " ICD-10 (2019)", "v-icd-exists"),
      Case.rows("visits-not-in-future", CheckStatus.WARN, 1, 17, null, "v-future"),
      Case.rows("visits-birth-not-in-future", CheckStatus.WARN, 1, 17, null, "v-birth-future"),
      // ingested 15 days after the event, above P14D
      Case.rows("visits-timeliness", CheckStatus.WARN, 1, 17, null, "v-late"),
      // 15 of 17 birth dates: 0.88235 after 1.0 in the previous run, x0.882 < x0.9
      Case.history("visits-birth-date-completeness-history", CheckStatus.WARN, 17,
          List.of(1.0), 15.0 / 17, "v-no-birth-1", "v-no-birth-2"));

  // ---- raw.vitals: 17 rows ---------------------------------------------------------------------

  /** event id -> the columns that differ from a good reading (SBP 120 mm[Hg] at a clinic). */
  static final Map<String, Map<String, String>> VITAL_ROWS = new LinkedHashMap<>();

  static {
    VITAL_ROWS.put("s-good-1", Map.of());
    VITAL_ROWS.put("s-good-2", Map.of());
    VITAL_ROWS.put("s-dup#1", Map.of("event_id", "'s-dup'"));
    VITAL_ROWS.put("s-dup#2", Map.of("event_id", "'s-dup'"));
    VITAL_ROWS.put("s-facility", Map.of("facility_id", "' '"));
    // the typo'd id also has a visit (v-typo): only the check character fails
    VITAL_ROWS.put("s-typo", Map.of("resident_id", "'" + TYPO + "'"));
    VITAL_ROWS.put("s-code", Map.of("code", "'X-1'"));
    VITAL_ROWS.put("s-mgdl", Map.of("code", "'2339-0'", "value", "108", "unit", "'mg/dL'"));
    VITAL_ROWS.put("s-sbp-400", Map.of("value", "400"));
    VITAL_ROWS.put("s-source", Map.of("source", "'phone'"));
    VITAL_ROWS.put("s-no-device", Map.of("source", "'home_device'"));
    VITAL_ROWS.put("s-weight", Map.of("code", "'29463-7'", "value", "70", "unit", "'kg'"));
    VITAL_ROWS.put("s-height", Map.of("code", "'8302-2'", "value", "175", "unit", "'cm'"));
    VITAL_ROWS.put("s-bmi", Map.of("code", "'39156-5'", "value", "30", "unit", "'kg/m2'"));
    VITAL_ROWS.put("s-no-visit", Map.of("resident_id", "'" + NO_VISIT + "'"));
    VITAL_ROWS.put("s-future", Map.of("event_time", "TIMESTAMP '2999-06-01 08:00:00'",
        "ingest_time", "TIMESTAMP '2999-06-01 08:05:00'"));
    VITAL_ROWS.put("s-late", Map.of("ingest_time", "TIMESTAMP '2025-03-16 08:00:00'"));
  }

  static final List<Case> VITALS = List.of(
      Case.rows("vitals-event-id-unique", CheckStatus.FAIL, 2, 17,
          "vitals-event-id-unique: event_id is missing or occurs more than once",
          "s-dup", "s-dup"),
      // the other blocking completeness rule
      Case.rows("vitals-required-present", CheckStatus.FAIL, 1, 17,
          "vitals-required-present: missing or blank event_id, resident_id, facility_id, code,"
              + " value, unit, source", "s-facility"),
      Case.rows("vitals-resident-id-check-digit", CheckStatus.WARN, 1, 17,
          "vitals-resident-id-check-digit: resident_id is not a valid GB 11643 resident id"
              + " (length, digits or check digit)", "s-typo"),
      Case.rows("vitals-code-known", CheckStatus.WARN, 1, 17,
          "vitals-code-known: code is not one of [8480-6, 8462-4, 2339-0, 2345-7, 4548-4,"
              + " 39156-5, 29463-7, 8302-2, 8280-0, 8663-7]", "s-code"),
      // glucose in mg/dL: the unit rule's finding; its range (in mmol/L) does not apply
      Case.rows("vitals-unit-canonical", CheckStatus.WARN, 1, 17,
          "vitals-unit-canonical: unit 'mg/dL' is not the canonical unit 'mmol/L' of code 2339-0",
          "s-mgdl"),
      Case.rows("vitals-value-plausible", CheckStatus.WARN, 1, 17,
          "vitals-value-plausible: value 400.0 outside the plausible range [50, 300] mm[Hg] for"
              + " code 8480-6", "s-sbp-400"),
      Case.rows("vitals-source", CheckStatus.WARN, 1, 17,
          "vitals-source: source is not one of [clinic, home_device]", "s-source"),
      Case.rows("vitals-home-device-id", CheckStatus.WARN, 1, 17, null, "s-no-device"),
      // 70 kg / 1.75 m^2 = 22.86 that day; 30 is 7.1 away, above the tolerance of 1
      Case.rows("vitals-bmi-consistent", CheckStatus.WARN, 1, 17, null, "s-bmi"),
      Case.rows("vitals-patient-has-visit", CheckStatus.WARN, 1, 17, null, "s-no-visit"),
      Case.rows("vitals-not-in-future", CheckStatus.WARN, 1, 17, null, "s-future"),
      Case.rows("vitals-timeliness", CheckStatus.WARN, 1, 17, null, "s-late"),
      // SBP in mm[Hg]: 11 readings of 120 and s-sbp-400: 1720 / 12 = 143.33 after 120, x1.194
      // above x1.15
      Case.history("vitals-sbp-mean-history", CheckStatus.WARN, 17, List.of(120.0),
          1720.0 / 12, "s-sbp-400"));

  // ---- running the shipped specs ---------------------------------------------------------------

  /** What one table's run produced. */
  record TableRun(CompiledSpec spec, Map<String, CheckResult> results,
      Map<String, List<String>> failingIds, List<Row> split) {}

  static SparkSession spark;
  static final Map<TableName, TableRun> RUNS = new HashMap<>();

  @BeforeAll
  static void runTheShippedSpecs() throws Exception {
    spark = LocalSpark.live();
    GovernFunctions.register(spark);
    Dataset<Row> visits = slice(TableSchemas.RAW_VISITS, VISIT_ROWS, visitDefaults());
    Dataset<Row> vitals = slice(TableSchemas.RAW_VITALS, VITAL_ROWS, vitalDefaults());
    visits.createOrReplaceTempView("shipped_raw_visits");
    // vitals-patient-has-visit reads raw.visits: the visits slice above
    RuleContext ctx = new RuleContext(spark, t -> t.equals(Tables.RAW_VISITS)
        ? Optional.of("shipped_raw_visits") : Optional.empty());
    GovernanceSpecs specs = GovernanceSpecs.builtIn();
    RUNS.put(Tables.RAW_VISITS, run(specs.forTable(Tables.RAW_VISITS), visits, ctx, VISITS));
    RUNS.put(Tables.RAW_VITALS, run(specs.forTable(Tables.RAW_VITALS), vitals, ctx, VITALS));
  }

  static Map<String, String> visitDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("event_time", "TIMESTAMP '2025-03-01 08:00:00'");
    d.put("schema_version", "1");
    d.put("resident_id", "'" + PATIENT + "'");
    d.put("patient_name", "NULL");
    d.put("sex", "'1'");
    d.put("birth_date", "DATE '1960-05-05'");
    d.put("phone", "NULL");
    d.put("address", "NULL");
    d.put("facility_id", "'F001'");
    d.put("clinician_id", "'D01'");
    d.put("visit_type", "'outpatient'");
    d.put("diagnoses", "array('I10')");
    d.put("chief_complaint", "NULL");
    d.put("note", "NULL");
    d.put("prescriptions", "NULL");
    d.put("kafka_topic", "'carelake.visits'");
    d.put("kafka_partition", "0");
    d.put("ingest_time", "TIMESTAMP '2025-03-01 08:05:00'");
    d.put("record_time", "NULL"); // optional: the source's own record time, absent here
    return d;
  }

  static Map<String, String> vitalDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("event_time", "TIMESTAMP '2025-03-01 08:00:00'");
    d.put("schema_version", "1");
    d.put("resident_id", "'" + PATIENT + "'");
    d.put("facility_id", "'F001'");
    d.put("code", "'8480-6'");
    d.put("value", "120");
    d.put("unit", "'mm[Hg]'");
    d.put("source", "'clinic'");
    d.put("device_id", "NULL");
    d.put("kafka_topic", "'carelake.vitals'");
    d.put("kafka_partition", "1");
    d.put("ingest_time", "TIMESTAMP '2025-03-01 08:05:00'");
    d.put("record_time", "NULL"); // optional: the source's own record time, absent here
    return d;
  }

  /**
   * The rows in exactly raw's Spark schema (core's Iceberg schema, converted), as one inline table
   * (a local relation: nothing to plan per row). The event id is the map's key up to a '#'; the
   * Kafka offset numbers the rows.
   */
  static Dataset<Row> slice(Schema schema, Map<String, Map<String, String>> rows,
      Map<String, String> defaults) {
    StructType target = SparkSchemaUtil.convert(schema);
    List<String> tuples = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, Map<String, String>> e : rows.entrySet()) {
      Map<String, String> values = new HashMap<>(defaults);
      values.put("event_id", "'" + e.getKey().replaceAll("#.*", "") + "'");
      values.put("kafka_offset", Long.toString(offset++));
      values.putAll(e.getValue());
      List<String> cols = new ArrayList<>();
      for (StructField f : target.fields()) {
        String v = values.get(f.name());
        if (v == null) {
          throw new AssertionError("no value for " + f.name());
        }
        cols.add("CAST(" + v + " AS " + f.dataType().sql() + ")");
      }
      tuples.add("(" + String.join(", ", cols) + ")");
    }
    String names = java.util.Arrays.stream(target.fieldNames()).map(n -> "`" + n + "`")
        .collect(Collectors.joining(", "));
    return spark.sql("SELECT * FROM VALUES " + String.join(", ", tuples) + " AS t(" + names + ")");
  }

  static TableRun run(CompiledSpec spec, Dataset<Row> raw, RuleContext ctx, List<Case> cases)
      throws Exception {
    // cached, as govern caches the slice: Deequ, the predicates and the split read it
    Dataset<Row> data = spec.prepare(raw, ctx).persist();
    spec.validateAgainst(data);
    Verification v = DeequAdapter.verify(data, spec.datasetChecks(data.schema()));
    // govern measures the same checks in its curated write: Deequ's aggregations evaluated in a
    // pass of the caller's and handed back to Deequ give exactly the verification of its own scan
    DeequAdapter.Planned planned = DeequAdapter.plan(data.schema(),
        spec.datasetChecks(data.schema())).orElseThrow();
    List<Column> aggs = planned.aggregations();
    assertThat(planned.complete(data.agg(aggs.get(0), aggs.subList(1, aggs.size())
        .toArray(Column[]::new)).first())).isEqualTo(v);
    Map<String, List<Double>> histories = cases.stream().filter(c -> c.history() != null)
        .collect(Collectors.toMap(Case::rule, Case::history));
    Map<String, CheckResult> results = new LinkedHashMap<>();
    for (CompiledRule rule : spec.rules()) {
      results.put(rule.id(), rule instanceof DistributionHistoryRule h
          ? HistoryAnomaly.evaluate(spec.spec(), h, "raw", v.outcome(h.id()),
              histories.getOrDefault(h.id(), List.of()), v.rows(), 1L)
          : CheckResult.evaluate(spec.spec(), rule.spec(), "raw", v.outcome(rule.id()),
              v.rows(), 1L));
    }
    // every row predicate in one pass: rule id -> the event ids it fails
    List<CompiledRule> rowRules = spec.rules().stream().filter(r -> !r.datasetOnly()).toList();
    List<Column> cols = new ArrayList<>(List.of(functions.col("event_id")));
    rowRules.forEach(r -> cols.add(functions.not(r.passes(data.schema()))));
    Map<String, List<String>> failing = new TreeMap<>();
    for (Row row : data.select(cols.toArray(Column[]::new)).orderBy("event_id").collectAsList()) {
      for (int i = 0; i < rowRules.size(); i++) {
        if (row.getBoolean(i + 1)) {
          failing.computeIfAbsent(rowRules.get(i).id(), k -> new ArrayList<>())
              .add(row.getString(0));
        }
      }
    }
    List<Row> split = QuarantineSplit.annotate(data, spec.quarantineRules())
        .select("event_id", QuarantineSplit.FAILED_RULES, QuarantineSplit.REASONS)
        .collectAsList();
    data.unpersist();
    return new TableRun(spec, results, failing, split);
  }

  static Stream<DynamicTest> cases(TableName table, List<Case> cases) {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.rule(), () -> check(table, c)));
  }

  @TestFactory
  Stream<DynamicTest> everyShippedRuleFailsItsRows() {
    return Stream.concat(cases(Tables.RAW_VISITS, VISITS), cases(Tables.RAW_VITALS, VITALS));
  }

  static void check(TableName table, Case c) {
    TableRun run = RUNS.get(table);
    CheckResult r = run.results().get(c.rule());
    assertThat(r).as("a shipped rule " + c.rule() + " in " + table).isNotNull();
    assertThat(r.status()).as("status").isEqualTo(c.status());
    assertThat(r.rowsFailed()).as("numerator").isEqualTo(c.numerator());
    assertThat(r.rowsChecked()).as("denominator").isEqualTo(c.denominator());
    assertThat(r.blocksRun()).as("blocks the run").isEqualTo(c.status() == CheckStatus.FAIL);
    CompiledRule rule = run.spec().rules().stream().filter(x -> x.id().equals(c.rule()))
        .findFirst().orElseThrow();
    if (c.history() != null) {
      assertThat(r.metricValue()).as("this slice's metric").isCloseTo(c.metric(), within(1e-9));
      assertThat(run.failingIds()).as("a history rule judges no row").doesNotContainKey(c.rule());
    } else {
      assertThat(run.failingIds().getOrDefault(c.rule(), List.of())).as("failing rows")
          .containsExactlyInAnyOrderElementsOf(c.failing());
    }
    // the reason on each failing row, or no quarantine for this rule at all
    for (Row row : run.split()) {
      List<String> rules = row.getList(1);
      List<String> reasons = row.getList(2);
      boolean expected = c.reason() != null && c.failing().contains(row.getString(0));
      assertThat(rules.contains(c.rule())).as(row.getString(0) + " quarantined by " + c.rule())
          .isEqualTo(expected);
      if (expected) {
        assertThat(reasons).as(row.getString(0)).contains(c.reason());
      }
    }
    assertThat(rule.spec().quarantinesRows() && !rule.datasetOnly())
        .as(c.rule() + " quarantines rows").isEqualTo(c.reason() != null);
  }

  @Test
  void theSplitSendsExactlyTheRowsOfNoQuarantiningRuleToCurated() {
    for (Map.Entry<TableName, List<Case>> t : Map.of(Tables.RAW_VISITS, VISITS,
        Tables.RAW_VITALS, VITALS).entrySet()) {
      // event id -> the quarantining rules the cases say it fails
      Map<String, Set<String>> expected = new TreeMap<>();
      for (Case c : t.getValue()) {
        if (c.reason() != null) {
          c.failing().forEach(id -> expected.computeIfAbsent(id, k -> new TreeSet<>())
              .add(c.rule()));
        }
      }
      Map<String, Set<String>> actual = new TreeMap<>();
      long curated = 0;
      for (Row row : RUNS.get(t.getKey()).split()) {
        List<String> rules = row.getList(1);
        if (rules.isEmpty()) {
          curated++;
        } else {
          actual.merge(row.getString(0), new TreeSet<>(rules), (a, b) -> {
            assertThat(a).as("both rows of " + row.getString(0)).isEqualTo(b);
            return a;
          });
        }
      }
      assertThat(actual).as(t.getKey().toString()).isEqualTo(expected);
      // visits: 17 rows, 10 quarantined (v-dup twice, v-facility, v-typo, v-sex, v-type, both
      // ICD-10 rows, v-born-after, v-birth-future); vitals: 17 rows, 8 quarantined (s-dup twice,
      // s-facility, s-typo, s-code, s-mgdl, s-sbp-400, s-source)
      assertThat(curated).as("curated " + t.getKey())
          .isEqualTo(t.getKey().equals(Tables.RAW_VISITS) ? 7 : 9);
    }
  }
}
