package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecLoader;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * suggest-spec on the small raw fixture (real Spark, Iceberg and Deequ): the written draft loads
 * with the SpecLoader, every rule is warn and says it was suggested, with the profile numbers.
 */
class TestSuggestSpec {

  @TempDir static Path home;
  @TempDir static Path outDir;
  static CarelakeConfig cfg;

  @BeforeAll
  static void createRaw() {
    cfg = CarelakeConfig.load(home, Map.of());
    RawFixture.standard().create(cfg, LocalSpark.open(cfg));
  }

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop();
  }

  @Test
  void aDraftSpecForRawVitalsLoadsAndIsAllWarn() throws Exception {
    Path out = outDir.resolve("drafts/vitals.yaml");
    LocalSpark.stop();
    int exit = JobMain.run(new SuggestSpec(), new String[] {"--home", home.toString(), "--table",
        "raw.vitals", "--out", out.toString(), "--interval-start", RawFixture.START,
        "--interval-end", RawFixture.END});
    assertThat(exit).isEqualTo(JobMain.EXIT_OK);
    String yaml = Files.readString(out);
    assertThat(yaml).startsWith("# DRAFT governance spec for raw.vitals")
        .contains("from 34 rows of [2025-03-01, 2025-03-03)");

    Spec spec = new SpecLoader(RuleCompilers.types()).load(out);
    RuleCompilers.compile(spec);
    assertThat(spec.header().table().toString()).isEqualTo("raw.vitals");
    assertThat(spec.header().version()).isEqualTo("0");
    assertThat(spec.rules()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.severity()).isEqualTo(Severity.WARN);
      assertThat(r.rationale()).startsWith("suggested by Deequ ").contains("profile: completeness");
      assertThat(r.clause()).startsWith("none yet");
    });
    // the 34 rows: every event id once, 7 LOINC codes, a complete code column
    assertThat(spec.rules()).extracting(RuleSpec::id).contains("vitals-event_id-complete",
        "vitals-code-complete", "vitals-code-values", "vitals-source-values")
        .doesNotContain("vitals-resident_id-values", "vitals-unit-values-2");
    // the resident id is PHI: its values never reach the draft
    assertThat(yaml).doesNotContain(RawFixture.validId(7))
        .contains("not written, the column holds PHI");
    RuleSpec codes = spec.rules().stream().filter(r -> r.id().equals("vitals-code-values"))
        .findFirst().orElseThrow();
    assertThat(codes.type()).isEqualTo("allowed_values");
    assertThat(codes.params().get("values")).extracting(n -> n.asText()).contains("8480-6",
        "2339-0", "39156-5");
    // device_id is set only for home readings: its completeness is retained with a threshold
    assertThat(spec.rules()).filteredOn(r -> r.column().equals("device_id")
        && r.type().equals("completeness")).singleElement()
        .satisfies(r -> assertThat(r.threshold()).isGreaterThan(0.0).isLessThan(1.0));
  }

  @Test
  void aMissingTableFailsWithWhatToDo() {
    LocalSpark.stop();
    int exit = JobMain.run(new SuggestSpec(), new String[] {"--home", home.toString(), "--table",
        "raw.nope", "--out", outDir.resolve("x.yaml").toString()});
    assertThat(exit).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(outDir.resolve("x.yaml")).doesNotExist();
    assertThat(JobMain.run(new SuggestSpec(), new String[] {"--home", home.toString(), "--table",
        "raw.vitals", "--out", "x.yaml", "--interval-start", "2025-03-01"}))
        .as("half an interval is a usage error").isEqualTo(JobMain.EXIT_USAGE);
  }
}
