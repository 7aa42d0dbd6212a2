package io.carelake.deid;

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

/** A bad de-identification policy is bad input: exit 2 before any Spark session, nothing written. */
class TestDeidentifyValidation {

  @TempDir Path home;

  @Test
  void aBadPolicyExitsTwoNamingItsLineBeforeSparkStarts() throws Exception {
    Path policy = home.resolve("policy.yaml");
    Files.writeString(policy, "version: 1\ntables:\n  visits:\n    columns: [unclosed\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome;
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      outcome = JobMain.execute(new DeidentifyJob(), new String[] {"--home", home.toString(),
          "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
          "--policy", policy.toString()}, err);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(printed).startsWith("carelake deidentify: ").contains(policy + ":")
        .doesNotContain("\tat ");
    assertThat(home.resolve("catalog.db")).as("nothing written, not even the ledger")
        .doesNotExist();
  }
}
