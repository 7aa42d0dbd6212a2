package io.carelake.governance;

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

/** A bad governance spec is bad input: exit 2 before any Spark session, nothing written. */
class TestGovernValidation {

  @TempDir Path home;

  @Test
  void aBadSpecExitsTwoNamingItsLineBeforeSparkStarts() throws Exception {
    Path specs = Files.createDirectories(home.resolve("specs"));
    String visits = new String(getClass().getResourceAsStream("/carelake/specs/visits.yaml")
        .readAllBytes(), StandardCharsets.UTF_8);
    Files.writeString(specs.resolve("visits.yaml"),
        visits.replaceFirst("severity: block", "severity: sometimes"));
    Files.copy(getClass().getResourceAsStream("/carelake/specs/vitals.yaml"),
        specs.resolve("vitals.yaml"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome;
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      outcome = JobMain.execute(new GovernJob(), new String[] {"--home", home.toString(),
          "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
          "--spec-dir", specs.toString()}, err);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(printed).startsWith("carelake govern: ").contains(specs.resolve("visits.yaml")
        + ":").contains("sometimes").doesNotContain("\tat ");
    assertThat(home.resolve("catalog.db")).as("nothing written, not even the ledger")
        .doesNotExist();
  }
}
