package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.spark.JobMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad cohort definition is bad input: exit 2 before any Spark session, nothing written. */
class TestFeaturesValidation {

  @TempDir Path home;

  @Test
  void aBadCohortDefinitionExitsTwoBeforeSparkStarts() throws Exception {
    Path cohort = home.resolve("cohort.yaml");
    Files.writeString(cohort, "cohort:\n  name: broken\n  outcomes: [unclosed\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome = JobMain.execute(new FeaturesJob(), new String[] {"--home",
        home.toString(), "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
        "--cohort", cohort.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(printed).contains("invalid cohort definition").contains(cohort.toString());
    assertThat(home.resolve("catalog.db")).as("nothing written").doesNotExist();
  }
}
