package io.carelake.datasets;

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

/** A bad evaluation item set for the corpus is bad input: exit 2 before any Spark session. */
class TestCorpusValidation {

  @TempDir Path home;

  @Test
  void aBadItemSetExitsTwoBeforeSparkStarts() throws Exception {
    Path items = home.resolve("items.jsonl");
    Files.writeString(items, "not json\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome = JobMain.execute(new CorpusJob(), new String[] {"--home",
        home.toString(), "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
        "--eval-items", items.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(printed).startsWith("carelake corpus: --eval-items " + items);
    assertThat(home.resolve("catalog.db")).as("nothing written").doesNotExist();
  }
}
