package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecException;
import io.carelake.governance.spec.SpecLoader;
import io.carelake.governance.spec.SpecSchema;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema every spec passes before anything reads it: each kind of violation is reported
 * with file:line, the rule id and what to change. No Spark.
 */
class TestSpecSchema {

  static final String HEADER = TestSpecLoader.HEADER;

  /** A valid completeness rule starting on line 6. */
  static String rule(String id, String extra) {
    return "  - id: " + id + "\n"              // 6
        + "    column: value\n"                // 7
        + "    type: completeness\n"           // 8
        + "    severity: warn\n"               // 9
        + "    threshold: 0.05\n"              // 10
        + "    dimension: completeness\n"      // 11
        + "    kahn: completeness\n"           // 12
        + "    clause: GB/T 36344-2018 completeness\n" // 13
        + "    rationale: values must be there\n"      // 14
        + extra;
  }

  static Spec parse(String yaml) throws SpecException {
    return new SpecLoader(RuleCompilers.types()).parse("vitals.yaml",
        yaml.getBytes(StandardCharsets.UTF_8));
  }

  static SpecException error(String yaml) {
    try {
      RuleCompilers.compile(parse(yaml));
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("expected a SpecException for:\n" + yaml);
  }

  @Test
  void theSchemaKnowsExactlyTheCompiledRuleTypes() {
    assertThat(SpecSchema.ruleTypes()).containsExactlyInAnyOrderElementsOf(RuleCompilers.types());
    assertThat(SpecSchema.tree().path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }

  @Test
  void aValidSpecCarriesClauseAndMaxFailures() throws Exception {
    Spec spec = parse(HEADER + rule("r1", "    max_failures: 3\n"));
    assertThat(spec.rules().get(0).clause()).isEqualTo("GB/T 36344-2018 completeness");
    assertThat(spec.rules().get(0).maxFailures()).isEqualTo(3L);
    assertThat(spec.rules().get(0).within(3, 100)).isTrue();
    assertThat(spec.rules().get(0).within(4, 100)).as("4 > max_failures 3").isFalse();
    assertThat(spec.rules().get(0).within(6, 1000)).as("6 > max_failures 3").isFalse();
    assertThat(parse(HEADER + rule("r1", "")).rules().get(0).within(6, 100))
        .as("6 % > 5 %").isFalse();
    assertThat(spec.sha256()).matches("[0-9a-f]{64}");
  }

  @Test
  void anUnknownTopLevelField() {
    assertThat(error(HEADER + rule("r1", "") + "owner: me\n").getMessage())
        .startsWith("vitals.yaml:15: unknown field 'owner'; known fields here are [rules, spec]");
  }

  @Test
  void aMissingRulesList() {
    assertThat(error(HEADER.replace("rules:\n", "")).getMessage())
        .startsWith("vitals.yaml:1: missing or empty 'rules:' list; add at least one rule");
    assertThat(error(HEADER.replace("rules:\n", "rules: []\n")).getMessage())
        .startsWith("vitals.yaml:5: missing or empty 'rules:' list");
  }

  @Test
  void aMissingHeaderField() {
    assertThat(error(HEADER.replace("  name: test\n", "") + rule("r1", "")).getMessage())
        .startsWith("vitals.yaml:1: missing field 'name' (a short name, e.g. name: visits-core)");
  }

  @Test
  void anUnquotedOrBadVersion() {
    assertThat(error(HEADER.replace("\"3\"", "3") + rule("r1", "")).getMessage())
        .startsWith("vitals.yaml:3: spec.version must be a quoted version such as \"2\"");
    assertThat(error(HEADER.replace("\"3\"", "\"3 beta\"") + rule("r1", "")).getMessage())
        .startsWith("vitals.yaml:3: spec.version must be a quoted version");
  }

  @Test
  void aBadTableName() {
    assertThat(error(HEADER.replace("raw.vitals", "vitals") + rule("r1", "")).getMessage())
        .startsWith("vitals.yaml:4: spec.table has the wrong form (got 'vitals')");
  }

  @Test
  void anUnknownHeaderField() {
    assertThat(error(HEADER.replace("  table: raw.vitals\n", "  table: raw.vitals\n  owner: x\n")
        + rule("r1", "")).getMessage())
        .startsWith("vitals.yaml:5: unknown field 'owner' in spec; known fields here are"
            + " [description, name, table, version]");
  }

  @Test
  void aMissingClauseSaysWhatAClauseIs() {
    SpecException e = error(HEADER + rule("r1", "").replace(
        "    clause: GB/T 36344-2018 completeness\n", ""));
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.ruleId()).isEqualTo("r1");
    assertThat(e.getMessage()).startsWith("vitals.yaml:6: rule 'r1': missing field 'clause'"
        + " (the standard clause the rule implements");
  }

  @Test
  void aMissingIdNamesTheRuleByPosition() {
    assertThat(error(HEADER + rule("r1", "").replace("  - id: r1\n    column: value\n",
        "  - column: value\n")).getMessage())
        .startsWith("vitals.yaml:6: rule '#1': missing field 'id' (a unique rule id");
  }

  @Test
  void anUnknownTypeListsEveryKnownType() {
    SpecException e = error(HEADER + rule("r1", "").replace("completeness\n    severity",
        "completenes\n    severity"));
    assertThat(e.getMessage()).startsWith("vitals.yaml:8: rule 'r1': unknown rule type"
        + " 'completenes'; use one of [");
    RuleCompilers.types().forEach(t -> assertThat(e.getMessage()).contains(t));
  }

  @Test
  void aBadDimensionOrKahnCategory() {
    assertThat(error(HEADER + rule("r1", "").replace("dimension: completeness",
        "dimension: quality")).getMessage())
        .startsWith("vitals.yaml:11: rule 'r1': bad dimension 'quality'; use one of normativity,"
            + " completeness, accuracy, consistency, timeliness, accessibility");
    assertThat(error(HEADER + rule("r1", "").replace("kahn: completeness", "kahn: other"))
        .getMessage()).startsWith("vitals.yaml:12: rule 'r1': bad kahn 'other'; use one of"
            + " conformance, completeness, plausibility");
  }

  @Test
  void aThresholdThatIsNotANumber() {
    assertThat(error(HEADER + rule("r1", "").replace("0.05", "five percent")).getMessage())
        .startsWith("vitals.yaml:10: rule 'r1': threshold must be a number from 0 to 1, got"
            + " 'five percent'");
  }

  @Test
  void aBadMaxFailures() {
    assertThat(error(HEADER + rule("r1", "    max_failures: -1\n")).getMessage())
        .startsWith("vitals.yaml:15: rule 'r1': max_failures must be a whole number of rows,"
            + " 0 or more, got -1");
    assertThat(error(HEADER + rule("r1", "    max_failures: 2.5\n")).getMessage())
        .startsWith("vitals.yaml:15: rule 'r1': max_failures must be a whole number");
  }

  @Test
  void aBadColumnName() {
    assertThat(error(HEADER + rule("r1", "").replace("column: value", "column: \"a b\""))
        .getMessage()).startsWith("vitals.yaml:7: rule 'r1': column has the wrong form (got 'a b')");
  }

  @Test
  void missingParamsForATypeThatNeedsThem() {
    assertThat(error(HEADER + rule("r1", "").replace("type: completeness",
        "type: allowed_values")).getMessage())
        .startsWith("vitals.yaml:6: rule 'r1': missing field 'params' (this rule type needs"
            + " parameters)");
  }

  @Test
  void aMissingParameterAndAnUnknownOneAreBothReported() {
    SpecException e = error(HEADER + rule("r1", "    params:\n      vals: [a]\n")
        .replace("type: completeness", "type: allowed_values"));
    assertThat(e.getMessage())
        .startsWith("vitals.yaml:15: rule 'r1': missing params.values (required here)")
        .contains("also vitals.yaml:16: rule 'r1': unknown field 'vals' in params");
  }

  @Test
  void paramsOnATypeWithoutParameters() {
    assertThat(error(HEADER + rule("r1", "    params: {values: [a]}\n")).getMessage())
        .startsWith("vitals.yaml:15: rule 'r1': params takes no parameters for this rule type;"
            + " remove them");
  }

  @Test
  void aBadTimelinessDuration() {
    String yaml = HEADER + rule("r1", "    params: {max_lag: 6 hours}\n")
        .replace("column: value", "columns: [event_time, ingest_time]")
        .replace("type: completeness", "type: timeliness");
    assertThat(error(yaml).getMessage()).startsWith("vitals.yaml:15: rule 'r1': params.max_lag"
        + " must be an ISO-8601 duration such as PT6H, P2D or P1DT12H, got '6 hours'");
  }

  @Test
  void aBadReference() {
    String yaml = HEADER + rule("r1", "    params: {references: [visits.resident_id]}\n")
        .replace("type: completeness", "type: referential_integrity");
    assertThat(error(yaml).getMessage()).startsWith("vitals.yaml:15: rule 'r1':"
        + " params.references[0] must name <namespace>.<table>.<column>, e.g."
        + " raw.visits.resident_id, got 'visits.resident_id'");
  }

  @Test
  void aBadHistoryMetric() {
    String yaml = HEADER + rule("r1", "    params: {metric: median}\n")
        .replace("type: completeness", "type: distribution_history");
    assertThat(error(yaml).getMessage()).startsWith("vitals.yaml:15: rule 'r1': bad value"
        + " 'median' for params.metric");
  }

  @Test
  void theSchemaRunsBeforeTheJavaChecks() {
    // a duplicate id and a bad severity: the schema's finding (severity) is reported first even
    // though the duplicate comes from the loader's own check later
    SpecException e = error(HEADER + rule("r1", "") + rule("r1", "").replace("severity: warn",
        "severity: fatal"));
    assertThat(e.getMessage()).startsWith("vitals.yaml:18: rule 'r1': bad severity 'fatal'");
  }

  @Test
  void anUnknownRuleFieldListsTheRuleFields() {
    assertThat(error(HEADER + rule("r1", "    owner: me\n")).getMessage())
        .isEqualTo("vitals.yaml:15: rule 'r1': unknown field 'owner'; known fields"
            + " here are [clause, column, columns, dimension, id, kahn, max_failures, params,"
            + " rationale, severity, threshold, type]");
  }

  @Test
  void anUnknownParameterPointsAtTheTypesParameters() {
    assertThat(error(HEADER + rule("r1", "    params: {where: x, when: y}\n")
        .replace("type: completeness", "type: resident_id_check_digit")).getMessage())
        .isEqualTo("vitals.yaml:15: rule 'r1': unknown field 'when' in params; known fields here"
            + " are those of the rule type (see governance-rules/README.md)");
  }

  @Test
  void aValueOfTheWrongTypeIsShownAsWritten() {
    assertThat(error(HEADER + rule("r1", "").replace("rationale: values must be there",
        "rationale: true")).getMessage()).startsWith("vitals.yaml:14: rule 'r1': rationale has"
        + " the wrong type (got true): ");
    assertThat(error(HEADER + rule("r1", "").replace("clause: GB/T 36344-2018 completeness",
        "clause: ~")).getMessage()).startsWith("vitals.yaml:13: rule 'r1': clause has the wrong"
        + " type (got null): ");
    assertThat(error(HEADER + rule("r1", "").replace("clause: GB/T 36344-2018 completeness",
        "clause: ab")).getMessage()).startsWith("vitals.yaml:13: rule 'r1': clause must not be"
        + " empty (got 'ab'): ");
    assertThat(error(HEADER + rule("r1", "    params: {values: [{a: 1}]}\n")
        .replace("type: completeness", "type: allowed_values")).getMessage())
        .isEqualTo("vitals.yaml:15: rule 'r1': params.values[0] is not valid (got {\"a\":1}):"
            + " object found, but [string, number, boolean] is required");
    // a rule id that is not text: the rule is named by its position
    assertThat(error(HEADER + rule("r1", "").replace("id: r1", "id: 5")).getMessage())
        .startsWith("vitals.yaml:6: rule '#1': id has the wrong type (got 5): ");
    // an out-of-range number
    assertThat(error(HEADER + rule("r1", "    params: {tolerance: x}\n")
        .replace("type: completeness", "type: bmi_consistent")).getMessage())
        .startsWith("vitals.yaml:15: rule 'r1': params.tolerance has the wrong type (got 'x'): ");
  }

  @Test
  void manyProblemsAreReportedFirstByLineThenCountedAfterThree() {
    // five schema problems on lines 6 (no clause), 8, 9, 10 and 11
    SpecException e = error(HEADER + rule("r1", "")
        .replace("    clause: GB/T 36344-2018 completeness\n", "")
        .replace("type: completeness", "type: nothing")
        .replace("severity: warn", "severity: fatal")
        .replace("threshold: 0.05", "threshold: 2")
        .replace("dimension: completeness", "dimension: quality"));
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.getMessage()).startsWith("vitals.yaml:6: rule 'r1': missing field 'clause'")
        .contains("; also vitals.yaml:8: rule 'r1': unknown rule type 'nothing'")
        .contains("; also vitals.yaml:9: rule 'r1': bad severity 'fatal'")
        .contains("; also vitals.yaml:10: rule 'r1': threshold must be a number from 0 to 1, got 2")
        .endsWith("; and 1 more")
        .doesNotContain("quality");
    // the schema walks a rule's properties in its own order, not the file's: sorted by line
    SpecException reordered = error(HEADER + "  - id: r1\n"   // 6
        + "    kahn: other\n"                                // 7
        + "    column: value\n"                              // 8
        + "    dimension: quality\n"                         // 9
        + "    severity: fatal\n"                            // 10
        + "    threshold: 0.05\n"                            // 11
        + "    type: nothing\n"                              // 12
        + "    clause: a clause\n"                           // 13
        + "    rationale: values must be there\n");          // 14
    assertThat(reordered.getMessage()).startsWith("vitals.yaml:7: rule 'r1': bad kahn 'other'")
        .contains("; also vitals.yaml:9: rule 'r1': bad dimension 'quality'")
        .contains("; also vitals.yaml:10: rule 'r1': bad severity 'fatal'")
        .contains("; also vitals.yaml:12: rule 'r1': unknown rule type 'nothing'");
    assertThat(reordered.getMessage().indexOf("vitals.yaml:9:"))
        .isLessThan(reordered.getMessage().indexOf("vitals.yaml:10:"));
    assertThat(reordered.getMessage().indexOf("vitals.yaml:10:"))
        .isLessThan(reordered.getMessage().indexOf("vitals.yaml:12:"));
    // exactly four: no count
    assertThat(error(HEADER + rule("r1", "")
        .replace("    clause: GB/T 36344-2018 completeness\n", "")
        .replace("type: completeness", "type: nothing")
        .replace("severity: warn", "severity: fatal")
        .replace("threshold: 0.05", "threshold: 2")).getMessage()).doesNotContain("more")
        .contains("; also vitals.yaml:10: rule 'r1': threshold must be a number");
  }
}
