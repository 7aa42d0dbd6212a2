package io.carelake.governance.rules;

import static io.carelake.governance.rules.RuleSpecs.compile;
import static io.carelake.governance.rules.RuleSpecs.refusal;
import static io.carelake.governance.rules.RuleSpecs.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each rule type's compiler: the registry's names, the params it refuses (with the line it blames:
 * 3 for the rule, 5 for its params) and the defaults it fills in. No Spark.
 */
class TestRuleCompilers {

  static final List<String> ONE = List.of("value");
  static final List<String> TWO = List.of("a", "b");

  @Test
  void theRegistryNamesEachCompilerByTheTypeSpecsWrite() {
    assertThat(List.of(CompletenessRule.COMPILER, AllowedValuesRule.COMPILER, PatternRule.REGEX,
        PatternRule.ICD10_FORMAT, ResidentIdRule.COMPILER, RangeByCodeRule.COMPILER,
        CanonicalUnitRule.COMPILER, UniqueRule.COMPILER, CrossFieldRule.COMPILER,
        ReferentialIntegrityRule.COMPILER, TimelinessRule.COMPILER, DistributionHistoryRule.COMPILER,
        BmiConsistentRule.COMPILER, Icd10ExistsRule.COMPILER)).extracting(RuleCompiler::type)
        .containsExactly("completeness", "allowed_values", "regex", "icd10_format",
            "resident_id_check_digit", "range_by_code", "canonical_unit_by_code", "unique",
            "cross_field", "referential_integrity", "timeliness", "distribution_history",
            "bmi_consistent", "icd10_exists");
    assertThat(RuleCompilers.types()).containsExactly("completeness", "allowed_values", "regex",
        "icd10_format", "resident_id_check_digit", "range_by_code", "canonical_unit_by_code",
        "unique", "cross_field", "referential_integrity", "timeliness", "distribution_history",
        "bmi_consistent", "icd10_exists");
    assertThat(refusal("completenes", ONE, null)).isEqualTo("t.yaml:3: rule 'r': unknown rule"
        + " type 'completenes'; use one of [completeness, allowed_values, regex, icd10_format,"
        + " resident_id_check_digit, range_by_code, canonical_unit_by_code, unique, cross_field,"
        + " referential_integrity, timeliness, distribution_history, bmi_consistent,"
        + " icd10_exists]");
  }

  @Test
  void eachTypeCompilesToItsOwnRule() throws Exception {
    assertThat(compile("completeness", ONE, null)).isInstanceOf(CompletenessRule.class);
    assertThat(compile("unique", ONE, null)).isInstanceOf(UniqueRule.class)
        .extracting(CompiledRule::id).isEqualTo("r");
    assertThat(compile("regex", ONE, "{\"pattern\": \"x\"}")).isInstanceOf(PatternRule.class);
    assertThat(compile("icd10_exists", ONE, null)).isInstanceOf(Icd10ExistsRule.class);
  }

  @Test
  void paramsAreRequiredWhereTheTypeNeedsThemAndMustHaveTheTypesShape() {
    assertThat(refusal("allowed_values", ONE, null)).isEqualTo("t.yaml:3: rule 'r': missing field"
        + " 'params' for type allowed_values; add params: {values: [a, b, c]}");
    assertThat(refusal("allowed_values", ONE, "{\"vals\": [\"a\"]}"))
        .startsWith("t.yaml:5: rule 'r': bad params for type allowed_values: Unrecognized field"
            + " \"vals\"")
        .endsWith("; expected params: {values: [a, b, c]}");
    assertThat(refusal("timeliness", List.of("event_time", "ingest_time"), "{\"max_lag\": [1]}"))
        .startsWith("t.yaml:5: rule 'r': bad params for type timeliness: ")
        .endsWith("; expected params: {max_lag: PT6H}");
  }

  @Test
  void allowedValuesNeedsAListOfValuesAndOneColumn() {
    String empty = "t.yaml:5: rule 'r': params.values must be a non-empty list of values";
    assertThat(refusal("allowed_values", ONE, "{}")).isEqualTo(empty);
    assertThat(refusal("allowed_values", ONE, "{\"values\": []}")).isEqualTo(empty);
    assertThat(refusal("allowed_values", ONE, "{\"values\": [\"a\", null]}")).isEqualTo(empty);
    assertThat(refusal("allowed_values", TWO, "{\"values\": [\"a\"]}")).isEqualTo(
        "t.yaml:3: rule 'r': allowed_values reads exactly one column, got [a, b]");
  }

  @Test
  void regexNeedsAValidPatternAndIcd10FormatHasOneBuiltIn() throws Exception {
    assertThat(refusal("regex", ONE, "{}"))
        .isEqualTo("t.yaml:5: rule 'r': params.pattern is required for type regex");
    assertThat(refusal("regex", ONE, "{\"pattern\": \"[a-\"}")).isEqualTo("t.yaml:5: rule 'r':"
        + " params.pattern is not a valid Java regular expression: Illegal character range near"
        + " index 3");
    assertThat(refusal("regex", TWO, "{\"pattern\": \"x\"}"))
        .isEqualTo("t.yaml:3: rule 'r': regex reads exactly one column, got [a, b]");
    assertThat(refusal("icd10_format", TWO, null))
        .isEqualTo("t.yaml:3: rule 'r': icd10_format reads exactly one column, got [a, b]");
    assertThat(refusal("icd10_format", ONE, "{\"pattern\": \"(\"}")).startsWith("t.yaml:5:"
        + " rule 'r': params.pattern is not a valid Java regular expression: Unclosed group");
    // no params, or params without a pattern: the built-in ICD-10 shape
    String builtIn = "'^[A-Z][0-9]{2}(\\\\.[0-9A-Za-z]{1,8})?$'";
    assertThat(RuleSpecs.predicate(compile("icd10_format", List.of("code"), null)))
        .endsWith(builtIn + ")");
    assertThat(RuleSpecs.predicate(compile("icd10_format", List.of("code"), "{}")))
        .endsWith(builtIn + ")");
    assertThat(RuleSpecs.predicate(compile("icd10_format", List.of("code"),
        "{\"pattern\": \"^[A-Z]\"}"))).endsWith("RLIKE '^[A-Z]')");
  }

  @Test
  void crossFieldNeedsAnExpression() {
    String why = "t.yaml:5: rule 'r': params.expression must be a Spark SQL boolean expression";
    assertThat(refusal("cross_field", ONE, "{}")).isEqualTo(why);
    assertThat(refusal("cross_field", ONE, "{\"expression\": \"  \"}")).isEqualTo(why);
  }

  @Test
  void residentIdTakesAnOptionalCondition() throws Exception {
    assertThat(RuleSpecs.predicate(compile("resident_id_check_digit", List.of("resident_id"),
        null))).isEqualTo("(`resident_id` IS NULL OR carelake_resident_id_valid(`resident_id`))");
    assertThat(RuleSpecs.predicate(compile("resident_id_check_digit", List.of("resident_id"),
        "{}"))).isEqualTo("(`resident_id` IS NULL OR carelake_resident_id_valid(`resident_id`))");
    assertThat(RuleSpecs.predicate(compile("resident_id_check_digit", List.of("resident_id"),
        "{\"where\": \"code <> 'x'\"}"))).isEqualTo("(NOT coalesce((code <> 'x'), false) OR"
        + " (`resident_id` IS NULL OR carelake_resident_id_valid(`resident_id`)))");
  }

  @Test
  void rangeByCodeNeedsACodeColumnAndOrderedBoundsPerCode() throws Exception {
    String ranges = "\"ranges\": {\"8480-6\": {\"min\": 50, \"max\": 300}}";
    assertThat(refusal("range_by_code", ONE, "{" + ranges + "}")).isEqualTo("t.yaml:5: rule 'r':"
        + " params.code_column is required: the column holding the code");
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \" \", " + ranges + "}"))
        .isEqualTo("t.yaml:5: rule 'r': params.code_column is required: the column holding the"
            + " code");
    String noRanges = "t.yaml:5: rule 'r': params.ranges must map at least one code to {min, max}";
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\"}")).isEqualTo(noRanges);
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"ranges\": {}}"))
        .isEqualTo(noRanges);
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"ranges\":"
        + " {\"8480-6\": {\"min\": 50}}}")).isEqualTo("t.yaml:5: rule 'r': range for code"
        + " '8480-6' needs both min and max");
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"ranges\":"
        + " {\"8480-6\": {\"max\": 50}}}")).endsWith("range for code '8480-6' needs both min and"
        + " max");
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"ranges\":"
        + " {\"8480-6\": null}}")).endsWith("range for code '8480-6' needs both min and max");
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"ranges\":"
        + " {\"8480-6\": {\"min\": 300.5, \"max\": 300}}}")).isEqualTo("t.yaml:5: rule 'r': range"
        + " for code '8480-6' has min 300.5 above max 300");
    assertThat(refusal("range_by_code", TWO, "{\"code_column\": \"code\", " + ranges + "}"))
        .isEqualTo("t.yaml:3: rule 'r': range_by_code reads one value column, got [a, b] (name"
            + " the code column in params.code_column)");
    assertThat(refusal("range_by_code", ONE, "{\"code_column\": \"code\", \"unit_column\": \"\","
        + " " + ranges + "}")).isEqualTo("t.yaml:5: rule 'r': params.unit_column, when given,"
        + " names the column holding the unit");
    // a range of one value is a range
    assertThat(RuleSpecs.predicate(compile("range_by_code", ONE, "{\"code_column\": \"code\","
        + " \"ranges\": {\"x\": {\"min\": 7, \"max\": 7}}}")))
        .isEqualTo("(`value` IS NULL OR CASE `code` WHEN 'x' THEN `value` BETWEEN 7 AND 7 ELSE"
            + " true END)");
  }

  @Test
  void canonicalUnitDefaultsToCoresUnitsAndTheCodeColumn() throws Exception {
    String units = "\"units\": {\"2339-0\": \"mmol/L\"}";
    assertThat(RuleSpecs.predicate(compile("canonical_unit_by_code", List.of("unit"),
        "{" + units + "}"))).isEqualTo("CASE `code` WHEN '2339-0' THEN `unit` <=> 'mmol/L' ELSE"
        + " true END");
    assertThat(RuleSpecs.predicate(compile("canonical_unit_by_code", List.of("unit"),
        "{\"code_column\": \"loinc\", " + units + "}"))).startsWith("CASE `loinc` WHEN");
    // core's ten LOINC codes, in code order
    String byCore = "CASE `code` WHEN '2339-0' THEN `unit` <=> 'mmol/L' WHEN '2345-7' THEN `unit`"
        + " <=> 'mmol/L' WHEN '29463-7' THEN `unit` <=> 'kg' WHEN '39156-5' THEN `unit` <=>"
        + " 'kg/m2' WHEN '4548-4' THEN `unit` <=> '%' WHEN '8280-0' THEN `unit` <=> 'cm' WHEN"
        + " '8302-2' THEN `unit` <=> 'cm' WHEN '8462-4' THEN `unit` <=> 'mm[Hg]' WHEN '8480-6'"
        + " THEN `unit` <=> 'mm[Hg]' WHEN '8663-7' THEN `unit` <=> '{pack}/d' ELSE true END";
    assertThat(RuleSpecs.predicate(compile("canonical_unit_by_code", List.of("unit"), null)))
        .isEqualTo(byCore);
    assertThat(RuleSpecs.predicate(compile("canonical_unit_by_code", List.of("unit"), "{}")))
        .isEqualTo(byCore);
    assertThat(RuleSpecs.predicate(compile("canonical_unit_by_code", List.of("unit"),
        "{\"code_column\": \"loinc\"}"))).startsWith("CASE `loinc` WHEN '2339-0'");
    String bad = "t.yaml:5: rule 'r': params.units must map each code to its canonical unit";
    assertThat(refusal("canonical_unit_by_code", List.of("unit"), "{\"units\": {}}"))
        .isEqualTo(bad);
    assertThat(refusal("canonical_unit_by_code", List.of("unit"),
        "{\"units\": {\"2339-0\": null}}")).isEqualTo(bad);
    assertThat(refusal("canonical_unit_by_code", TWO, null)).isEqualTo("t.yaml:3: rule 'r':"
        + " canonical_unit_by_code reads one unit column, got [a, b]");
  }

  @Test
  void timelinessNeedsANonNegativeIsoDurationAndTwoColumns() throws Exception {
    List<String> times = List.of("event_time", "ingest_time");
    assertThat(refusal("timeliness", times, "{\"max_lag\": \"6 hours\"}")).isEqualTo("t.yaml:5:"
        + " rule 'r': params.max_lag must be an ISO-8601 duration such as PT6H, got '6 hours'");
    assertThat(refusal("timeliness", times, "{}")).isEqualTo("t.yaml:5: rule 'r': params.max_lag"
        + " must be an ISO-8601 duration such as PT6H, got 'null'");
    assertThat(refusal("timeliness", times, "{\"max_lag\": \"-PT1H\"}"))
        .isEqualTo("t.yaml:5: rule 'r': params.max_lag must not be negative, got -PT1H");
    assertThat(refusal("timeliness", List.of("event_time"), "{\"max_lag\": \"PT1H\"}"))
        .isEqualTo("t.yaml:3: rule 'r': timeliness reads columns: [event_time, ingest_time]"
            + " (event first), got [event_time]");
    // no lag at all is a lag
    assertThat(RuleSpecs.predicate(compile("timeliness", times, "{\"max_lag\": \"PT0S\"}")))
        .endsWith("<= 0L)");
  }

  @Test
  void referentialIntegrityNeedsReferencesToColumnsOfTables() throws Exception {
    String none = "t.yaml:5: rule 'r': params.references must list <namespace>.<table>.<column>";
    assertThat(refusal("referential_integrity", ONE, "{}")).isEqualTo(none);
    assertThat(refusal("referential_integrity", ONE, "{\"references\": []}")).isEqualTo(none);
    assertThat(refusal("referential_integrity", ONE, "{\"references\": [\"visits\"]}"))
        .isEqualTo("t.yaml:5: rule 'r': params.references: 'visits' is not"
            + " <namespace>.<table>.<column>");
    assertThat(refusal("referential_integrity", ONE, "{\"references\": [\".visits\"]}"))
        .isEqualTo("t.yaml:5: rule 'r': params.references: '.visits' is not"
            + " <namespace>.<table>.<column>");
    assertThat(refusal("referential_integrity", ONE, "{\"references\": [null]}"))
        .isEqualTo("t.yaml:5: rule 'r': params.references: 'null' is not"
            + " <namespace>.<table>.<column>");
    assertThat(refusal("referential_integrity", ONE, "{\"references\": [\"visits.resident_id\"]}"))
        .startsWith("t.yaml:5: rule 'r': params.references: 'visits.resident_id': ");
    assertThat(refusal("referential_integrity", TWO,
        "{\"references\": [\"raw.visits.resident_id\"]}")).isEqualTo("t.yaml:3: rule 'r':"
        + " referential_integrity reads exactly one column, got [a, b]");
    CompiledRule two = compile("referential_integrity", List.of("resident_id"),
        "{\"references\": [\"raw.visits.resident_id\", \"curated.visits.patient\"]}");
    assertThat(((SqlPredicateRule) two).reasonText())
        .isEqualTo("resident_id not found in [raw.visits.resident_id, curated.visits.patient]");
  }

  @Test
  void icd10ExistsKnowsOnlyTheCategoryLevel() throws Exception {
    assertThat(compile("icd10_exists", ONE, "{\"level\": \"category\"}"))
        .isInstanceOf(Icd10ExistsRule.class);
    assertThat(compile("icd10_exists", ONE, "{}")).isInstanceOf(Icd10ExistsRule.class);
    assertThat(refusal("icd10_exists", ONE, "{\"level\": \"chapter\"}")).isEqualTo("t.yaml:5:"
        + " rule 'r': params.level: only 'category' (three characters) is shipped");
    assertThat(refusal("icd10_exists", TWO, null))
        .isEqualTo("t.yaml:3: rule 'r': icd10_exists reads exactly one column, got [a, b]");
  }

  @Test
  void bmiNeedsAPositiveToleranceAndTheValueColumn() throws Exception {
    assertThat(refusal("bmi_consistent", ONE, "{\"tolerance\": 0}")).isEqualTo("t.yaml:5: rule"
        + " 'r': params.tolerance must be a positive number of kg/m2, got 0.0");
    assertThat(refusal("bmi_consistent", ONE, "{\"tolerance\": -1}"))
        .endsWith("params.tolerance must be a positive number of kg/m2, got -1.0");
    assertThat(refusal("bmi_consistent", TWO, null)).isEqualTo("t.yaml:3: rule 'r':"
        + " bmi_consistent reads the value column (column: value), got [a, b]");
    String byDefault = "(`code` IS NULL OR `code` <> '39156-5' OR NOT (`unit` <=> 'kg/m2') OR"
        + " `value` IS NULL OR `__carelake_r_expected_bmi` IS NULL OR abs(`value` -"
        + " `__carelake_r_expected_bmi`) <= 1.0)";
    assertThat(RuleSpecs.predicate(compile("bmi_consistent", ONE, null))).isEqualTo(byDefault);
    assertThat(RuleSpecs.predicate(compile("bmi_consistent", ONE, "{}"))).isEqualTo(byDefault);
    assertThat(RuleSpecs.predicate(compile("bmi_consistent", ONE,
        "{\"tolerance\": 0.25, \"code_column\": \"loinc\"}"))).isEqualTo("(`loinc` IS NULL OR"
        + " `loinc` <> '39156-5' OR NOT (`unit` <=> 'kg/m2') OR `value` IS NULL OR"
        + " `__carelake_r_expected_bmi` IS NULL OR abs(`value` - `__carelake_r_expected_bmi`)"
        + " <= 0.25)");
    assertThat(((SqlPredicateRule) compile("bmi_consistent", ONE, "{\"tolerance\": 0.25}"))
        .reasonText()).isEqualTo("BMI differs from weight/height^2 of the same day by more than"
        + " 0.25");
  }

  @Test
  void distributionHistoryNeedsAMetricOrderedRatesAndASliceSeverity() throws Exception {
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"median\"}")).isEqualTo(
        "t.yaml:5: rule 'r': params.metric must be completeness or mean, got median");
    assertThat(refusal("distribution_history", ONE, "{}")).isEqualTo(
        "t.yaml:5: rule 'r': params.metric must be completeness or mean, got null");
    String rates = "t.yaml:5: rule 'r': need 0 <= max_rate_decrease <= max_rate_increase, got ";
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"mean\","
        + " \"max_rate_increase\": 0}")).isEqualTo(rates + "0.8 and 0.0");
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"mean\","
        + " \"max_rate_increase\": 0, \"max_rate_decrease\": 0}")).isEqualTo(rates + "0.0 and 0.0");
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"mean\","
        + " \"max_rate_decrease\": -0.1}")).isEqualTo(rates + "-0.1 and 1.25");
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"mean\","
        + " \"max_rate_decrease\": 1.3}")).isEqualTo(rates + "1.3 and 1.25");
    assertThat(refusal("distribution_history", ONE, "{\"metric\": \"mean\","
        + " \"max_rate_increase\": 1.0, \"max_rate_decrease\": 1.01}"))
        .isEqualTo(rates + "1.01 and 1.0");
    assertThatThrownBy(() -> RuleCompilers.compile(rule("r", "distribution_history", TWO,
        "{\"metric\": \"mean\"}", Severity.WARN, 0.0))).isInstanceOf(SpecException.class)
        .hasMessage("t.yaml:3: rule 'r': distribution_history reads exactly one column, got [a, b]");
    assertThatThrownBy(() -> RuleCompilers.compile(rule("r", "distribution_history", ONE,
        "{\"metric\": \"mean\"}", Severity.QUARANTINE, 0.0))).isInstanceOf(SpecException.class)
        .hasMessage("t.yaml:3: rule 'r': a distribution_history rule judges the slice, not rows:"
            + " use severity warn or block");

    // the defaults, and the bounds themselves are allowed: no change at all, or any fall
    DistributionHistoryRule mean = (DistributionHistoryRule) RuleCompilers.compile(rule("h",
        "distribution_history", ONE, "{\"metric\": \"mean\", \"where\": \"code = 'x'\"}",
        Severity.BLOCK, 0.0));
    assertThat(mean.maxRateIncrease()).isEqualTo(1.25);
    assertThat(mean.maxRateDecrease()).isEqualTo(0.8);
    assertThat(mean.metricName()).isEqualTo("Mean");
    assertThat(mean.datasetOnly()).isTrue();
    assertThat(mean.datasetCheck(RuleSpecs.SCHEMA)).isEqualTo(new DatasetCheck.ColumnMetric("h",
        "value", DatasetCheck.ColumnMetric.Kind.MEAN, "code = 'x'", true));
    DistributionHistoryRule flat = (DistributionHistoryRule) RuleCompilers.compile(rule("h",
        "distribution_history", ONE, "{\"metric\": \"completeness\", \"max_rate_increase\": 1,"
            + " \"max_rate_decrease\": 1}", Severity.WARN, 0.0));
    assertThat(flat.maxRateIncrease()).isEqualTo(1.0);
    assertThat(flat.maxRateDecrease()).isEqualTo(1.0);
    assertThat(flat.metricName()).isEqualTo("Completeness");
    assertThat(flat.datasetCheck(RuleSpecs.SCHEMA)).isEqualTo(new DatasetCheck.ColumnMetric("h",
        "value", DatasetCheck.ColumnMetric.Kind.COMPLETENESS, null, false));
    assertThat(((DistributionHistoryRule) RuleCompilers.compile(rule("h", "distribution_history",
        ONE, "{\"metric\": \"mean\", \"max_rate_decrease\": 0}", Severity.WARN, 0.0)))
        .maxRateDecrease()).isZero();
  }
}
