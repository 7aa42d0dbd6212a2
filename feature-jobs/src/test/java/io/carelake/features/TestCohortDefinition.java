package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.features.cohort.CodeSet;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.DefinitionException;
import io.carelake.features.cohort.DefinitionLoader;
import io.carelake.features.cohort.DrugAtc;
import io.carelake.spark.JobMain;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cohort definitions: the shipped one, the errors of bad ones (file:line, exit 2, no Spark). */
class TestCohortDefinition {

  @TempDir Path dir;

  static String builtInText() throws Exception {
    try (InputStream in = DefinitionLoader.class.getClassLoader()
        .getResourceAsStream(DefinitionLoader.BUILT_IN)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The built-in definition with one replacement, written to a file. */
  Path variant(String from, String to) throws Exception {
    String text = builtInText();
    assertThat(text).contains(from);
    Path f = dir.resolve("cohort.yaml");
    Files.writeString(f, text.replace(from, to));
    return f;
  }

  static int lineOf(Path file, String text) throws Exception {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }

  @Test
  void theShippedDefinitionSaysWhatTheReadmeSays() {
    CohortDefinition d = DefinitionLoader.builtIn();
    assertThat(d.id()).isEqualTo("chronic-risk@1");
    assertThat(d.target()).isEqualTo(new CohortDefinition.Target(365, 1, 30, 365));
    assertThat(d.indexDates().sampling()).isEqualTo(CohortDefinition.Sampling.MONTHLY);
    assertThat(d.timeAtRisk()).isEqualTo(new CohortDefinition.TimeAtRisk(0, 180, 180));
    assertThat(d.washout().priorOutcomeLookbackDays()).as("all history").isNull();
    assertThat(d.features().windowsDays()).containsExactly(30, 90, 365);
    assertThat(d.outcomes()).extracting(CohortDefinition.Outcome::id)
        .containsExactly("hypertension", "type2_diabetes");
    assertThat(d.hash()).hasSize(64).isEqualTo(DefinitionLoader.builtIn().hash());
    assertThat(d.codeSetsUsed()).containsExactly("icd10-hypertension", "icd10-type2-diabetes");
  }

  @Test
  void theHashCoversTheFileAndItsCodeSets() throws Exception {
    Path same = variant("name: chronic-risk", "name: chronic-risk");
    CohortDefinition fromFile = DefinitionLoader.load(same);
    assertThat(fromFile.hash()).isEqualTo(DefinitionLoader.builtIn().hash());
    // a local code set of the same name replaces the built-in one, and changes the identity
    Files.createDirectories(dir.resolve("codes"));
    Files.writeString(dir.resolve("codes/icd10-hypertension.txt"), "# local\nI10\n");
    CohortDefinition local = DefinitionLoader.load(same);
    assertThat(local.hash()).isNotEqualTo(fromFile.hash());
    CohortDefinition.Diagnosis dx = (CohortDefinition.Diagnosis) local.outcomes().get(0)
        .anyOf().get(0);
    assertThat(dx.codes().entries()).containsExactly("I10");
    assertThat(DefinitionLoader.load(variant("version: \"1\"", "version: \"2\"")).hash())
        .isNotEqualTo(fromFile.hash());
  }

  @Test
  void anUnknownCodeSystemNamesItsLine() throws Exception {
    Path f = variant("diagnosis: {system: icd10, code_set: icd10-hypertension}",
        "diagnosis: {system: snomed, code_set: icd10-hypertension}");
    assertThatThrownBy(() -> DefinitionLoader.load(f)).isInstanceOf(DefinitionException.class)
        .hasMessageStartingWith(f + ":" + lineOf(f, "system: snomed") + ": unknown code system"
            + " 'snomed' in outcomes[0].any_of[0].diagnosis.system; diagnoses are ICD-10 codes");
  }

  @Test
  void aTimeAtRiskThatOverlapsTheFeatureWindowOrEndsBeforeItStartsIsRefused() throws Exception {
    Path overlap = variant("start_days: 0", "start_days: -30");
    assertThatThrownBy(() -> DefinitionLoader.load(overlap))
        .hasMessageStartingWith(overlap + ":" + lineOf(overlap, "start_days:") + ": the time at"
            + " risk starts 30 days before the index date: it overlaps the feature window");
    Path backwards = variant("end_days: 180", "end_days: -5");
    assertThatThrownBy(() -> DefinitionLoader.load(backwards))
        .hasMessageStartingWith(backwards + ":" + lineOf(backwards, "end_days:") + ": the time"
            + " at risk ends (end_days -5) before it starts (start_days 0)");
    Path windows = variant("windows_days: [30, 90, 365]", "windows_days: [30, 90, 90]");
    assertThatThrownBy(() -> DefinitionLoader.load(windows))
        .hasMessageContaining(windows + ":" + lineOf(windows, "windows_days") + ": window 90"
            + " days is listed twice");
  }

  @Test
  void unknownFieldsCodeSetsDuplicateKeysAndBadYamlSayWhereAndWhat() throws Exception {
    Path typo = variant("  lookback_days: 365", "  lookbak_days: 365");
    // both problems, the first by line (the block that misses a field) then the unknown one
    assertThatThrownBy(() -> DefinitionLoader.load(typo))
        .hasMessageStartingWith(typo + ":" + lineOf(typo, "target:") + ": missing field"
            + " 'lookback_days' in target")
        .hasMessageContaining("also line " + lineOf(typo, "lookbak_days") + ": unknown field"
            + " 'lookbak_days' in target");
    Path codeSet = variant("code_set: icd10-type2-diabetes", "code_set: icd10-diabetes");
    assertThatThrownBy(() -> DefinitionLoader.load(codeSet))
        .hasMessageContaining(":" + lineOf(codeSet, "icd10-diabetes") + ": unknown code set"
            + " 'icd10-diabetes'");
    Path dup = variant("  min_visits: 1", "  min_visits: 1\n  min_visits: 2");
    assertThatThrownBy(() -> DefinitionLoader.load(dup))
        .hasMessageContaining(dup + ":" + lineOf(dup, "min_visits: 2") + ": 'min_visits' is given"
            + " twice (first at line " + lineOf(dup, "min_visits: 1") + "); keep one");
    Path sampling = variant("sampling: monthly", "sampling: weekly");
    assertThatThrownBy(() -> DefinitionLoader.load(sampling))
        .hasMessageContaining(":" + lineOf(sampling, "sampling: weekly")
            + ": unknown index-date sampling 'weekly'");
  }

  @Test
  void codeSetsMatchCategoriesRangesAndSubcodes() throws Exception {
    CohortDefinition d = DefinitionLoader.builtIn();
    CodeSet htn = ((CohortDefinition.Diagnosis) d.outcomes().get(0).anyOf().get(0)).codes();
    assertThat(List.of("I10", "i10 ", "I11.9", "I13.2", "I15.0")).allMatch(htn::matches);
    assertThat(List.of("I16", "I09", "E11", "I1")).noneMatch(htn::matches);
    CodeSet dm = ((CohortDefinition.Diagnosis) d.outcomes().get(1).anyOf().get(0)).codes();
    assertThat(List.of("E11", "E11.65", "E14.9")).allMatch(dm::matches);
    assertThat(List.of("E10.9", "E13", "R73.03")).noneMatch(dm::matches);
    assertThat(htn.source()).contains("icd10-hypertension.txt");
  }

  @Test
  void drugNamesMapToAtcByTheTable() {
    DrugAtc table = DrugAtc.builtIn();
    assertThat(table.atcOf("硝苯地平控释片")).isEqualTo("C08CA05");
    assertThat(table.atcOf("美托洛尔缓释片")).isEqualTo("C07AB02");
    assertThat(table.atcOf("amlodipine 5 MG Oral Tablet")).isEqualTo("C08CA01");
    assertThat(table.atcOf("Metformin")).isEqualTo("A10BA02");
    assertThat(table.atcOf("C09CA03")).as("a source that sends ATC codes").isEqualTo("C09CA03");
    assertThat(table.atcOf("连花清瘟胶囊")).as("not in the table").isNull();
  }

  @Test
  void anInvalidDefinitionOrAnIntervalWithoutIndexDateExitsTwoBeforeSparkStarts()
      throws Exception {
    Path bad = variant("end_days: 180", "end_days: 0");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int rc;
    int noIndex;
    try {
      rc = JobMain.run(new FeaturesJob(), new String[] {"--home", dir.toString(),
          "--interval-start", "2025-03-01", "--interval-end", "2025-04-01", "--cohort",
          bad.toString()});
      noIndex = JobMain.run(new FeaturesJob(), new String[] {"--home", dir.toString(),
          "--interval-start", "2025-03-02", "--interval-end", "2025-03-20"});
    } finally {
      System.setErr(err);
    }
    assertThat(rc).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(noIndex).isEqualTo(JobMain.EXIT_USAGE);
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("invalid cohort definition: " + bad + ":"
        + lineOf(bad, "end_days:") + ": the time at risk ends")
        .contains("holds no index date: chronic-risk@1 samples month starts");
    // no Spark session started: its catalog (and so any ledger) was never opened
    assertThat(dir.resolve("catalog.db")).doesNotExist();
    assertThat(dir.resolve("warehouse")).doesNotExist();
  }
}
