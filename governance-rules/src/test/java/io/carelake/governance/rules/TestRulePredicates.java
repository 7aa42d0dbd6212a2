package io.carelake.governance.rules;

import static io.carelake.governance.rules.RuleSpecs.SCHEMA;
import static io.carelake.governance.rules.RuleSpecs.compile;
import static io.carelake.governance.rules.RuleSpecs.predicate;
import static io.carelake.governance.rules.RuleSpecs.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecHeader;
import io.carelake.core.tables.Tables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The Spark SQL text each rule type compiles to — the one predicate Deequ's compliance metric and
 * the row-level split both evaluate — and the reasons quarantined rows get, written out by hand
 * for each type. Whether Spark evaluates them as intended on real rows is
 * {@code TestRuleTypesGolden}'s part; this test needs no Spark session, so mutation testing can
 * run it against every change of the compilers.
 */
class TestRulePredicates {

  @Test
  void completenessRequiresTextNotBlankCollectionsNotEmptyAndOtherValuesPresent() throws Exception {
    CompiledRule rule = compile("completeness", List.of("resident_id", "diagnoses", "tags",
        "value"), null);
    assertThat(predicate(rule)).isEqualTo("(`resident_id` IS NOT NULL AND trim(`resident_id`) <>"
        + " '') AND (`diagnoses` IS NOT NULL AND size(`diagnoses`) > 0) AND (`tags` IS NOT NULL"
        + " AND size(`tags`) > 0) AND (`value` IS NOT NULL)");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("missing or blank resident_id, diagnoses, tags, value");
  }

  @Test
  void everySqlRuleIsOneNullSafeComplianceCheckForDeequ() throws Exception {
    RuleSpec spec = rule("req", "completeness", List.of("value"), null, Severity.BLOCK, 0.01);
    CompiledRule rule = RuleCompilers.compile(spec);
    assertThat(rule.datasetCheck(SCHEMA)).isEqualTo(new DatasetCheck.Compliance("req",
        "coalesce(((`value` IS NOT NULL)), false)", List.of("value"), 0.01, true));
    assertThat(rule.spec()).isSameAs(spec);
    assertThat(rule.datasetOnly()).isFalse();
    assertThat(RuleCompilers.compile(rule("w", "unique", List.of("event_id"), null, Severity.WARN,
        0.0)).datasetCheck(SCHEMA)).isEqualTo(new DatasetCheck.Compliance("w",
        "coalesce(((`event_id` IS NOT NULL AND `__carelake_w_occurrences` = 1)), false)",
        List.of("event_id"), 0.0, false));
  }

  @Test
  void allowedValuesQuoteTheirListAndLetMissingValuesPass() throws Exception {
    CompiledRule rule = compile("allowed_values", List.of("unit"),
        "{\"values\": [\"mm[Hg]\", \"it's\", \"a\\\\b\"]}");
    assertThat(predicate(rule)).isEqualTo("(`unit` IS NULL OR CAST(`unit` AS STRING) IN"
        + " ('mm[Hg]', 'it\\'s', 'a\\\\b'))");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("unit is not one of [mm[Hg], it's, a\\b]");
    // a long list is cut after twelve values in the reason
    List<String> values = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      values.add("\"v" + i + "\"");
    }
    CompiledRule many = compile("allowed_values", List.of("code"), "{\"values\": " + values + "}");
    assertThat(((SqlPredicateRule) many).reasonText())
        .isEqualTo("code is not one of [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, ...]");
    CompiledRule twelve = compile("allowed_values", List.of("code"), "{\"values\": "
        + values.subList(0, 12) + "}");
    assertThat(((SqlPredicateRule) twelve).reasonText())
        .isEqualTo("code is not one of [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12]");
  }

  @Test
  void patternsMatchTextAndEveryElementOfAListOfText() throws Exception {
    CompiledRule text = compile("regex", List.of("code"), "{\"pattern\": \"^[0-9]+-[0-9]$\"}");
    assertThat(predicate(text))
        .isEqualTo("(`code` IS NULL OR CAST(`code` AS STRING) RLIKE '^[0-9]+-[0-9]$')");
    assertThat(((SqlPredicateRule) text).reasonText()).isEqualTo("code does not match ^[0-9]+-[0-9]$");
    assertThat(predicate(compile("regex", List.of("diagnoses"), "{\"pattern\": \"^[A-Z]\"}")))
        .isEqualTo("(`diagnoses` IS NULL OR forall(`diagnoses`, x -> x IS NOT NULL AND x RLIKE"
            + " '^[A-Z]'))");
    // a list of numbers is not a list of text: matched as its text, like any other column
    assertThat(predicate(compile("regex", List.of("counts"), "{\"pattern\": \"^\\\\[\"}")))
        .isEqualTo("(`counts` IS NULL OR CAST(`counts` AS STRING) RLIKE '^\\\\[')");
    assertThat(predicate(compile("icd10_format", List.of("diagnoses"), null)))
        .isEqualTo("(`diagnoses` IS NULL OR forall(`diagnoses`, x -> x IS NOT NULL AND x RLIKE"
            + " '^[A-Z][0-9]{2}(\\\\.[0-9A-Za-z]{1,8})?$'))");
  }

  @Test
  void icd10ExistsAsksTheSessionFunctionForEachCode() throws Exception {
    assertThat(predicate(compile("icd10_exists", List.of("diagnoses"), null)))
        .isEqualTo("(`diagnoses` IS NULL OR forall(`diagnoses`, x -> x IS NOT NULL AND"
            + " carelake_icd10_category_known(x)))");
    CompiledRule text = compile("icd10_exists", List.of("code"), null);
    assertThat(predicate(text))
        .isEqualTo("(`code` IS NULL OR carelake_icd10_category_known(CAST(`code` AS STRING)))");
    assertThat(((SqlPredicateRule) text).reasonText())
        .isEqualTo("code holds a code whose category is not in WHO ICD-10 (2019)");
  }

  @Test
  void residentIdReasonNamesTheColumnNeverTheId() throws Exception {
    assertThat(((SqlPredicateRule) compile("resident_id_check_digit", List.of("resident_id"),
        null)).reasonText()).isEqualTo("resident_id is not a valid GB 11643 resident id (length,"
        + " digits or check digit)");
  }

  @Test
  void rangesAreCheckedPerCodeInTheirUnitWithInclusiveBounds() throws Exception {
    CompiledRule rule = compile("range_by_code", List.of("value"), "{\"code_column\": \"code\","
        + " \"unit_column\": \"unit\", \"ranges\": {\"8480-6\": {\"min\": 50, \"max\": 300,"
        + " \"unit\": \"mm[Hg]\"}, \"29463-7\": {\"min\": 0.5, \"max\": 4E+2}}}");
    // (JSON reads 4E+2 as the double 400.0; the literal has no exponent either way)
    assertThat(predicate(rule)).isEqualTo("(`value` IS NULL OR CASE `code` WHEN '8480-6' THEN"
        + " NOT (`unit` <=> 'mm[Hg]') OR `value` BETWEEN 50 AND 300 WHEN '29463-7' THEN `value`"
        + " BETWEEN 0.5 AND 400.0 ELSE true END)");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("value outside the plausible range for its code");
    // without a unit column a range's unit is not compared
    assertThat(predicate(compile("range_by_code", List.of("value"), "{\"code_column\": \"code\","
        + " \"ranges\": {\"8480-6\": {\"min\": 50, \"max\": 300, \"unit\": \"mm[Hg]\"}}}")))
        .isEqualTo("(`value` IS NULL OR CASE `code` WHEN '8480-6' THEN `value` BETWEEN 50 AND 300"
            + " ELSE true END)");
  }

  @Test
  void canonicalUnitsAndTheirReason() throws Exception {
    CompiledRule rule = compile("canonical_unit_by_code", List.of("unit"),
        "{\"units\": {\"8480-6\": \"mm[Hg]\", \"2339-0\": \"mmol/L\"}}");
    assertThat(predicate(rule)).isEqualTo("CASE `code` WHEN '2339-0' THEN `unit` <=> 'mmol/L' WHEN"
        + " '8480-6' THEN `unit` <=> 'mm[Hg]' ELSE true END");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("unit is not the canonical unit of its code");
  }

  @Test
  void uniqueReadsTheOccurrenceCountItsHelperColumnHolds() throws Exception {
    CompiledRule rule = RuleCompilers.compile(rule("vitals-id.2", "unique",
        List.of("event_id", "code"), null, Severity.BLOCK, 0.0));
    assertThat(predicate(rule)).isEqualTo("(`event_id` IS NOT NULL AND `code` IS NOT NULL AND"
        + " `__carelake_vitals_id_2_occurrences` = 1)");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("event_id, code is missing or occurs more than once");
    assertThat(RuleContext.helper(rule, "x")).isEqualTo("__carelake_vitals_id_2_x");
  }

  @Test
  void crossFieldLetsAnUndecidableExpressionPass() throws Exception {
    CompiledRule rule = compile("cross_field", List.of("birth_date", "event_time"),
        "{\"expression\": \"birth_date <= to_date(event_time)\"}");
    assertThat(predicate(rule)).isEqualTo("coalesce((birth_date <= to_date(event_time)), true)");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("violates birth_date <= to_date(event_time)");
  }

  @Test
  void timelinessComparesTheLagInMicroseconds() throws Exception {
    CompiledRule rule = compile("timeliness", List.of("event_time", "ingest_time"),
        "{\"max_lag\": \"P1DT6H\"}");
    // 30 h = 108,000 s = 108,000,000,000 us
    assertThat(predicate(rule)).isEqualTo("(`event_time` IS NULL OR `ingest_time` IS NULL OR"
        + " unix_micros(`ingest_time`) - unix_micros(`event_time`) <= 108000000000L)");
    assertThat(((SqlPredicateRule) rule).reasonText())
        .isEqualTo("ingested more than PT30H after the event (ingest_time - event_time)");
  }

  @Test
  void referentialIntegrityReadsTheMarkerItsJoinAdds() throws Exception {
    assertThat(predicate(compile("referential_integrity", List.of("resident_id"),
        "{\"references\": [\"raw.visits.resident_id\"]}")))
        .isEqualTo("(`resident_id` IS NULL OR `__carelake_r_found` IS NOT NULL)");
  }

  /** A quarantining rule with no SQL form, as a future type could be. */
  record OpaqueRule(RuleSpec spec) implements CompiledRule {
    @Override
    public Column passes(org.apache.spark.sql.types.StructType schema) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Column reason(org.apache.spark.sql.types.StructType schema) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DatasetCheck datasetCheck(org.apache.spark.sql.types.StructType schema) {
      return new DatasetCheck.Uniqueness(spec.id(), spec.columns(), 0.0, false);
    }
  }

  @Test
  void aCompiledSpecKnowsItsQuarantiningRulesAndTheCuratedPredicate() throws Exception {
    Spec spec = new Spec(new SpecHeader("s", "1", Tables.RAW_VITALS), List.of(), "s.yaml", "0");
    CompiledRule block = RuleCompilers.compile(rule("b", "completeness", List.of("value"), null,
        Severity.BLOCK, 0.0));
    CompiledRule quarantine = RuleCompilers.compile(rule("q", "allowed_values", List.of("unit"),
        "{\"values\": [\"kg\"]}", Severity.QUARANTINE, 0.0));
    CompiledRule warn = RuleCompilers.compile(rule("w", "completeness", List.of("unit"), null,
        Severity.WARN, 0.0));
    CompiledRule history = RuleCompilers.compile(rule("h", "distribution_history",
        List.of("value"), "{\"metric\": \"mean\"}", Severity.BLOCK, 0.0));
    CompiledSpec compiled = new CompiledSpec(spec, List.of(block, warn, quarantine, history));
    assertThat(compiled.quarantineRules()).containsExactly(block, quarantine);
    assertThat(compiled.curatedPredicateSql(SCHEMA)).isEqualTo("coalesce(((`value` IS NOT"
        + " NULL)), false) AND coalesce(((`unit` IS NULL OR CAST(`unit` AS STRING) IN ('kg'))),"
        + " false)");
    assertThat(compiled.datasetChecks(SCHEMA)).extracting(DatasetCheck::id)
        .containsExactly("b", "w", "q", "h");
    // no quarantining rule: every row is curated
    assertThat(new CompiledSpec(spec, List.of(warn, history)).curatedPredicateSql(SCHEMA))
        .isEqualTo("true");
    // a quarantining rule without SQL: the split counts curated rows itself
    CompiledRule opaque = new OpaqueRule(rule("o", "unique", List.of("event_id"), null,
        Severity.QUARANTINE, 0.0));
    assertThat(opaque.id()).isEqualTo("o");
    assertThat(new CompiledSpec(spec, List.of(block, opaque)).curatedPredicateSql(SCHEMA))
        .isNull();
  }

  @Test
  void sqlTextQuotesIdentifiersAndLiterals() {
    assertThat(SqlText.ident("a`b")).isEqualTo("`a``b`");
    assertThat(SqlText.string("it's a\\b")).isEqualTo("'it\\'s a\\\\b'");
    assertThat(SqlText.number(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(SqlText.type(SCHEMA, "value")).isEqualTo(DataTypes.DoubleType);
    assertThat(SqlText.type(SCHEMA, "nope")).isNull();
    assertThat(SqlText.isString(SCHEMA, "unit")).isTrue();
    assertThat(SqlText.isString(SCHEMA, "value")).isFalse();
    assertThat(SqlText.isCollection(SCHEMA, "diagnoses")).isTrue();
    assertThat(SqlText.isCollection(SCHEMA, "tags")).isTrue();
    assertThat(SqlText.isCollection(SCHEMA, "unit")).isFalse();
    assertThat(SqlText.isStringArray(SCHEMA, "diagnoses")).isTrue();
    assertThat(SqlText.isStringArray(SCHEMA, "counts")).isFalse();
    assertThat(SqlText.isStringArray(SCHEMA, "unit")).isFalse();
  }

  @Test
  void theSessionFunctionsAnswerNullForNullAndOtherwiseTheChecks() throws Exception {
    GovernFunctions.ResidentIdValid id = new GovernFunctions.ResidentIdValid();
    assertThat(id.call(null)).isNull();
    // GB 11643-1999's example: 11010519491231002 -> 167 mod 11 = 2 -> check character X
    assertThat(id.call("11010519491231002X")).isTrue();
    assertThat(id.call("110105194912310021")).isFalse();
    GovernFunctions.Icd10CategoryKnown icd = new GovernFunctions.Icd10CategoryKnown();
    assertThat(icd.call(null)).isNull();
    assertThat(icd.call("E11.9")).isTrue();
    assertThat(icd.call("U99.9")).isFalse();
  }

  @Test
  void icd10CategoriesAreTheWhoListOfThreeCharacterCodes() {
    assertThat(Icd10Categories.size()).isEqualTo(2050);
    assertThat(Icd10Categories.contains("I10")).isTrue();
    assertThat(Icd10Categories.contains(" e11.65 ")).as("trimmed, upper-cased").isTrue();
    assertThat(Icd10Categories.contains("E11900x001")).as("an extension without the dot").isTrue();
    assertThat(Icd10Categories.contains("E11x")).isTrue();
    assertThat(Icd10Categories.contains("E11-9")).as("not a subdivision").isFalse();
    assertThat(Icd10Categories.contains("E1")).isFalse();
    assertThat(Icd10Categories.contains("U99")).isFalse();
    assertThat(Icd10Categories.contains("A00")).as("the first category").isTrue();
    assertThat(Icd10Categories.contains("Z99")).as("the last category").isTrue();
  }
}
