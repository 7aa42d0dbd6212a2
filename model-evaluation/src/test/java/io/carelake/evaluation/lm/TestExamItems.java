package io.carelake.evaluation.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.generator.SyntheticExamItems;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped synthetic item set: what the generator makes, labelled synthetic, and every answer
 * right by the guideline thresholds re-derived here from each item's facts; and the item and
 * answer files' parsing rules.
 */
class TestExamItems {

  static byte[] shipped() throws Exception {
    try (var in = TestExamItems.class.getClassLoader()
        .getResourceAsStream(EvaluateLmJob.ITEMS_RESOURCE)) {
      return in.readAllBytes();
    }
  }

  @Test
  void theShippedSetIsExactlyWhatTheGeneratorMakes() throws Exception {
    String generated = String.join("\n", SyntheticExamItems.jsonl(
        SyntheticExamItems.SEED_DEFAULT, SyntheticExamItems.PER_SUBJECT_DEFAULT)) + "\n";
    assertThat(new String(shipped(), StandardCharsets.UTF_8)).isEqualTo(generated);
  }

  @Test
  void everyItemIsSyntheticAndItsAnswerFollowsFromTheThresholds() throws Exception {
    ExamItems set = ExamItems.parse("shipped", shipped());
    assertThat(set.items()).hasSize(100);
    assertThat(set.name()).isEqualTo(SyntheticExamItems.ITEM_SET);
    Map<String, Long> subjects = set.items().stream()
        .collect(Collectors.groupingBy(ExamItems.Item::subject, Collectors.counting()));
    assertThat(subjects).hasSize(5).allSatisfy((s, n) -> assertThat(n).isEqualTo(20));
    ObjectMapper json = new ObjectMapper();
    String[] lines = new String(shipped(), StandardCharsets.UTF_8).split("\n");
    for (String line : lines) {
      JsonNode item = json.readTree(line);
      assertThat(item.get("synthetic").asBoolean()).isTrue();
      assertThat(item.get("source").asText()).contains("synthetic").contains("not real");
      String chosen = item.at("/options/" + item.get("answer").asText()).asText();
      JsonNode f = item.get("facts");
      switch (item.get("subject").asText()) {
        case "hypertension_diagnosis" -> {
          // office BP >= 140 and/or >= 90 mmHg on three different days, untreated
          boolean diagnosed = true;
          for (int k = 0; k < 3; k++) {
            diagnosed &= f.get("sbp").get(k).asInt() >= 140 || f.get("dbp").get(k).asInt() >= 90;
          }
          assertThat(chosen).isEqualTo(diagnosed ? "可诊断为高血压" : "未达到高血压诊断标准");
        }
        case "diabetes_fpg" -> {
          // CDS 2020: FPG >= 7.0 diabetic range; 6.1 to < 7.0 impaired fasting glucose
          double g = f.get("fasting_plasma_glucose_mmol_l").asDouble();
          assertThat(chosen).startsWith(g >= 7.0 ? "达到糖尿病诊断切点" : g >= 6.1 ? "空腹血糖受损"
              : "空腹血糖正常");
        }
        case "glucose_units" -> assertThat(chosen).isEqualTo(String.format(java.util.Locale.ROOT,
            "%.1f mmol/L", Math.round(f.get("glucose_mg_dl").asInt() / 18.0 * 10) / 10.0));
        case "icd10_coding" -> assertThat(chosen).isEqualTo(f.get("icd10").asText());
        case "drug_class" -> assertThat(chosen).isEqualTo(Map.of(
            "氨氯地平", "二氢吡啶类钙通道阻滞剂", "硝苯地平控释片", "二氢吡啶类钙通道阻滞剂",
            "缬沙坦", "血管紧张素Ⅱ受体拮抗剂", "厄贝沙坦", "血管紧张素Ⅱ受体拮抗剂",
            "氢氯噻嗪", "噻嗪类利尿剂", "美托洛尔缓释片", "β受体阻滞剂", "二甲双胍", "双胍类",
            "格列美脲", "磺脲类促泌剂", "阿卡波糖", "α-糖苷酶抑制剂", "西格列汀", "DPP-4抑制剂")
            .getOrDefault(f.get("drug").asText(), "他汀类（HMG-CoA还原酶抑制剂）"));
        default -> throw new AssertionError("unexpected subject in " + line);
      }
    }
  }

  @Test
  void badItemFilesAreRefusedWithTheirLine() {
    String ok = "{\"id\": \"a\", \"subject\": \"s\", \"question\": \"q\", \"options\": {\"A\": \"x\","
        + " \"B\": \"y\"}, \"answer\": \"A\"}";
    assertThatThrownBy(() -> ExamItems.parse("items.jsonl", (ok + "\n" + ok).getBytes()))
        .hasMessage("items.jsonl:2: item id a repeats line 1");
    assertThatThrownBy(() -> ExamItems.parse("items.jsonl", ok.replace("\"answer\": \"A\"",
        "\"answer\": \"C\"").getBytes()))
        .hasMessage("items.jsonl:1: item a: answer 'C' is not one of its options [A, B]");
    assertThatThrownBy(() -> ExamItems.parse("items.jsonl", ("\n" + ok.replace("\"question\": \"q\", ",
        "")).getBytes())).hasMessage("items.jsonl:2: missing or empty text field 'question'");
    assertThatThrownBy(() -> ExamItems.parse("items.jsonl", "{not json".getBytes()))
        .hasMessageStartingWith("items.jsonl:1: not JSON");
  }

  @Test
  void answersAreReadStrictly() throws Exception {
    ExamItems set = ExamItems.parse("items", ("{\"id\": \"a\", \"subject\": \"s\", \"question\":"
        + " \"q\", \"options\": {\"A\": \"x\", \"B\": \"y\", \"C\": \"z\"}, \"answer\": \"B\"}")
        .getBytes());
    assertThat(letter(set, "{\"id\": \"a\", \"answer\": \"b\"}")).isEqualTo("B");
    assertThat(letter(set, "{\"id\": \"a\", \"answer\": \"(C).\"}")).isEqualTo("C");
    assertThat(letter(set, "{\"id\": \"a\", \"answer\": \"（A）\"}")).isEqualTo("A");
    assertThat(letter(set, "{\"id\": \"a\", \"response\": \"分析后，答案是 B。\"}")).isEqualTo("B");
    assertThat(letter(set, "{\"id\": \"a\", \"response\": \"The answer is (c) because\"}"))
        .isEqualTo("C");
    // unreadable: two letters stated, a letter that is no option, prose only
    assertThat(letter(set, "{\"id\": \"a\", \"response\": \"答案是A，不对，答案是B\"}")).isNull();
    assertThat(letter(set, "{\"id\": \"a\", \"answer\": \"D\"}")).isNull();
    assertThat(letter(set, "{\"id\": \"a\", \"response\": \"I think it is hypertension\"}"))
        .isNull();
    assertThatThrownBy(() -> ExamAnswers.parse("answers.jsonl", ("{\"id\": \"a\", \"answer\":"
        + " \"A\"}\n{\"id\": \"a\", \"answer\": \"B\"}").getBytes(), set))
        .hasMessage("answers.jsonl:2: item a is answered twice (first at line 1); keep one"
            + " answer per item");
    ExamAnswers unknown = ExamAnswers.parse("answers.jsonl", "{\"id\": \"zzz\", \"answer\": \"A\"}"
        .getBytes(), set);
    assertThat(unknown.unknownItems()).isEqualTo(1);
    assertThat(unknown.byItem()).isEmpty();
  }

  static String letter(ExamItems set, String line) throws Exception {
    return ExamAnswers.parse("answers", line.getBytes(StandardCharsets.UTF_8), set).byItem()
        .get("a").letter();
  }
}
