package io.carelake.evaluation.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.McNemar;
import io.carelake.evaluation.stats.WilsonInterval;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Accuracy micro, macro and per subject, unparseable answers, and McNemar between iterations. */
class TestLmScores {

  static final ConfidenceLevel LEVEL = new ConfidenceLevel(0.95);

  /** 6 items: subject s1 has 4 (answer A), s2 has 2 (answer B). */
  static ExamItems items() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 6; i++) {
      sb.append(String.format("{\"id\": \"i%d\", \"subject\": \"%s\", \"question\": \"q\","
          + " \"options\": {\"A\": \"x\", \"B\": \"y\"}, \"answer\": \"%s\"}%n",
          i, i <= 4 ? "s1" : "s2", i <= 4 ? "A" : "B"));
    }
    return ExamItems.parse("items", sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  static ExamAnswers answers(ExamItems set, String... lines) throws Exception {
    return ExamAnswers.parse("answers", String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
        set);
  }

  @Test
  void accuracyCountsUnparseableAndMissingAnswersWrong() throws Exception {
    ExamItems set = items();
    // i1, i2 right; i3 wrong; i4 unparseable; i5 right; i6 unanswered
    LmScores.Scored s = LmScores.score(set, answers(set, "{\"id\": \"i1\", \"answer\": \"A\"}",
        "{\"id\": \"i2\", \"answer\": \"A\"}", "{\"id\": \"i3\", \"answer\": \"B\"}",
        "{\"id\": \"i4\", \"response\": \"maybe\"}", "{\"id\": \"i5\", \"answer\": \"B\"}"));
    List<LmScores.Accuracy> all = LmScores.accuracies(set, s, LmScores.ALL, i -> true, LEVEL, 7);
    LmScores.Accuracy micro = all.get(0);
    assertThat(micro.scope()).isEqualTo("micro");
    assertThat(micro.correct()).isEqualTo(3);
    assertThat(micro.items()).isEqualTo(6);
    assertThat(micro.unparseable()).isEqualTo(1);
    assertThat(micro.unanswered()).isEqualTo(1);
    assertThat(micro.accuracy()).isEqualTo(0.5);
    assertThat(micro.ci()).containsExactly(WilsonInterval.of(3, 6, LEVEL));
    LmScores.Accuracy s1 = all.get(1);
    assertThat(s1.subject()).isEqualTo("s1");
    assertThat(s1.accuracy()).isEqualTo(0.5);
    LmScores.Accuracy macro = all.get(all.size() - 1);
    assertThat(macro.scope()).isEqualTo("macro");
    // s1: 2 of 4, s2: 1 of 2 -> (0.5 + 0.5) / 2
    assertThat(macro.accuracy()).isEqualTo(0.5);
    assertThat(macro.ci()[0]).isLessThan(0.5);
    assertThat(macro.ci()[1]).isGreaterThan(0.5);
    // the clean subset: only items 1, 2 and 5
    List<LmScores.Accuracy> clean = LmScores.accuracies(set, s, LmScores.CLEAN,
        i -> i == 0 || i == 1 || i == 4, LEVEL, 7);
    assertThat(clean.get(0).items()).isEqualTo(3);
    assertThat(clean.get(0).accuracy()).isEqualTo(1.0);
    assertThat(clean.get(0).ci()[1]).isEqualTo(1.0);
    assertThat(clean.get(0).ci()[0]).isLessThan(0.5);
  }

  @Test
  void mcnemarComparesTheDiscordantItems() throws Exception {
    ExamItems set = items();
    LmScores.Scored first = LmScores.score(set, answers(set,
        "{\"id\": \"i1\", \"answer\": \"A\"}", "{\"id\": \"i2\", \"answer\": \"A\"}",
        "{\"id\": \"i3\", \"answer\": \"A\"}", "{\"id\": \"i4\", \"answer\": \"A\"}"));
    LmScores.Scored second = LmScores.score(set, answers(set,
        "{\"id\": \"i1\", \"answer\": \"A\"}", "{\"id\": \"i5\", \"answer\": \"B\"}"));
    LmScores.Comparison c = LmScores.compare(first, second, LmScores.ALL, i -> true);
    assertThat(c.bothCorrect()).isEqualTo(1);
    assertThat(c.onlyFirst()).isEqualTo(3);
    assertThat(c.onlySecond()).isEqualTo(1);
    assertThat(c.neither()).isEqualTo(1);
    assertThat(c.pValue()).isEqualTo(McNemar.exactPValue(3, 1));
    // 2 * P(X <= 1), X ~ Binomial(4, 1/2) = 2 * 5/16
    assertThat(c.pValue()).isCloseTo(0.625, within(1e-12));
    assertThat(c.accuracyFirst()).isCloseTo(4 / 6.0, within(1e-15));
  }
}
