package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.tables.Tables;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecException;
import io.carelake.governance.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec parsing and validation: no Spark; every error names file:line, the rule and the fix. */
class TestSpecLoader {

  static final String HEADER = """
      spec:
        name: test
        version: "3"
        table: raw.vitals
      rules:
      """;

  /** A valid rule starting on line 6 (after the 5-line header), with one line replaceable. */
  static String rule(String id, String severity, String extra) {
    return "  - id: " + id + "\n"              // line 6
        + "    column: value\n"                // 7
        + "    type: range_by_code\n"          // 8
        + "    params:\n"                      // 9
        + "      code_column: code\n"          // 10
        + "      ranges:\n"                    // 11
        + "        \"8480-6\": {min: 50, max: 300}\n"  // 12
        + "    severity: " + severity + "\n"   // 13
        + "    threshold: 0.05\n"              // 14
        + "    dimension: accuracy\n"          // 15
        + "    kahn: plausibility\n"           // 16
        + "    clause: Kahn 2016 plausibility\n" // 17
        + "    rationale: impossible readings are device errors\n" // 18
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
  void theBuiltInSpecsLoadAndCompile() throws Exception {
    GovernanceSpecs specs = GovernanceSpecs.builtIn();
    CompiledSpec visits = specs.forTable(Tables.RAW_VISITS);
    CompiledSpec vitals = specs.forTable(Tables.RAW_VITALS);
    assertThat(visits.rules()).hasSize(14);
    assertThat(vitals.rules()).hasSize(13);
    assertThat(visits.spec().header().version()).isEqualTo("2");
    // the medical check pack uses every rule type
    java.util.Set<String> used = new java.util.TreeSet<>();
    visits.spec().rules().forEach(r -> used.add(r.type()));
    vitals.spec().rules().forEach(r -> used.add(r.type()));
    assertThat(used).containsExactlyInAnyOrderElementsOf(RuleCompilers.types()
        .stream().filter(t -> !t.equals("regex")).toList());
    assertThat(visits.spec().rules()).allSatisfy(r -> assertThat(r.clause()).isNotBlank());
    assertThat(vitals.spec().rules()).allSatisfy(r -> assertThat(r.clause()).isNotBlank());
    assertThat(specs.hash()).matches("[0-9a-f]{64}");
    assertThat(vitals.spec().rules()).filteredOn(r -> r.id().equals("vitals-value-plausible"))
        .singleElement().extracting(RuleSpec::severity).isEqualTo(Severity.QUARANTINE);
    assertThat(visits.spec().rules()).filteredOn(r -> r.severity() == Severity.BLOCK)
        .extracting(RuleSpec::id)
        .containsExactly("visits-event-id-unique", "visits-required-present");
    assertThat(vitals.quarantineRules()).hasSize(7);
  }

  @Test
  void aValidRuleParsesWithItsLine() throws Exception {
    Spec spec = parse(HEADER + rule("r1", "block", ""));
    assertThat(spec.header().version()).isEqualTo("3");
    assertThat(spec.header().table()).isEqualTo(Tables.RAW_VITALS);
    assertThat(spec.rules()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(6);
      assertThat(r.paramsLine()).isEqualTo(9);
      assertThat(r.severity()).isEqualTo(Severity.BLOCK);
    });
  }

  @Test
  void aBadSeverityNamesFileLineRuleAndTheChoices() {
    SpecException e = error(HEADER + rule("r1", "fatal", ""));
    assertThat(e.line()).isEqualTo(13);
    assertThat(e.ruleId()).isEqualTo("r1");
    assertThat(e.getMessage()).startsWith("vitals.yaml:13: rule 'r1': bad severity 'fatal'")
        .contains("block").contains("quarantine").contains("warn");
  }

  @Test
  void aMissingThresholdPointsAtTheRule() {
    SpecException e = error(HEADER + rule("r1", "warn", "").replace("    threshold: 0.05\n", ""));
    assertThat(e.getMessage()).startsWith("vitals.yaml:6: rule 'r1': missing field 'threshold'");
  }

  @Test
  void aThresholdOutsideZeroToOneIsRejectedAtItsLine() {
    SpecException e = error(HEADER + rule("r1", "warn", "").replace("0.05", "5"));
    assertThat(e.getMessage()).startsWith("vitals.yaml:14: rule 'r1': threshold must be a number"
        + " from 0 to 1");
  }

  @Test
  void anUnknownTypeListsTheKnownOnes() {
    SpecException e = error(HEADER + rule("r1", "warn", "").replace("range_by_code", "rnage"));
    assertThat(e.getMessage()).startsWith("vitals.yaml:8: rule 'r1': unknown rule type 'rnage'")
        .contains("range_by_code").contains("allowed_values");
  }

  @Test
  void aTypoInAFieldNameIsReportedAtItsLine() {
    SpecException e = error(HEADER + rule("r1", "warn", "    rationalle: typo\n"));
    assertThat(e.getMessage()).startsWith("vitals.yaml:19: rule 'r1': unknown field 'rationalle'");
  }

  @Test
  void badParamsPointAtTheParamsBlock() {
    SpecException e = error(HEADER + rule("r1", "warn", "").replace("min: 50", "min: 500"));
    assertThat(e.line()).isEqualTo(9);
    assertThat(e.getMessage()).contains("min 500 above max 300");
  }

  @Test
  void aDuplicateRuleIdNamesBothLines() {
    SpecException e = error(HEADER + rule("r1", "warn", "") + rule("r1", "warn", ""));
    assertThat(e.getMessage()).startsWith("vitals.yaml:19: rule 'r1': rule id is used twice"
        + " (first at line 6)");
  }

  @Test
  void brokenYamlNamesTheLine() {
    SpecException e = error(HEADER + "  - id: r1\n    column: [value\n    type: x\n");
    assertThat(e.line()).isGreaterThanOrEqualTo(7);
    assertThat(e.getMessage()).startsWith("vitals.yaml:").contains("not valid YAML");
  }

  @Test
  void aMissingHeaderSaysWhatToAdd() {
    SpecException e = error("rules:\n" + rule("r1", "warn", ""));
    assertThat(e.getMessage()).contains("missing 'spec:' block").contains("table: raw.visits");
  }

  @Test
  void specsOfOneRunNeedOneSpecPerTableAndUniqueRuleIds(@TempDir Path dir) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("vitals.yaml", (HEADER + rule("r1", "warn", "")).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> GovernanceSpecs.of(files)).isInstanceOf(SpecException.class)
        .hasMessageContaining("no spec for [raw.visits]");

    files.put("visits.yaml", (HEADER.replace("raw.vitals", "raw.visits")
        + rule("r1", "warn", "").replace("range_by_code", "completeness")
            .replace("    params:\n      code_column: code\n      ranges:\n"
                + "        \"8480-6\": {min: 50, max: 300}\n", ""))
        .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> GovernanceSpecs.of(files)).isInstanceOf(SpecException.class)
        .hasMessageStartingWith("visits.yaml:6: rule 'r1': rule id is also used in vitals.yaml:6");

    Files.writeString(dir.resolve("visits.yaml"), "spec: [oops");
    assertThatThrownBy(() -> GovernanceSpecs.fromDir(dir)).isInstanceOf(SpecException.class)
        .hasMessageContaining("visits.yaml:1").hasMessageContaining("not valid YAML");
  }

  @Test
  void aParsedRuleCarriesEveryFieldAndTheFileItsHash() throws Exception {
    byte[] yaml = (HEADER + rule("r1", "quarantine", "    max_failures: 0\n")
        .replace("column: value", "columns: [value, code]")
        .replace("threshold: 0.05", "threshold: 0")).getBytes(StandardCharsets.UTF_8);
    Spec spec = new SpecLoader(RuleCompilers.types()).parse("vitals.yaml", yaml);
    assertThat(spec.source()).isEqualTo("vitals.yaml");
    assertThat(spec.header().name()).isEqualTo("test");
    // the hash of the bytes, by the JDK's own SHA-256
    assertThat(spec.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(yaml)));
    RuleSpec r = spec.rules().get(0);
    assertThat(r.id()).isEqualTo("r1");
    assertThat(r.columns()).containsExactly("value", "code");
    assertThat(r.column()).isEqualTo("value");
    assertThat(r.type()).isEqualTo("range_by_code");
    assertThat(r.params().path("code_column").asText()).isEqualTo("code");
    assertThat(r.severity()).isEqualTo(Severity.QUARANTINE);
    assertThat(r.quarantinesRows()).isTrue();
    assertThat(r.blocking()).isFalse();
    assertThat(r.threshold()).isZero();
    assertThat(r.maxFailures()).isZero();
    assertThat(r.dimension()).isEqualTo(io.carelake.governance.spec.QualityDimension.ACCURACY);
    assertThat(r.kahn()).isEqualTo(io.carelake.governance.spec.KahnCategory.PLAUSIBILITY);
    assertThat(r.clause()).isEqualTo("Kahn 2016 plausibility");
    assertThat(r.rationale()).isEqualTo("impossible readings are device errors");
    assertThat(r.source()).isEqualTo("vitals.yaml");
    // the whole range of thresholds is allowed
    assertThat(parse(HEADER + rule("r1", "warn", "").replace("0.05", "1")).rules().get(0)
        .threshold()).isEqualTo(1.0);
    assertThat(parse(HEADER + rule("r1", "warn", "")).rules().get(0).params()).isNotNull();
    assertThat(parse(HEADER + rule("r1", "warn", "").replace("    params:\n      code_column:"
        + " code\n      ranges:\n        \"8480-6\": {min: 50, max: 300}\n", "")
        .replace("range_by_code", "unique")).rules().get(0)).satisfies(u -> {
          assertThat(u.params()).isNull();
          assertThat(u.paramsLine()).as("no params: the rule's line").isEqualTo(6);
        });
  }

  @Test
  void theCodesOfTheEnumsAreTheWordsSpecsUse() {
    assertThat(Severity.BLOCK.code()).isEqualTo("block");
    assertThat(io.carelake.governance.spec.QualityDimension.NORMATIVITY.code())
        .isEqualTo("normativity");
    assertThat(io.carelake.governance.spec.KahnCategory.PLAUSIBILITY.code())
        .isEqualTo("plausibility");
    assertThat(Severity.WARN.quarantinesRows()).isFalse();
    assertThat(Severity.BLOCK.quarantinesRows()).isTrue();
    assertThat(Severity.QUARANTINE.quarantinesRows()).isTrue();
  }

  @Test
  void aRuleIsWithinItsThresholdUpToTheExactShareAndItsMaximumCount() throws Exception {
    RuleSpec fivePercent = parse(HEADER + rule("r1", "block", "")).rules().get(0);
    assertThat(fivePercent.blocking()).isTrue();
    assertThat(fivePercent.within(5, 100)).as("5 of 100 at 0.05").isTrue();
    assertThat(fivePercent.within(6, 100)).isFalse();
    assertThat(fivePercent.within(0, 0)).isTrue();
    RuleSpec capped = parse(HEADER + rule("r1", "block", "    max_failures: 3\n")).rules().get(0);
    assertThat(capped.within(3, 1000)).isTrue();
    assertThat(capped.within(4, 1000)).as("within the share, above the count").isFalse();
    assertThat(capped.within(3, 20)).as("within the count, above the share").isFalse();
  }

  @Test
  void aSpecFileIsReadFromDiskOrNamedInTheError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vitals.yaml");
    Files.writeString(file, HEADER + rule("r1", "warn", ""));
    Spec spec = new SpecLoader(RuleCompilers.types()).load(file);
    assertThat(spec.source()).isEqualTo(file.toString());
    assertThat(spec.rules()).hasSize(1);
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> new SpecLoader(RuleCompilers.types()).load(missing))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith(missing + ": cannot read the spec file: ")
        .hasMessageEndingWith(" (check --spec-dir)")
        .satisfies(e -> assertThat(((SpecException) e).line()).isZero());
  }

  @Test
  void anEmptyFileOrAListIsNotASpec() {
    assertThat(error("").getMessage()).isEqualTo("vitals.yaml: the file is empty; a spec needs a"
        + " 'spec:' block and a 'rules:' list");
    assertThat(error("- a\n- b\n").getMessage())
        .isEqualTo("vitals.yaml:1: a spec is a map with a 'spec:' block and a 'rules:' list");
  }

  @Test
  void aDuplicateKeyNamesBothLines() {
    SpecException e = error(HEADER + rule("r1", "warn", "    severity: block\n"));
    assertThat(e.getMessage()).isEqualTo("vitals.yaml:19: key 'severity' appears twice in the same"
        + " block (first at line 13); keep one");
    assertThat(e.line()).isEqualTo(19);
    assertThat(e.ruleId()).isNull();
  }

  @Test
  void exceptionsSayFileLineAndRuleOnlyWhenKnown() {
    assertThat(new SpecException("f.yaml", 0, null, "p").getMessage()).isEqualTo("f.yaml: p");
    assertThat(new SpecException("f.yaml", 1, null, "p").getMessage()).isEqualTo("f.yaml:1: p");
    assertThat(new SpecException("f.yaml", 2, "r", "p").getMessage())
        .isEqualTo("f.yaml:2: rule 'r': p");
    SpecException withCause = new SpecException("f.yaml", 2, "r", "p", new IllegalStateException());
    assertThat(withCause.getMessage()).isEqualTo("f.yaml:2: rule 'r': p");
    assertThat(withCause.source()).isEqualTo("f.yaml");
    assertThat(withCause.getCause()).isInstanceOf(IllegalStateException.class);
  }
}
