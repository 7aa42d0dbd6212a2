package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.config.CarelakeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured item sets (corpus.eval-items) and their two kinds of line, without Spark. */
class TestContamination {

  @TempDir
  Path home;

  @Test
  void readsConfiguredExamItemsAndTestSplitTextRelativeToTheHome() throws Exception {
    Files.createDirectories(home.resolve("eval"));
    Files.writeString(home.resolve("eval/exam.jsonl"), "{\"id\":\"q1\",\"question\":\"血压多少?\","
        + "\"options\":{\"A\":\"120\",\"B\":\"140\"}}\n");
    Files.writeString(home.resolve("eval/test-split.jsonl"),
        "{\"id\":\"t1\",\"text\":\"患者头痛三天\"}\n\n{\"id\":\"t2\",\"text\":\"咳嗽一周\"}\n");
    CarelakeConfig cfg = CarelakeConfig.load(home).withSaved(Contamination.CONFIG_KEY,
        "eval/exam.jsonl, eval/test-split.jsonl");

    List<Contamination.ItemSet> sets = Contamination.configured(cfg);

    assertThat(sets).hasSize(2);
    assertThat(sets.get(0).items()).containsExactly(
        new Contamination.Item("q1", "血压多少?\nA. 120\nB. 140"));
    assertThat(sets.get(1).items()).containsExactly(new Contamination.Item("t1", "患者头痛三天"),
        new Contamination.Item("t2", "咳嗽一周"));
    // the set's id is the SHA-256 of the file's bytes, as evaluate-lm computes it
    assertThat(sets.get(1).sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(
            Files.readString(home.resolve("eval/test-split.jsonl")).getBytes(
                StandardCharsets.UTF_8))));
  }

  @Test
  void noConfiguredSetsByDefault() {
    assertThat(Contamination.configured(CarelakeConfig.load(home))).isEmpty();
  }

  @Test
  void aMissingOrMalformedConfiguredFileNamesTheKeyAndTheFile() throws Exception {
    CarelakeConfig missing = CarelakeConfig.load(home).withSaved(Contamination.CONFIG_KEY,
        "nowhere.jsonl");
    assertThatThrownBy(() -> Contamination.configured(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Contamination.CONFIG_KEY)
        .hasMessageContaining(home.resolve("nowhere.jsonl").toString());

    Files.writeString(home.resolve("bad.jsonl"), "{\"id\":\"t1\",\"text\":\"ok\"}\n"
        + "{\"id\":\"t2\",\"passage\":\"no text key\"}\n");
    CarelakeConfig bad = CarelakeConfig.load(home).withSaved(Contamination.CONFIG_KEY, "bad.jsonl");
    assertThatThrownBy(() -> Contamination.configured(bad))
        .hasMessageContaining(Contamination.CONFIG_KEY)
        .hasMessageContaining("bad.jsonl:2")
        .hasMessageContaining("\"text\" (test-split text)");
  }
}
