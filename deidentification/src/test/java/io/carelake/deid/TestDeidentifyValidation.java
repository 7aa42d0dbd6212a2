package io.carelake.deid;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.BadInput;
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
    assertThat(BadInput.run(new DeidentifyJob(), home, "--interval-start", "2025-03-01",
        "--interval-end", "2025-03-02", "--policy", policy.toString()))
        .containsPattern(java.util.regex.Pattern.quote(policy + ":") + "\\d+");
  }
}
