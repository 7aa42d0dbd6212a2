package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.BadInput;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad evaluation item set for the corpus is bad input: exit 2 before any Spark session. */
class TestCorpusValidation {

  @TempDir Path home;

  @Test
  void aBadItemSetExitsTwoBeforeSparkStarts() throws Exception {
    Path items = home.resolve("items.jsonl");
    Files.writeString(items, "not json\n");
    assertThat(BadInput.run(new CorpusJob(), home, "--interval-start", "2025-03-01",
        "--interval-end", "2025-03-02", "--eval-items", items.toString()))
        .startsWith("carelake corpus: --eval-items " + items);
  }
}
