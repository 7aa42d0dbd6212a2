package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.BadInput;
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
    assertThat(BadInput.run(new GovernJob(), home, "--interval-start", "2025-03-01",
        "--interval-end", "2025-03-02", "--spec-dir", specs.toString()))
        .containsPattern(java.util.regex.Pattern.quote(specs.resolve("visits.yaml") + ":")
            + "\\d+").contains("sometimes");
  }
}
