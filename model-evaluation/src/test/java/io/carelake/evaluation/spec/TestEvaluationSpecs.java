package io.carelake.evaluation.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The evaluation spec: the shipped default, and every way a spec can be wrong, with its line. */
class TestEvaluationSpecs {

  static final String SHIPPED = shipped();

  static String shipped() {
    try (var in = TestEvaluationSpecs.class.getClassLoader()
        .getResourceAsStream(EvaluationSpecs.DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static EvaluationSpec parse(String yaml) throws EvaluationSpecException {
    return EvaluationSpecs.parse("spec.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  /** The line (1-based) of the first line of the shipped spec containing {@code text}. */
  static int lineOf(String yaml, String text) {
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(text)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(text);
  }

  @Test
  void theShippedSpecIsValidAndHashed() {
    EvaluationSpec spec = EvaluationSpecs.defaults();
    assertThat(spec.name()).isEqualTo("carelake-default");
    assertThat(spec.bootstrap().resamples()).isGreaterThanOrEqualTo(2000);
    assertThat(spec.sha256()).isEqualTo(EvaluationSpecs.sha256(
        SHIPPED.getBytes(StandardCharsets.UTF_8))).hasSize(64);
    assertThat(spec.decisionCurve().thresholds()).startsWith(0.01, 0.02, 0.03).endsWith(0.5)
        .hasSize(50);
    assertThat(spec.subgroups().dimensions()).containsExactly("sex", "age_band", "region",
        "facility_type");
    assertThat(spec.gate().criteria()).extracting(EvaluationSpec.Criterion::id)
        .contains("auroc-non-inferior", "calibration-slope", "subgroup-auroc-floor");
    EvaluationSpec.Criterion slope = spec.gate().criteria().get(1);
    assertThat(slope.lower()).isEqualTo(0.8);
    assertThat(slope.upper()).isEqualTo(1.25);
    assertThat(slope.interval()).isEqualTo("cluster-bootstrap-bca");
    assertThat(slope.rule()).isEqualTo("interval within [0.8, 1.25]");
  }

  /** A change to the shipped spec, the error it must cause, and the text of the line it names. */
  record Broken(String from, String to, String message, String lineText) {
    @Override
    public String toString() {
      return message;
    }
  }

  static java.util.stream.Stream<Broken> broken() {
    return java.util.stream.Stream.of(
        new Broken("  resamples: 2000\n", "  resamples: 20\n", "bootstrap.resamples",
            "resamples: 20"),
        new Broken("  bins: 10\n", "  bins: 10\n  colour: blue\n", "unknown key 'colour'",
            "colour: blue"),
        new Broken("method: lowess", "method: loess", "'loess' is not one of lowess",
            "method: loess"),
        new Broken("within: [0.8, 1.25]", "within: [1.25, 0.8]", "needs the lower limit first",
            "within: [1.25, 0.8]"),
        new Broken("      lower_bound_at_least: 0.6\n",
            "      upper_bound_at_most: 0.9\n      lower_bound_at_least: 0.6\n",
            "exactly one of lower_bound_at_least", "- id: subgroup-auroc-floor"),
        new Broken("  to: 0.5\n", "  to: 0.005\n", "'to' (0.005) must be above 'from'",
            "to: 0.005"),
        new Broken("      interval: obuchowski\n", "      interval: obuchowski\n      note: x\n",
            "unknown key 'note'", "note: x"),
        new Broken("  seed: 20251206\n", "  seed: 20251206\n  seed: 1\n",
            "duplicate key 'seed'", "seed: 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void invalidSpecsNameTheLineAndTheProblem(Broken b) {
    String yaml = SHIPPED.replace(b.from().replace("\\n", "\n"), b.to().replace("\\n", "\n"));
    assertThat(yaml).isNotEqualTo(SHIPPED);
    int line = lineOf(yaml, b.lineText());
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(EvaluationSpecException.class)
        .hasMessageStartingWith("spec.yaml:" + line + ": ")
        .hasMessageContaining(b.message());
  }

  @Test
  void semanticMistakesAreCaughtToo() {
    String obuchowskiBrier = SHIPPED.replace("      metric: calibration_slope\n",
        "      metric: calibration_slope\n      interval: obuchowski\n");
    assertThatThrownBy(() -> parse(obuchowskiBrier))
        .hasMessageContaining("the obuchowski interval exists for auroc only");
    String subgroupSlope = SHIPPED.replace("      scope: subgroups\n      metric: auroc",
        "      scope: subgroups\n      metric: calibration_slope");
    assertThatThrownBy(() -> parse(subgroupSlope))
        .hasMessageContaining("subgroups are measured by");
    String twice = SHIPPED.replace("id: calibration-in-the-large", "id: calibration-slope");
    assertThatThrownBy(() -> parse(twice)).hasMessageContaining("'calibration-slope' is defined"
        + " twice");
  }

  @Test
  void brokenYamlAndDuplicateKeysAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> parse("spec: {name: x\n  version: [\n")).isInstanceOf(
        EvaluationSpecException.class).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse("")).hasMessageContaining("the file is empty");
    assertThatThrownBy(() -> EvaluationSpecs.load(java.nio.file.Path.of("/no/such.yaml")))
        .hasMessageContaining("cannot read the spec").hasMessageContaining("--spec");
  }
}
