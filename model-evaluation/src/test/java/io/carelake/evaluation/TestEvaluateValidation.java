package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.evaluation.lm.EvaluateLmJob;
import io.carelake.spark.JobMain;
import io.carelake.spark.SparkJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad evaluation spec or exam file is bad input: exit 2 before any Spark session. */
class TestEvaluateValidation {

  @TempDir Path home;

  private String badInput(SparkJob job, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome = JobMain.execute(job, args,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(home.resolve("catalog.db")).as("nothing written").doesNotExist();
    return printed;
  }

  @Test
  void aBadEvaluationSpecExitsTwoNamingItsFile() throws Exception {
    Path spec = home.resolve("spec.yaml");
    Files.writeString(spec, "name: broken\nbootstrap: [unclosed\n");
    assertThat(badInput(new EvaluateJob(), "--home", home.toString(), "--spec", spec.toString(),
        "--iteration", "it-1")).contains(spec.toString()).doesNotContain("\tat ");
  }

  @Test
  void aBadAnswersFileExitsTwoNamingItsLine() throws Exception {
    Path answers = home.resolve("answers.jsonl");
    Files.writeString(answers, "{\"id\": \"q1\", \"answer\": \"B\"}\nnot json\n");
    assertThat(badInput(new EvaluateLmJob(), "--home", home.toString(), "--iteration", "lm-1",
        "--answers", answers.toString())).startsWith("carelake evaluate-lm: ")
        .contains(answers.toString()).doesNotContain("\tat ");
  }
}
