package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.evaluation.lm.EvaluateLmJob;
import io.carelake.spark.BadInput;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad evaluation spec or exam file is bad input: exit 2 before any Spark session. */
class TestEvaluateValidation {

  @TempDir Path home;

  @Test
  void aBadEvaluationSpecExitsTwoNamingItsFile() throws Exception {
    Path spec = home.resolve("spec.yaml");
    Files.writeString(spec, "name: broken\nbootstrap: [unclosed\n");
    assertThat(BadInput.run(new EvaluateJob(), home, "--spec", spec.toString(),
        "--iteration", "it-1")).contains(spec.toString());
  }

  @Test
  void aBadAnswersFileExitsTwoNamingItsLine() throws Exception {
    Path answers = home.resolve("answers.jsonl");
    Files.writeString(answers, "{\"id\": \"q1\", \"answer\": \"B\"}\nnot json\n");
    assertThat(BadInput.run(new EvaluateLmJob(), home, "--iteration", "lm-1",
        "--answers", answers.toString())).contains(answers.toString());
  }
}
