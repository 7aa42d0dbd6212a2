package io.carelake.deid;

import io.carelake.core.ids.ResidentIds;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic visit notes for {@code bench deidentify}'s scrubber measure: clinical sentences with
 * measurements, doses and codes, and a few identifiers planted between them (their spans kept,
 * so the bench can report recall and precision on what it planted). Seeded; no real data. The
 * recall suites of the scrubber are in privacy's tests ({@code PhiCorpus}); this is only a
 * realistic load with a known answer.
 */
final class BenchNotes {

  /** A note and the original spans of the identifiers planted in it. */
  record Note(String text, List<int[]> planted, Integer shiftDays) {}

  private static final String[] SENTENCES = {"慢病随访，近期规律服药。", "无头晕头痛、胸闷气短。",
      "服药依从性一般，偶有漏服。", "神志清楚，生命体征平稳。", "嘱低盐低脂饮食，监测血压，不适随诊。",
      "口干、多饮、多尿，体重略有下降。", "诊断：原发性高血压；2型糖尿病。",
      "Patient reports mild headache, no chest pain; follow-up in two weeks."};
  private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "欧阳"};
  private static final String[] GIVEN = {"建国", "秀英", "丽", "伟", "海燕", "志强"};

  private BenchNotes() {}

  static Note note(SplittableRandom r, int sentences, int plants, boolean withDates) {
    StringBuilder sb = new StringBuilder(512);
    List<int[]> planted = new ArrayList<>();
    Integer shift = withDates ? 1 + r.nextInt(60) : null;
    int total = sentences + plants;
    int left = plants;
    for (int i = 0; i < total; i++) {
      if (left > 0 && r.nextInt(total - i) < left) {
        left--;
        sb.append("备注：");
        String value = identifier(r, withDates);
        planted.add(new int[] {sb.length(), sb.length() + value.length()});
        sb.append(value).append("。");
      } else if (r.nextInt(3) == 0) {
        sb.append(String.format("血压%d/%d mmHg，空腹血糖%.1f mmol/L，HbA1c %.1f%%，氨氯地平%d mg qd。",
            100 + r.nextInt(80), 60 + r.nextInt(40), 4 + r.nextDouble() * 10,
            5 + r.nextDouble() * 5, 5 * (1 + r.nextInt(2))));
      } else {
        sb.append(SENTENCES[r.nextInt(SENTENCES.length)]);
      }
    }
    return new Note(sb.toString(), planted, shift);
  }

  private static String identifier(SplittableRandom r, boolean withDates) {
    switch (r.nextInt(withDates ? 7 : 6)) {
      case 0:
        String first17 = String.format("%06d%s%03d", 110101 + r.nextInt(500),
            LocalDate.of(1940, 1, 1).plusDays(r.nextInt(25_000)).toString().replace("-", ""),
            r.nextInt(1000));
        return ResidentIds.complete(first17);
      case 1:
        String m = "13" + String.format("%09d", r.nextInt(1_000_000_000));
        return m.substring(0, 3) + "-" + m.substring(3, 7) + "-" + m.substring(7);
      case 2:
        return "0" + (21 + r.nextInt(8)) + "-" + (20_000_000 + r.nextInt(70_000_000));
      case 3:
        return "user" + r.nextInt(100_000) + "@example.org";
      case 4:
        return "患者" + SURNAMES[r.nextInt(SURNAMES.length)] + GIVEN[r.nextInt(GIVEN.length)];
      case 5:
        return "家住朝阳区建国路" + (1 + r.nextInt(300)) + "号";
      default:
        return LocalDate.of(2020, 1, 1).plusDays(r.nextInt(2000)).toString();
    }
  }
}
