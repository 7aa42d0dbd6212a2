package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.ids.ResidentIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A generated recall suite for the scrubber's generic patterns: per typed format, {@value #N}
 * resident ids (valid GB 11643 check character) or mobiles of <i>other</i> people (the row's own
 * identifiers are not passed), planted in clinical sentences. Recall and its 95 % Wilson lower
 * bound are printed per format, and the bound must reach {@value #MIN_RECALL}. Negatives — lab
 * values, doses, ICD-10 codes, drug approval numbers, device serials, dates — must pass untouched.
 */
class TestPhiScrubberRecall {

  static final int N = 1000;
  static final double MIN_RECALL = 0.99;
  static final double Z = 1.959964;

  static final String[] DISTRICTS = {"110101", "110105", "120104", "310104", "330106", "440106",
      "510107", "610113", "420102", "320102"};

  /** Sentences with the planted value at {} (start, middle, end, next to Han, Latin, punctuation). */
  static final String[] CONTEXTS = {"{}", "身份证号{}，复诊。", "患者家属电话{}，已告知。", "证件：{}",
      "ID {}; BP 150/90", "{}号码已核对", "联系人（{}）", "备注:{}.", "其子{}陪同", "tel:{}, MRN none"};

  /** Wilson score interval lower bound for k successes in n trials. */
  static double wilsonLower(long k, long n) {
    double p = (double) k / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2.0 * n);
    double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return (centre - margin) / (1 + z2 / n);
  }

  static String residentId(SplittableRandom r) {
    String district = DISTRICTS[r.nextInt(DISTRICTS.length)];
    java.time.LocalDate birth = java.time.LocalDate.of(1930, 1, 1).plusDays(r.nextInt(32_000));
    String first17 = district + birth.toString().replace("-", "")
        + String.format("%03d", r.nextInt(1000));
    return ResidentIds.complete(first17);
  }

  static String mobile(SplittableRandom r) {
    return "1" + (3 + r.nextInt(7)) + String.format("%09d", r.nextInt(1_000_000_000));
  }

  static String fullWidth(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
    }
    return sb.toString();
  }

  static String groups(String s, String sep, int... sizes) {
    StringBuilder sb = new StringBuilder();
    int at = 0;
    for (int size : sizes) {
      if (at > 0) {
        sb.append(sep);
      }
      sb.append(s, at, at + size);
      at += size;
    }
    return sb.append(s.substring(at).isEmpty() ? "" : sep + s.substring(at)).toString();
  }

  static final Map<String, Function<String, String>> ID_FORMATS = new LinkedHashMap<>();
  static final Map<String, Function<String, String>> MOBILE_FORMATS = new LinkedHashMap<>();

  static {
    ID_FORMATS.put("plain", s -> s);
    ID_FORMATS.put("lower x", s -> s.toLowerCase());
    ID_FORMATS.put("6-8-4 spaces", s -> groups(s, " ", 6, 8, 4));
    ID_FORMATS.put("6-8-4 hyphens", s -> groups(s, "-", 6, 8, 4));
    ID_FORMATS.put("full-width", TestPhiScrubberRecall::fullWidth);
    ID_FORMATS.put("ideographic spaces", s -> groups(s, "\u3000", 6, 8, 4));
    ID_FORMATS.put("4-4-4-4-2", s -> groups(s, " ", 4, 4, 4, 4, 2));
    MOBILE_FORMATS.put("plain", s -> s);
    MOBILE_FORMATS.put("3-4-4 hyphens", s -> groups(s, "-", 3, 4, 4));
    MOBILE_FORMATS.put("3-4-4 spaces", s -> groups(s, " ", 3, 4, 4));
    MOBILE_FORMATS.put("+86 spaced", s -> "+86 " + groups(s, " ", 3, 4, 4));
    MOBILE_FORMATS.put("+86 hyphens", s -> "+86-" + groups(s, "-", 3, 4, 4));
    MOBILE_FORMATS.put("+86 joined", s -> "+86" + s);
    MOBILE_FORMATS.put("0086", s -> "0086" + s);
    MOBILE_FORMATS.put("(+86)", s -> "(+86)" + s);
    MOBILE_FORMATS.put("full-width", TestPhiScrubberRecall::fullWidth);
    MOBILE_FORMATS.put("full-width +86", s -> "＋86 " + groups(s, " ", 3, 4, 4));
    MOBILE_FORMATS.put("86-", s -> "86-" + s);
  }

  /** Plants N values per format; returns the per-format recall lines, asserting each bound. */
  static List<String> recall(String kind, Map<String, Function<String, String>> formats,
      Supplier<String> values, String tag, SplittableRandom r) {
    List<String> report = new ArrayList<>();
    for (Map.Entry<String, Function<String, String>> f : formats.entrySet()) {
      int found = 0;
      List<String> misses = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        String typed = f.getValue().apply(values.get());
        String context = CONTEXTS[r.nextInt(CONTEXTS.length)];
        String text = context.replace("{}", typed);
        String scrubbed = PhiScrubber.scrub(text, null, null, null, null);
        if (scrubbed.equals(context.replace("{}", tag))) {
          found++;
        } else if (misses.size() < 3) {
          misses.add(text + " → " + scrubbed);
        }
      }
      double lower = wilsonLower(found, N);
      String line = String.format("%s %-20s recall %d/%d = %.4f, 95%% Wilson lower bound %.4f%s",
          kind, f.getKey(), found, N, (double) found / N, lower,
          misses.isEmpty() ? "" : " misses e.g. " + misses);
      System.out.println(line);
      report.add(line);
      assertThat(lower).as(line).isGreaterThanOrEqualTo(MIN_RECALL);
    }
    return report;
  }

  @Test
  void residentIdsOfOtherPeopleAreFoundInEveryFormat() {
    SplittableRandom r = new SplittableRandom(11643);
    assertThat(ResidentIds.isValid(residentId(new SplittableRandom(1)))).isTrue();
    assertThat(recall("id", ID_FORMATS, () -> residentId(r), PhiScrubber.ID, r)).hasSize(7);
  }

  @Test
  void mobilesOfOtherPeopleAreFoundInEveryFormat() {
    SplittableRandom r = new SplittableRandom(86);
    assertThat(recall("mobile", MOBILE_FORMATS, () -> mobile(r), PhiScrubber.PHONE, r))
        .hasSize(11);
  }

  @Test
  void clinicalNumbersAreLeftUntouched() {
    SplittableRandom r = new SplittableRandom(10);
    Map<String, Supplier<String>> negatives = new LinkedHashMap<>();
    negatives.put("lab value", () -> String.format("血糖%.1f mmol/L，HbA1c %.1f%%，血压%d/%d mmHg，"
        + "体重%.1fkg", 3 + r.nextDouble() * 20, 4 + r.nextDouble() * 8, 90 + r.nextInt(120),
        50 + r.nextInt(70), 40 + r.nextDouble() * 80));
    negatives.put("dose", () -> String.format("氨氯地平%d mg qd×%d天，二甲双胍%d mg bid，"
        + "胰岛素%d U", 1 + r.nextInt(20), 1 + r.nextInt(90), 250 * (1 + r.nextInt(8)),
        r.nextInt(60)));
    negatives.put("ICD-10", () -> String.format("诊断：%c%02d.%d，I10，E11.9，R73.0%d",
        (char) ('A' + r.nextInt(26)), r.nextInt(100), r.nextInt(10), r.nextInt(10)));
    negatives.put("approval number", () -> String.format("国药准字H%08d，国药准字Z%08d",
        r.nextInt(100_000_000), r.nextInt(100_000_000)));
    negatives.put("device serial", () -> String.format("血压计SN:%s%09d，设备编号DEV-%d-%04d",
        (char) ('A' + r.nextInt(26)), r.nextInt(1_000_000_000),
        20200101 + r.nextInt(50000), r.nextInt(10000)));
    negatives.put("date and time", () -> String.format("2025-%02d-%02d %02d:%02d复诊，"
        + "2024年%d月%d日化验", 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
        r.nextInt(60), 1 + r.nextInt(12), 1 + r.nextInt(28)));
    for (Map.Entry<String, Supplier<String>> e : negatives.entrySet()) {
      int untouched = 0;
      String example = null;
      for (int i = 0; i < N; i++) {
        String text = e.getValue().get();
        String scrubbed = PhiScrubber.scrub(text, null, null, null, null);
        if (scrubbed.equals(text)) {
          untouched++;
        } else if (example == null) {
          example = text + " → " + scrubbed;
        }
      }
      System.out.printf("negative %-16s untouched %d/%d%s%n", e.getKey(), untouched, N,
          example == null ? "" : " e.g. " + example);
      assertThat(untouched).as("%s altered, e.g. %s", e.getKey(), example).isEqualTo(N);
    }
  }
}
