package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifiers with a shape of their own, found without a cue, on the ASCII stretches that can
 * hold them ({@link AsciiRuns}):
 * <ul>
 *   <li>{@link #records}: medical record numbers after a cue (病历号, 住院号, 门诊号, 病案号,
 *       就诊号, 档案号, 登记号, MRN, MR#, Record #, Medical Record Number, Patient ID; the cue
 *       stays), and without one: UUIDs (Synthea's patient and encounter ids) and the hospital
 *       shapes {@code ZY20240001}, {@code MZ-2024-00123} (pinyin initials of 住院 / 门诊 / 病案 /
 *       就诊 and 6-12 digits);</li>
 *   <li>{@link #travelDocuments}: CN passports ({@code E12345678}, {@code EA1234567},
 *       {@code G12345678}), permits to Hong Kong / Macau ({@code C12345678}, {@code W12345678})
 *       and Taiwan ({@code T12345678}), home-return permits ({@code H1234567890},
 *       {@code M12345678}); not after 准字 / 批号 / 编号 / SN / LOT, where such a shape is a drug
 *       approval or a batch number.</li>
 * </ul>
 */
final class CodedIdentifiers implements Detector {

  static final Pattern RECORD_CUED = Pattern.compile(
      "(?:病历号|住院号|门诊号|病案号|就诊号|档案号|登记号|(?i:MRN|MR ?#|Medical Record(?: Number| No\\.?)?"
          + "|Record ?(?:#|No\\.?|Number)|Patient ID))"
          + " {0,2}(?:[:#]|No\\.?)? {0,2}"
          + "((?=[A-Za-z\\-]{0,19}\\d)[A-Za-z0-9][A-Za-z0-9\\-]{2,19})(?![A-Za-z0-9])");
  static final Pattern RECORD_SHAPES = Pattern.compile(
      "(?<![0-9A-Za-z-])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
          + "[0-9a-fA-F]{12}|(?:ZYH|MZH|BAH|ZY|MZ|BA|JZ)-?(?:(?:19|20)[0-9]{2}-)?[0-9]{5,12})"
          + "(?![0-9A-Za-z-])");
  static final Pattern TRAVEL = Pattern.compile(
      "(?<![0-9A-Za-z])(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[CWT][0-9]{8}|C[A-HJ-NP-Z]"
          + "[0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)(?![0-9A-Za-z])");
  static final String[] NOT_A_DOCUMENT = {"准字", "批号", "编号", "注册", "sn", "lot", "型号",
      "批准", "备案"};

  private final boolean records;

  private CodedIdentifiers(boolean records) {
    this.records = records;
  }

  static CodedIdentifiers records() {
    return new CodedIdentifiers(true);
  }

  static CodedIdentifiers travelDocuments() {
    return new CodedIdentifiers(false);
  }

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasDigit) {
      return;
    }
    if (records) {
      // Han cues end in 号: look there only (a cue's 号 is its third character, so the search
      // starts at 2; a 号 before that, as in 1号床, must not end it); Latin cues on the ASCII
      // runs that hold a digit
      String t = scan.text;
      Matcher m = null;
      for (int k = t.indexOf('号', 2); k >= 0; k = t.indexOf('号', k + 1)) {
        m = m == null ? RECORD_CUED.matcher(t) : m;
        m.region(k - 2, Math.min(scan.length, k + 28));
        if (m.lookingAt()) {
          scan.add(m.start(1), m.end(1), PhiScrubber.Category.RECORD);
        }
      }
      if (scan.normalised.hasUpperLatin || scan.text.indexOf('-') >= 0) {
        AsciiRuns.find(scan, RECORD_CUED, PhiScrubber.Category.RECORD, null, 3,
            CodedIdentifiers::hasLatinRecordCue);
        AsciiRuns.find(scan, RECORD_SHAPES, PhiScrubber.Category.RECORD, null, 5,
            CodedIdentifiers::hasRecordShape);
      }
    } else if (scan.normalised.hasUpperLatin) {
      AsciiRuns.find(scan, TRAVEL, PhiScrubber.Category.TRAVEL_DOCUMENT, NOT_A_DOCUMENT, 7,
          CodedIdentifiers::hasCapitalThenDigits);
    }
  }

  /** MRN, MR #, Record, Patient ID or Medical Record (any case) within [from, to). */
  static boolean hasLatinRecordCue(String t, int from, int to) {
    for (int i = from; i < to - 2; i++) {
      char a = (char) (t.charAt(i) | 0x20);
      char b = (char) (t.charAt(i + 1) | 0x20);
      if (a == 'm' && b == 'r' && (i == from || !Scan.isAsciiLetter(t.charAt(i - 1)))
          || a == 'r' && b == 'e' && t.regionMatches(true, i, "record", 0, Math.min(6, to - i))
          || a == 'i' && b == 'd' && i > from && t.charAt(i - 1) == ' ') {
        return true;
      }
    }
    return false;
  }

  /** A capital followed by 7 digits (or a capital and a digit run after another capital). */
  static boolean hasCapitalThenDigits(String t, int from, int to) {
    for (int i = from; i + 7 < to; i++) {
      char c = t.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        int j = i + 1;
        if (t.charAt(j) >= 'A' && t.charAt(j) <= 'Z') {
          j++;
        }
        int d = j;
        while (j < to && Scan.isAsciiDigit(t.charAt(j))) {
          j++;
        }
        if (j - d >= 7) {
          return true;
        }
      }
    }
    return false;
  }

  /** Four hyphens (a UUID) or two capitals (a hospital prefix) within [from, to). */
  static boolean hasRecordShape(String t, int from, int to) {
    int hyphens = 0;
    for (int i = from; i < to - 1; i++) {
      char c = t.charAt(i);
      if (c == '-') {
        hyphens++;
      } else if (c >= 'A' && c <= 'Z' && t.charAt(i + 1) >= 'A' && t.charAt(i + 1) <= 'Z') {
        return true;
      }
    }
    return hyphens >= 4;
  }
}
