package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.BadInput;
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
    assertThat(BadInput.run(new FeaturesJob(), home, "--interval-start", "2025-03-01",
        "--interval-end", "2025-03-02", "--cohort", cohort.toString()))
        .contains("invalid cohort definition").contains(cohort.toString());
  }
}
