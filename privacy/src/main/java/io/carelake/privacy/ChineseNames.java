package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chinese personal names (after normalisation, which folds traditional characters into
 * simplified ones, so 陳美玲 is found as 陈美玲):
 * <ul>
 *   <li>after a cue: 患者 / 病人 / 家属 / 联系人 / 监护人 / 姓名, then punctuation, 男 / 女 or an
 *       age; a surname before 先生 / 女士 / 大夫 / 老师 / 阿姨; relatives before 陪同 / 代诉;
 *       clinicians after 医师 / 医生 / 护士 / 签名 (staff names are deleted from research releases,
 *       GB/T 39725-2020);</li>
 *   <li>a signature: a full name alone in parentheses, {@code （李娜）};</li>
 *   <li>without a cue: a surname and one or two characters that are common in given names
 *       ({@link NameLexicon#NAME_CHAR_MIN}), standing alone between punctuation, spaces or digits,
 *       or just before a verb of a visit (来诊, 就诊, 陪同, 诉, 签字 …). A clinical word list keeps
 *       words such as 明显 or 尚可 out.</li>
 * </ul>
 */
final class ChineseNames implements Detector {

  static final Pattern CUED = Pattern.compile(
      "(?:患者|病人|家属|联系人|监护人|姓名:? ?|签名:? ?|签字:? ?)([\\p{IsHan}&&[^,，。、男女岁的于在因]]{2,4}?)"
          + "(?=[,，。、;；:：\\s()（）]|男|女|\\d|$)");
  static final Pattern RELATIVE = Pattern.compile(
      "(?:儿子|女儿|老伴|儿媳|女婿|孙子|孙女|外孙|外孙女|丈夫|妻子|爱人|家属|亲属|父亲|母亲|哥哥|姐姐|弟弟|妹妹)"
          + "([\\p{IsHan}]{2,4}?)(?=陪同|陪伴|代诉|代述)");
  static final Pattern CLINICIAN = Pattern.compile(
      "(?:主治医师|接诊医生|责任护士|医师|医生|护士|主任|签名|记录者|记录人):? ?([\\p{IsHan}]{2,4})"
          + "(?=$|[。，,；;）)\\s])");
  static final Pattern SIGNATURE = Pattern.compile("[(（]([\\p{IsHan}]{2,4})[)）]");
  static final String[] CUES = {"患者", "病人", "家属", "联系人", "监护人", "姓名", "签名", "签字"};
  static final String[] STAFF = {"主治医师", "接诊医生", "责任护士", "医师", "医生", "护士", "主任",
      "签名", "记录者", "记录人"};
  static final String[] HONORIFICS = {"先生", "女士", "大夫", "老师", "阿姨", "同志"};
  private static final java.util.Set<String> CUE_SET = java.util.Set.of(CUES);
  private static final java.util.Set<String> STAFF_SET = java.util.Set.of(STAFF);
  private static final java.util.Set<String> HONORIFIC_SET = java.util.Set.of(HONORIFICS);
  /** Every cue, longest first where two share a start (主治医师 before 主任). */
  private static final String[] ALL_CUES = java.util.stream.Stream.of(CUES, STAFF, HONORIFICS,
          new String[] {"(", "（"}).flatMap(java.util.Arrays::stream).distinct()
      .sorted(java.util.Comparator.comparingInt(String::length).reversed())
      .toArray(String[]::new);
  private static final boolean[] FIRST = Scan.firstChars(ALL_CUES);
  static final String[] VISIT_VERBS = {"来诊", "就诊", "复诊", "陪同", "陪伴", "代诉", "诉", "自述",
      "签字", "签名", "同意", "拒绝", "表示", "告知", "电话"};
  /** Characters that do not start a given name after a surname (高血压, 黄疸 ...). */
  static final String NOT_GIVEN_START = "血热烧龄疸危度脂糖压";
  /** Common clinical words that begin with a surname character. */
  static final java.util.Set<String> CLINICAL = java.util.Set.copyOf(java.util.List.of("明显", "尚可", "正常", "良好",
      "平稳", "好转", "同前", "稳定", "一般", "欠佳", "加重", "减轻", "阴性", "阳性", "偏高", "偏低",
      "达标", "未见", "复查", "随访", "规律", "控制", "治疗", "门诊", "住院", "急诊", "家属", "医师",
      "医生", "护士", "主任", "签名", "诊断", "主诉", "既往", "高血压", "高血糖", "高血脂", "黄疸",
      "白细胞", "常规", "和缓", "安静", "安好", "平素", "时有", "时常", "向好", "万一", "于今",
      "成功", "文化", "金额", "石膏", "方案", "方便", "方法", "包扎", "史无", "齐全", "解除",
      "解释", "康复", "宁静", "武汉", "江苏", "湖北", "湖南", "明日", "明天", "明确", "明晰",
      "高龄", "高热", "高压", "高危", "胡话", "伍用", "于是", "任何", "全身", "全天", "全部", "余同",
      "余无", "余未", "余正常", "黄色", "白色", "白天", "白日", "汪洋", "田间", "夏季", "秋季",
      "冬季", "春季", "林区", "谷物", "米饭", "盛夏", "程度", "计划", "时间", "时期", "连续",
      "乔木", "叶酸", "牛奶", "钟点", "季度", "宫颈", "车祸", "路上", "从未", "童年", "单元",
      "周后", "周前", "天后", "年后", "月后", "时后", "时前", "日后", "日前", "单位", "单次", "单侧",
      "全麻", "高度", "高出", "高于", "低于", "程序", "任务", "司机", "包括", "万古", "向前", "向后",
      "于前", "于后", "明晨", "明早", "明晚", "贾第", "韩国", "齐整"));

  private final NameLexicon lexicon = NameLexicon.INSTANCE;

  @Override
  public void find(Scan scan) {
    String t = scan.text;
    // one pass for every cue; each found cue runs its rule anchored there
    Matcher cued = null;
    Matcher staff = null;
    Matcher signature = null;
    int[] at = scan.cuePositions(FIRST, ALL_CUES);
    for (int i = 0; i < at.length; i += 2) {
      int k = at[i];
      String cue = t.substring(k, k + at[i + 1]);
      if (CUE_SET.contains(cue)) {
        cued = cued == null ? CUED.matcher(t).useTransparentBounds(true)
            .useAnchoringBounds(false) : cued;
        cued.region(k, Math.min(scan.length, k + cue.length() + 8));
        if (cued.lookingAt()) {
          addIfName(scan, cued.start(1), cued.end(1), false);
        }
      }
      if (STAFF_SET.contains(cue)) {
        staff = staff == null ? CLINICIAN.matcher(t).useTransparentBounds(true)
            .useAnchoringBounds(false) : staff;
        staff.region(k, Math.min(scan.length, k + cue.length() + 8));
        if (staff.lookingAt()) {
          scan.add(staff.start(1), staff.end(1), PhiScrubber.Category.CN_NAME);
        }
      }
      if (HONORIFIC_SET.contains(cue) && k > 0) {
        int sl = k >= 2 && lexicon.surnameAt(t, k - 2) == 2 ? 2
            : lexicon.isSurname(t.charAt(k - 1)) ? 1 : 0;
        if (sl > 0) {
          scan.add(k - sl, k, PhiScrubber.Category.CN_NAME);
        }
      }
      if (cue.equals("(") || cue.equals("（")) {
        signature = signature == null ? SIGNATURE.matcher(t) : signature;
        signature.region(k, Math.min(scan.length, k + 6));
        if (signature.lookingAt()) {
          addIfName(scan, signature.start(1), signature.end(1), false);
        }
      }
    }
    if (hasAny(t, "陪同", "陪伴", "代诉", "代述")) {
      Matcher m = RELATIVE.matcher(t);
      while (m.find()) {
        scan.add(m.start(1), m.end(1), PhiScrubber.Category.CN_NAME);
      }
    }
    uncued(scan);
  }

  /** Han runs that are a name on their own, or a name before a visit verb. */
  private void uncued(Scan scan) {
    String t = scan.text;
    char[] c = scan.chars;
    int n = scan.length;
    for (int i = 0; i < n; ) {
      if (!Scan.isHan(c[i])) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && Scan.isHan(c[i])) {
        i++;
      }
      int len = i - start;
      if (len >= 2 && len <= 4) {
        addIfName(scan, start, i, true);
      }
      // a name just before a visit verb inside a longer run (searched within the run only)
      for (int k = start + 2; len > 2 && k < i; k++) {
        if (startsWithVerb(t, k, i)) {
          for (int size = 3; size >= 2; size--) {
            if (k - size >= start && addIfName(scan, k - size, k, true)) {
              break;
            }
          }
        }
      }
    }
  }

  /**
   * Adds [from, to) when it is a surname and one or two given characters (common ones when
   * {@code strict}); returns whether it did.
   */
  private boolean addIfName(Scan scan, int from, int to, boolean strict) {
    String t = scan.text;
    int sl = lexicon.surnameAt(t, from);
    int given = to - from - sl;
    if (sl == 0 || given < 1 || given > 2 || NOT_GIVEN_START.indexOf(t.charAt(from + sl)) >= 0) {
      return false;
    }
    if (isHonorific(t, from + sl, to)) {
      return false; // 沈先生: the honorific rule tags the surname alone
    }
    if (strict) {
      // not a name: a clinical word, a run right after a number (2周后, 4单元: units and time
      // words), a character no given name has
      for (int k = from + sl; k < to; k++) {
        if (!lexicon.isNameChar(t.charAt(k))) {
          return false;
        }
      }
      if (CLINICAL.contains(t.substring(from, to))
          || from > 0 && Scan.isAsciiDigit(t.charAt(from - 1))
          || to < t.length() && Scan.isAsciiDigit(t.charAt(to)) && !isAgeAfter(t, to)) {
        return false;
      }
    }
    scan.add(from, to, PhiScrubber.Category.CN_NAME);
    return true;
  }

  private static boolean isHonorific(String t, int from, int to) {
    for (String h : HONORIFICS) {
      if (t.startsWith(h, from) || to - from == 1 && h.charAt(0) == t.charAt(from)) {
        return true;
      }
    }
    return false;
  }

  /** A name followed by an age: 王芳65岁. */
  private static boolean isAgeAfter(String t, int to) {
    int i = to;
    while (i < t.length() && Scan.isAsciiDigit(t.charAt(i)) && i - to < 3) {
      i++;
    }
    return i < t.length() && t.charAt(i) == '岁';
  }

  private static final boolean[] VERB_START = new boolean[0x10000];

  static {
    for (String v : VISIT_VERBS) {
      VERB_START[v.charAt(0)] = true;
    }
  }

  private static boolean startsWithVerb(String t, int k, int end) {
    if (!VERB_START[t.charAt(k)]) {
      return false;
    }
    for (String verb : VISIT_VERBS) {
      if (k + verb.length() <= end && t.startsWith(verb, k)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasAny(String t, String... literals) {
    for (String l : literals) {
      if (t.contains(l)) {
        return true;
      }
    }
    return false;
  }
}
