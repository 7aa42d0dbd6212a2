package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Precision on PHI-free clinical text: {@value #N} generated notes of sentences written for this
 * suite (symptoms, findings, lab panels, doses, codes, device serials, schedules), none holding
 * an identifier. Every finding is a false positive; the share of notes with at least one must
 * stay at or below {@value #MAX_FALSE_POSITIVE_RATE} (stated in privacy/README.md). The
 * negatives of {@link PhiCorpus#NEGATIVES} must come out untouched exactly (TestPhiScrubberRecall).
 */
class TestPhiScrubberPrecision {

  static final int N = 2000;
  static final double MAX_FALSE_POSITIVE_RATE = 0.01;

  static final String[] SENTENCES = {"头晕三天，伴恶心，无呕吐。", "近一周夜尿增多，每晚%d次。",
      "血常规：WBC %.1f×10^9/L，Hb %d g/L，PLT %d×10^9/L。", "尿蛋白(+)，尿糖(-)。",
      "心电图：窦性心律，心率%d次/分。", "继续口服二甲双胍0.5 g tid，阿托伐他汀20 mg qn。",
      "胰岛素甘精%d U 睡前皮下注射。", "诊断：I10 原发性高血压；E11.9 2型糖尿病。",
      "血压计型号HEM-7121，序列号SN%d。", "复查时间：%d周后，空腹抽血。", "体重指数%.1f kg/m2，腰围%d cm。",
      "左下肢轻度水肿，足背动脉搏动可。", "HbA1c %.1f%%，较前下降。", "嘱戒烟限酒，每日步行%d分钟。",
      "眼底检查未见明显出血渗出。", "Follow-up in %d weeks; continue metformin 500 mg BID.",
      "BP %d/%d mmHg, HR %d bpm, SpO2 %d%%.", "eGFR %d mL/min/1.73m2, creatinine %d umol/L.",
      "第%d次随访，依从性良好。", "批号%d，有效期至2027年。", "平素体健，否认药物过敏史。",
      "明显好转，尚可，继续观察。", "高血压病史%d年，规律服药。", "头颅CT未见异常。"};

  static String note(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6 + r.nextInt(6); i++) {
      String s = SENTENCES[r.nextInt(SENTENCES.length)];
      Object[] args = new Object[4];
      for (int a = 0; a < args.length; a++) {
        args[a] = s.contains("%.1f") && a == 0 ? (Object) (3 + r.nextDouble() * 9)
            : (Object) (1 + r.nextInt(200));
      }
      try {
        sb.append(String.format(s, args));
      } catch (java.util.IllegalFormatException mixed) {
        sb.append(String.format(s.replace("%.1f", "%d"), args[1], args[1], args[2], args[3]));
      }
    }
    return sb.toString();
  }

  @Test
  void phiFreeClinicalNotesRarelyLoseAWord() {
    SplittableRandom r = new SplittableRandom(7);
    int withFalsePositive = 0;
    long findings = 0;
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      String text = note(r);
      List<PhiScrubber.Finding> found = PhiScrubber.find(text, null, null, null, null, null);
      if (!found.isEmpty()) {
        withFalsePositive++;
        findings += found.size();
        if (examples.size() < 5) {
          PhiScrubber.Finding f = found.get(0);
          examples.add(f.category() + " '" + text.substring(f.start(), f.end()) + "'");
        }
      }
    }
    double rate = (double) withFalsePositive / N;
    System.out.printf("precision suite: %d PHI-free notes, %d with a false positive (%.4f), %d"
        + " false findings%s%n", N, withFalsePositive, rate, findings,
        examples.isEmpty() ? "" : ", e.g. " + examples);
    assertThat(rate).as("false positives: %s", examples)
        .isLessThanOrEqualTo(MAX_FALSE_POSITIVE_RATE);
  }
}
