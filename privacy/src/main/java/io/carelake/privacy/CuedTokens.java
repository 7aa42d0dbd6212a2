package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifiers known by the word before them: a cue, optional filler ({@code :}, {@code #},
 * 号, 码, No.), then a token of the category's shape. Each category is one instance: its cues,
 * its token pattern, what it becomes.
 */
final class CuedTokens implements Detector {

  private final String[] cues;
  private final Pattern token;
  private final PhiScrubber.Category category;

  private final boolean[] firstChars;

  CuedTokens(PhiScrubber.Category category, Pattern token, String... cues) {
    this.category = category;
    this.token = token;
    this.cues = cues;
    this.firstChars = Scan.firstChars(cues);
  }

  /** Medical-insurance and social-insurance numbers other than the resident id. */
  static CuedTokens insurance() {
    return new CuedTokens(PhiScrubber.Category.INSURANCE,
        Pattern.compile("(?=[A-Za-z0-9-]{0,23}[0-9][A-Za-z0-9-]{0,23}[0-9][A-Za-z0-9-]{0,23}"
            + "[0-9][A-Za-z0-9-]{0,23}[0-9])[A-Za-z0-9][A-Za-z0-9-]{5,23}(?![A-Za-z0-9])"),
        "医保卡号", "医保号", "医保卡", "医保编号", "社保卡号", "社保号", "社保卡", "社保编号",
        "参保号", "医疗保险号", "医疗保险卡", "医疗证号", "新农合", "合作医疗证", "insurance id",
        "insurance no", "insurance number", "member id", "policy no", "policy number",
        "medicare", "medicaid", "subscriber id");
  }

  /** QQ numbers and WeChat ids. */
  static CuedTokens messenger() {
    return new CuedTokens(PhiScrubber.Category.MESSENGER,
        Pattern.compile("(?:[1-9][0-9]{4,10}|[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])"),
        "qq", "扣扣", "微信号", "微信", "wechat", "weixin", "wx", "vx", "v信");
  }

  /** Passports and travel permits named as such (other countries' formats, any shape). */
  static CuedTokens travelDocuments() {
    return new CuedTokens(PhiScrubber.Category.TRAVEL_DOCUMENT,
        Pattern.compile("(?=[A-Za-z0-9]{0,11}[0-9])[A-Za-z0-9]{6,12}(?![A-Za-z0-9])"),
        "护照号", "护照", "passport no", "passport number", "passport", "通行证号", "通行证",
        "回乡证", "台胞证", "往来港澳", "往来台湾", "travel permit", "permit no");
  }

  @Override
  public void find(Scan scan) {
    int[] at = scan.cuePositions(firstChars, cues);
    Matcher m = null;
    for (int c = 0; c < at.length; c += 2) {
      int i = at[c] + at[c + 1];
      if (Scan.isAsciiLetter(scan.chars[i - 1]) && i < scan.length
          && Scan.isAsciiLetter(scan.chars[i])) {
        continue; // "wxyz" is not the cue "wx"
      }
      int limit = Math.min(scan.length, i + 6);
      while (i < limit && isFiller(scan.chars[i])) {
        i++;
      }
      if (i >= scan.length) {
        continue;
      }
      m = m == null ? token.matcher(scan.text) : m;
      m.region(i, Math.min(scan.length, i + 32));
      if (m.lookingAt()) {
        scan.add(m.start(), m.end(), category);
      }
    }
  }

  private static boolean isFiller(char c) {
    return c == ' ' || c == ':' || c == '#' || c == '号' || c == '码' || c == '是' || c == '为'
        || c == '.' || c == '-' || c == '(' || c == ')' || c == '（' || c == '）' || c == '=';
  }
}
