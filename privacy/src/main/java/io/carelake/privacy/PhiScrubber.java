package io.carelake.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes PHI from free text (chief complaints, notes), replacing each mention with a typed tag
 * ({@value #ID}, {@value #PHONE}, {@value #NAME}, {@value #ADDRESS}, {@value #EMAIL},
 * {@value #RECORD}) and, when a date shift is given, moving every written date by the patient's
 * offset.
 *
 * <p><b>How.</b> The text is first normalised ({@link NormalisedText}: NFKC, so full-width digits
 * and letters become ASCII and the ideographic space a space; dashes become hyphens) keeping, for
 * every normalised character, the span of the original it came from. All rules run on the
 * normalised text and report spans; overlapping spans are resolved (leftmost, then longest, then
 * the rule listed first wins) and the replacement is made on the <b>original</b> string, so the
 * clinical text around a mention keeps its widths and punctuation exactly.
 *
 * <p><b>Rules</b>, in priority order:
 * <ol>
 *   <li>the row's own identifiers (deny-list): resident id and phone matched digit by digit
 *       whatever separators were typed between them (landlines and source patient ids too); the
 *       address and the name ignoring whitespace and case, for Chinese names of 3+ characters
 *       also the given name alone, for two-part Latin names also the swapped order;</li>
 *   <li>{@link Category#ID_18}: any 18-character CN resident id (17 digits and a digit or X) with
 *       up to two spaces or hyphens between characters. The check character is <i>not</i>
 *       required: a mistyped id still identifies its holder, and the release gate's pattern scan
 *       ({@link #ID_REGEX}) would block a release holding one;</li>
 *   <li>{@link Category#ID_15}: a first-generation 15-digit id (no check digit): region digit 1-8,
 *       a valid {@code yymmdd} birth date at digits 7-12, separators as above;</li>
 *   <li>{@link Category#SSN}: {@code ddd-dd-dddd}, and after an {@code SSN} cue also with spaces
 *       or no separator;</li>
 *   <li>{@link Category#MOBILE}: {@code 1[3-9]} + 9 digits, optionally after {@code +86},
 *       {@code 0086}, {@code 86}, {@code (+86)};</li>
 *   <li>{@link Category#LANDLINE}: area code {@code 010}, {@code 02x} or {@code 0[3-9]xx} then a
 *       separator (space, hyphen, parentheses) and a 7-8 digit number, or {@code +86}/{@code 0086}
 *       and the area code without its 0; an extension ({@code 转123}, {@code ext 12}) goes too;</li>
 *   <li>{@link Category#US_PHONE}: {@code (555) 123-4567}, {@code 555-123-4567},
 *       {@code 555.123.4567}, {@code +1 555 123 4567}, {@code 1-555-123-4567};</li>
 *   <li>{@link Category#EMAIL};</li>
 *   <li>{@link Category#RECORD}: after 病历号 / 住院号 / 门诊号 / 病案号 / 就诊号 / 档案号 /
 *       MRN / Record # / Medical Record Number / Patient ID (a colon or # optional), an id of 3-20
 *       letters, digits and hyphens holding at least one digit → {@value #RECORD} (the cue
 *       stays);</li>
 *   <li>{@link Category#US_ADDRESS}: a house number, one to three capitalised words and a street
 *       suffix ({@code 123 Main St}, {@code 760 Rath Ferry Apt 78}), with the unit when one
 *       follows; a unit alone ({@code Apt 4}, {@code Suite 200}, {@code Unit 3B});</li>
 *   <li>{@link Category#CN_ADDRESS}: a street (…路 / 街 / 大道 / 巷 / 胡同 / 弄) and house
 *       number (…号, then 栋 / 单元 / 室 …) after a district, town or 住 / 址 cue; the district
 *       and city before it stay (they are the generalisation level of the structured
 *       address);</li>
 *   <li>{@link Category#TITLE_NAME}: Dr. / Mr. / Mrs. / Ms. / Miss / Prof. + one or two
 *       capitalised words (Synthea's digit suffixes included: {@code Dr. Abe604 Hagenes547});</li>
 *   <li>{@link Category#CN_NAME}: a surname from the lexicon and one or two more characters
 *       after 患者 / 家属 / 病人 / 联系人, followed by punctuation, 男 / 女 or an age; a surname
 *       before 先生 / 女士 / 大夫 / 老师; relatives before 陪同 / 代诉; signing clinicians
 *       (医师李娜, 接诊医生：李娜);</li>
 *   <li>{@link Category#DATE}, only when a shift is given: see {@link TextDates}. Without a shift
 *       dates stay as written (they are clinical content).</li>
 * </ol>
 * Values too short to be identifying without destroying the text are not matched literally:
 * names under 2 characters, ids under 4, phones under 5 digits, addresses under 4 characters.
 *
 * <p>Known limits: names of other people outside the cues above (a bare 王芳 in running text),
 * partial addresses without a house number, US addresses without a house number, Latin names
 * without a title.
 */
public final class PhiScrubber {

  public static final String ID = "[ID]";
  public static final String PHONE = "[PHONE]";
  public static final String NAME = "[NAME]";
  public static final String ADDRESS = "[ADDRESS]";
  public static final String EMAIL = "[EMAIL]";
  public static final String RECORD = "[MRN]";

  /** What a finding is; the tag it is replaced with. */
  public enum Category {
    OWN_ID(ID), OWN_PHONE(PHONE), OWN_ADDRESS(ADDRESS), OWN_NAME(NAME),
    ID_18(ID), ID_15(ID), SSN(ID), MOBILE(PHONE), LANDLINE(PHONE), US_PHONE(PHONE), EMAIL(PhiScrubber.EMAIL),
    RECORD(PhiScrubber.RECORD), US_ADDRESS(ADDRESS), CN_ADDRESS(ADDRESS), TITLE_NAME(NAME),
    CN_NAME(NAME), DATE(null);

    public final String tag;

    Category(String tag) {
      this.tag = tag;
    }
  }

  /** A span of the original text, what it is and what replaces it. */
  public record Finding(int start, int end, Category category, String replacement) {}

  // --- patterns usable on raw (un-normalised) text, e.g. in Spark rlike by the release gate ---

  /** Any digit, ASCII or full-width. */
  static final String DIGIT = "[0-9\\uFF10-\\uFF19]";
  /** What people type between digit groups: up to two spaces (incl. ideographic) or hyphens. */
  static final String SEP = "[ \\t\\u00A0\\u3000\\-\\u2010-\\u2015\\uFF0D]{0,2}";
  static final String NOT_DIGIT_BEFORE = "(?<![0-9\\uFF10-\\uFF19])";
  static final String NOT_DIGIT_AFTER = "(?![0-9\\uFF10-\\uFF19])";

  /** An 18-character resident id anywhere in raw text (Java regex, also usable in Spark rlike). */
  public static final String ID_REGEX = NOT_DIGIT_BEFORE + "(?:" + DIGIT + SEP + "){17}"
      + "[0-9\\uFF10-\\uFF19XxＸｘ]" + NOT_DIGIT_AFTER;

  /** A CN mobile number anywhere in raw text, with its country prefix when present. */
  public static final String MOBILE_REGEX = NOT_DIGIT_BEFORE
      + "(?:(?:(?:(?:[+＋]|00|００)\\s{0,2})?[8８][6６]|[(（]\\s?[+＋]?[8８][6６]\\s?[)）])" + SEP
      + ")?"
      + "[1１]" + SEP + "[3-9３-９]" + "(?:" + SEP + DIGIT + "){9}" + NOT_DIGIT_AFTER;

  static final Pattern RAW_ID_PATTERN = Pattern.compile(ID_REGEX);
  static final Pattern RAW_MOBILE_PATTERN = Pattern.compile(MOBILE_REGEX);

  // --- patterns on the normalised text (ASCII digits, ASCII separators) ---

  static final String S = "[ \\-]{0,2}";
  static final String NB = "(?<![0-9])";
  static final String NA = "(?![0-9])";

  /** Joins character classes with {@link #S} between them. */
  private static String spaced(String... classes) {
    return String.join(S, classes);
  }

  private static String repeat(String cls, int n) {
    String[] a = new String[n];
    java.util.Arrays.fill(a, cls);
    return spaced(a);
  }

  static final Pattern ID_18 = Pattern.compile(NB + repeat("\\d", 17) + S + "[0-9Xx]" + NA);

  static final Pattern ID_15 = Pattern.compile(NB + spaced("[1-8]", repeat("\\d", 5),
      "\\d", "\\d", "[01]", "\\d", "[0-3]", "\\d", repeat("\\d", 3)) + NA);

  static final Pattern SSN = Pattern.compile(
      "(?<![0-9-])\\d{3}-\\d{2}-\\d{4}(?![0-9]|-[0-9])"
          + "|(?i:SSN|social security(?: number| no\\.?)?)[:#]?\\s{0,2}(\\d{3}[ -]?\\d{2}[ -]?\\d{4})"
          + NA);

  static final Pattern MOBILE = Pattern.compile(NB
      + "(?:(?:(?:\\+|00) {0,2})?86|\\( ?\\+?86 ?\\))" + "(?:" + S + ")?"
      + "1" + S + "[3-9]" + "(?:" + S + "\\d){9}" + NA
      + "|" + NB + "1" + S + "[3-9]" + "(?:" + S + "\\d){9}" + NA);

  static final String AREA = "(?:10|2\\d|[3-9]\\d{2})";
  static final String LOCAL = "[1-9]\\d{2,3}[ -]?\\d{4}";
  static final String EXT = "(?:(?: ?(?:ext\\.?|x|-) ?)\\d{1,5})?";
  static final Pattern HAN_EXTENSION = Pattern.compile(" ?转 ?\\d{1,5}(?![0-9])");

  static final Pattern LANDLINE = Pattern.compile(
      NB + "(?:\\( ?0" + AREA + " ?\\) ?|0" + AREA + "(?:[ -]{1,2}))" + LOCAL + NA + EXT + NA
          + "|" + NB + "(?:\\+|00)86[ -]{0,2}(?:\\(0\\))?\\(?" + AREA + "\\)?[ -]{0,2}" + LOCAL
          + NA + EXT + NA);

  static final Pattern US_PHONE = Pattern.compile(
      "(?<![0-9.\\-])(?:\\+?1[ .\\-]?)?(?:\\(\\d{3}\\) ?|\\d{3}[ .\\-])\\d{3}[ .\\-]\\d{4}"
          + "(?![0-9]|[.\\-][0-9])");

  static final Pattern EMAIL_PATTERN = Pattern.compile(
      "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9\\-]"
          + "{0,62}\\.)+[A-Za-z]{2,24}(?![A-Za-z])");

  static final Pattern RECORD_PATTERN = Pattern.compile(
      "(?:病历号|住院号|门诊号|病案号|就诊号|档案号|登记号|(?i:MRN|MR ?#|Medical Record(?: Number| No\\.?)?"
          + "|Record ?(?:#|No\\.?|Number)|Patient ID))"
          + " {0,2}(?:[:#]|No\\.?)? {0,2}"
          + "((?=[A-Za-z\\-]{0,19}\\d)[A-Za-z0-9][A-Za-z0-9\\-]{2,19})(?![A-Za-z0-9])");

  static final String STREET_SUFFIX = "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln"
      + "|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square"
      + "|Sq|Trail|Trl|Alley|Crossing|Xing|Ferry|Gateway|Mill|Rapid|Rapids|Pass|Path|Pathway"
      + "|Park|Plaza|Ridge|Run|Row|Spur|Station|Stream|Summit|Tunnel|Turnpike|Valley|View|Villa"
      + "|Village|Well|Wells|Walk|Loop|Landing|Junction|Heights|Harbor|Grove|Gardens|Fork|Forge"
      + "|Falls|Extension|Estates|Crescent|Creek|Corner|Common|Center|Canyon|Camp|Brook|Branch"
      + "|Bridge|Bluff|Bay|Manor|Meadow|Meadows|Mount|Mountain|Orchard|Point|Port|Prairie|Ramp"
      + "|Ranch|Shore|Shores|Springs|Track|Union|Vista)";
  static final String UNIT = "(?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|#)\\.? ?#? ?[0-9]{1,5}[A-Za-z]?"
      + "(?![A-Za-z0-9])";

  static final Pattern US_ADDRESS = Pattern.compile(
      "(?<![A-Za-z0-9])\\d{1,6} (?:[NSEW]\\.? )?(?:[A-Z][A-Za-z'\\-]*\\d* ){1,3}" + STREET_SUFFIX
          + "(?![A-Za-z])(?:,? " + UNIT + ")?"
          + "|(?<![A-Za-z0-9])(?:Apt|Apartment|Suite|Ste|Unit)\\.? ?#? ?[0-9]{1,5}[A-Za-z]?"
          + "(?![A-Za-z0-9])");

  static final Pattern CN_ADDRESS = Pattern.compile(
      "(?<=[区县市镇乡住址:\\s])[\\p{IsHan}&&[^省市区县镇乡住址在于到至的与]]{1,8}?"
          + "(?:路|街|大道|大街|巷|胡同|弄|里)"
          + "(?:[0-9]{1,5}(?:号|弄|支弄))(?:院)?"
          + "(?:[0-9]{1,4}(?:号楼|栋|幢|座|单元|室|层|楼|号|户)){0,4}");

  static final Pattern TITLE_NAME = Pattern.compile(
      "(?<![A-Za-z])(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\\.? ((?:[A-Z][A-Za-z'\\-]*\\d*)(?: [A-Z]"
          + "[A-Za-z'\\-]*\\d*)?)(?![A-Za-z])");

  /** The most common Chinese surnames (about 85 % of the population), single and compound. */
  static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
      + "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
      + "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜"
      + "倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛"
      + "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
      + "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
      + "丛仲虞敖巩明佘池查麻苑迟邝";
  static final String COMPOUND = "欧阳|司马|上官|诸葛|司徒|东方|皇甫|令狐|慕容|尉迟|长孙|夏侯|公孙|宇文";

  /** After a cue: 2-4 Han characters up to punctuation, 男 / 女 or a digit (surname checked in code). */
  static final Pattern CN_CUE_NAME = Pattern.compile(
      "(?:患者|病人|家属|联系人|监护人|姓名:? ?)([\\p{IsHan}&&[^,，。、男女岁的于在因]]{2,4}?)"
          + "(?=[,，。、;；:：\\s()（）]|男|女|\\d|$)");
  static final Pattern CN_RELATIVE = Pattern.compile(
      "(?:儿子|女儿|老伴|儿媳|女婿|孙子|孙女|外孙|外孙女|丈夫|妻子|爱人|家属|亲属)"
          + "([\\p{IsHan}]{2,4}?)(?=陪同|陪伴|代诉|代述)");
  static final Pattern CN_CLINICIAN = Pattern.compile(
      "(?:主治医师|接诊医生|医师|医生):? ?([\\p{IsHan}]{2,4})(?=$|[。，,；;）)\\s])");
  static final String[] HONORIFICS = {"先生", "女士", "大夫", "老师", "阿姨"};
  /** Characters that do not start a given name after a surname (高血压, 黄疸 ...). */
  static final String NOT_GIVEN_START = "血热烧龄疸危度脂糖压";
  static final String[] RECORD_HAN_CUES = {"病历", "住院", "门诊", "病案", "就诊", "档案", "登记"};
  private static final boolean[] SURNAME_CHARS = new boolean[0x10000];

  static {
    for (char ch : SURNAMES.toCharArray()) {
      SURNAME_CHARS[ch] = true;
    }
  }

  private static final String[] COMPOUND_SURNAMES = COMPOUND.split("\\|");

  private PhiScrubber() {}

  /**
   * Scrubs {@code text} of the generic patterns and of the row's own identifiers (any of which
   * may be null). Dates stay as written. Returns null for null text.
   */
  public static String scrub(String text, String name, String residentId, String phone,
      String address) {
    return scrub(text, name, residentId, phone, address, null);
  }

  /**
   * As {@link #scrub(String, String, String, String, String)}, and when {@code shiftDays} is not
   * null nor 0, dates written in the text move by that many days ({@link TextDates}); pass
   * {@link KeyedHashes#dateShiftDays} of the row's resident id to keep the text consistent with
   * the structured dates.
   */
  public static String scrub(String text, String name, String residentId, String phone,
      String address, Integer shiftDays) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    NormalisedText n = NormalisedText.of(text);
    List<Finding> found = resolve(findAll(n, name, residentId, phone, address, shiftDays));
    if (found.isEmpty()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    for (Finding f : found) {
      sb.append(text, last, f.start()).append(f.replacement());
      last = f.end();
    }
    return sb.append(text, last, text.length()).toString();
  }

  /**
   * What {@link #scrub} would replace, in original-text coordinates, non-overlapping, in order.
   */
  public static List<Finding> find(String text, String name, String residentId, String phone,
      String address, Integer shiftDays) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return resolve(findAll(NormalisedText.of(text), name, residentId, phone, address, shiftDays));
  }

  /** True when the raw text still holds an 18-digit id or a mobile number. */
  public static boolean hasPattern(String text) {
    return text != null && (RAW_ID_PATTERN.matcher(text).find()
        || RAW_MOBILE_PATTERN.matcher(text).find());
  }

  // ---------------------------------------------------------------------------------------------

  /** A candidate on the normalised text. */
  private record Span(int from, int to, Category category, String replacement, int priority) {}

  private static List<Span> findAll(NormalisedText n, String name, String residentId,
      String phone, String address, Integer shiftDays) {
    List<Span> spans = new ArrayList<>();
    String t = n.text();
    if (residentId != null || phone != null || address != null || name != null) {
      char[] chars = t.toCharArray();
      own(spans, chars, identifierForm(residentId), 4, Category.OWN_ID, true);
      own(spans, chars, phoneDigits(phone), 5, Category.OWN_PHONE, true);
      own(spans, chars, textForm(address), 4, Category.OWN_ADDRESS, false);
      for (String form : nameForms(name)) {
        own(spans, chars, form, 2, Category.OWN_NAME, false);
      }
    }
    boolean shift = shiftDays != null && shiftDays != 0;
    Matcher id18 = null, id15 = null, ssn = null, mobile = null, landline = null, usPhone = null,
        email = null, usAddress = null, title = null, record = null, date = null;
    // the Latin-script rules: on the ASCII runs of the normalised text, where they can match
    int len = t.length();
    for (int i = 0; i < len; ) {
      if (t.charAt(i) >= 0x80 || t.charAt(i) == '\n') {
        i++;
        continue;
      }
      int start = i;
      int digits = 0;
      boolean at = false;
      boolean letter = false;
      boolean upper = false;
      boolean dash = false;
      for (; i < len && t.charAt(i) < 0x80 && t.charAt(i) != '\n'; i++) {
        char ch = t.charAt(i);
        if (ch >= '0' && ch <= '9') {
          digits++;
        } else if (ch == '@') {
          at = true;
        } else if (ch >= 'A' && ch <= 'Z') {
          letter = true;
          upper = true;
        } else if (ch >= 'a' && ch <= 'z') {
          letter = true;
        } else if (ch == '-') {
          dash = true;
        }
      }
      int end = i;
      if (digits >= 9) {
        if (digits >= 17) {
          id18 = run(spans, t, id18, ID_18, start, end, Category.ID_18, 0);
        }
        if (digits >= 15) {
          id15 = run(spans, t, id15, ID_15, start, end, Category.ID_15, 0);
        }
        if (dash || letter) {
          ssn = run(spans, t, ssn, SSN, start, end, Category.SSN, -1);
        }
        if (digits >= 11) {
          mobile = run(spans, t, mobile, MOBILE, start, end, Category.MOBILE, 0);
        }
        landline = run(spans, t, landline, LANDLINE, start, end, Category.LANDLINE, 0);
        if (digits >= 10) {
          usPhone = run(spans, t, usPhone, US_PHONE, start, end, Category.US_PHONE, 0);
        }
      }
      if (at) {
        email = run(spans, t, email, EMAIL_PATTERN, start, end, Category.EMAIL, 0);
      }
      if (letter && digits > 0 && hasLatinRecordCue(t, start, end)) {
        record = run(spans, t, record, RECORD_PATTERN, start, end, Category.RECORD, 1);
      }
      if (upper && digits > 0 && hasAddressCue(t, start, end)) {
        usAddress = run(spans, t, usAddress, US_ADDRESS, start, end, Category.US_ADDRESS, 0);
      }
      if (upper && hasTitleCue(t, start, end)) {
        title = run(spans, t, title, TITLE_NAME, start, end, Category.TITLE_NAME, 1);
      }
      if (shift && digits >= 6) {
        date = dates(spans, t, date, start, end, shiftDays);
      }
    }
    // the Han-script rules: anchored on the literals they need
    if (n.hasDigit) {
      for (int k = t.indexOf('号'); k >= 0; k = t.indexOf('号', k + 1)) {
        if (k >= 2 && isRecordCue(t, k - 2)) {
          record = record == null ? RECORD_PATTERN.matcher(t) : record;
          record.region(k - 2, len);
          if (record.lookingAt()) {
            spans.add(span(record.start(1), record.end(1), Category.RECORD));
          }
        }
      }
      Matcher cn = null;
      for (int k = 0; k < len - 1; k++) {
        char ch = t.charAt(k);
        if ((ch == '路' || ch == '街' || ch == '道' || ch == '巷' || ch == '同' || ch == '弄'
            || ch == '里') && isAsciiDigit(t.charAt(k + 1))) {
          cn = cn == null ? CN_ADDRESS.matcher(t).useTransparentBounds(true) : cn;
          cn.region(Math.max(0, k - 11), Math.min(len, k + 40));
          while (cn.find()) {
            spans.add(span(cn.start(), cn.end(), Category.CN_ADDRESS));
          }
        }
      }
      if (landline != null) {
        extendHanExtensions(spans, t);
      }
      if (shift) {
        // yyyy年m月d日: around each 年 preceded by a digit
        for (int k = t.indexOf('年'); k >= 0; k = t.indexOf('年', k + 1)) {
          if (k >= 4 && (isAsciiDigit(t.charAt(k - 1)) || t.charAt(k - 1) == ' ')) {
            date = dates(spans, t, date, Math.max(0, k - 5), Math.min(len, k + 12), shiftDays);
          }
        }
      }
    }
    names(spans, t);
    // to original coordinates
    List<Span> out = new ArrayList<>(spans.size());
    for (Span s : spans) {
      out.add(new Span(n.originalStart(s.from()), n.originalEnd(s.to()), s.category(),
          s.replacement(), s.priority()));
    }
    return out;
  }

  /** A 15-digit id's yymmdd (digits 7-12) is a calendar date. */
  static boolean validBirthDate15(String match) {
    int month = 0;
    int day = 0;
    int k = 0;
    for (int i = 0; i < match.length(); i++) {
      char ch = match.charAt(i);
      if (ch >= '0' && ch <= '9') {
        if (k == 8 || k == 9) {
          month = month * 10 + ch - '0';
        } else if (k == 10 || k == 11) {
          day = day * 10 + ch - '0';
        }
        k++;
      }
    }
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  private static Span span(int from, int to, Category cat) {
    return new Span(from, to, cat, cat.tag, cat.ordinal());
  }

  /**
   * Runs {@code p} over [start, end) of the text (a matcher is made on first use and reused);
   * adds group {@code group}'s span (0 the whole match; -1 group 1 when it took part, else the
   * whole match).
   */
  private static Matcher run(List<Span> spans, String t, Matcher m, Pattern p, int start, int end,
      Category cat, int group) {
    if (m == null) {
      m = p.matcher(t);
    }
    m.region(start, end);
    while (m.find()) {
      int g = group;
      if (group < 0) {
        g = m.group(1) != null ? 1 : 0;
      } else if (group > 0 && m.group(group) == null) {
        continue;
      }
      if (cat == Category.ID_15 && !validBirthDate15(m.group())) {
        continue;
      }
      if (m.end(g) > m.start(g)) {
        spans.add(span(m.start(g), m.end(g), cat));
      }
    }
    return m;
  }

  private static Matcher dates(List<Span> spans, String t, Matcher d, int start, int end,
      int shiftDays) {
    if (d == null) {
      d = TextDates.DATE.matcher(t).useTransparentBounds(true);
    }
    d.region(start, end);
    while (d.find()) {
      String r = TextDates.shifted(d, shiftDays);
      if (r != null) {
        spans.add(new Span(d.start(), d.end(), Category.DATE, r, Category.DATE.ordinal()));
      }
    }
    return d;
  }

  /** MRN, MR#, Record, Patient ID or Medical Record (any case) within [start, end). */
  private static boolean hasLatinRecordCue(String t, int start, int end) {
    for (int i = start; i < end - 1; i++) {
      char a = (char) (t.charAt(i) | 0x20);
      char b = (char) (t.charAt(i + 1) | 0x20);
      if (a == 'm' && b == 'r' || a == 'r' && b == 'e' || a == 'i' && b == 'd') {
        return true;
      }
    }
    return false;
  }

  /** A digit, a space and a capital (123 Main), or Apt / Suite / Unit / Ste, within [start, end). */
  private static boolean hasAddressCue(String t, int start, int end) {
    for (int i = start; i < end - 2; i++) {
      char a = t.charAt(i);
      if (a >= '0' && a <= '9' && t.charAt(i + 1) == ' ') {
        char c = t.charAt(i + 2);
        if (c >= 'A' && c <= 'Z') {
          return true;
        }
      } else if ((a == 'A' && t.charAt(i + 1) == 'p') || (a == 'S' && (t.charAt(i + 1) == 'u'
          || t.charAt(i + 1) == 't')) || (a == 'U' && t.charAt(i + 1) == 'n')) {
        return true;
      }
    }
    return false;
  }

  /** Dr, Mr, Mrs, Ms, Miss, Mx or Prof within [start, end). */
  private static boolean hasTitleCue(String t, int start, int end) {
    for (int i = start; i < end - 1; i++) {
      char a = t.charAt(i);
      char b = t.charAt(i + 1);
      if ((a == 'D' || a == 'M' || a == 'P') && (b == 'r' || b == 's' || b == 'i' || b == 'x')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRecordCue(String t, int at) {
    for (String cue : RECORD_HAN_CUES) {
      if (t.startsWith(cue, at)) {
        return true;
      }
    }
    return false;
  }

  /** A landline followed by 转 and an extension: the extension goes with it. */
  private static void extendHanExtensions(List<Span> spans, String t) {
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      if (s.category() == Category.LANDLINE && s.to() < t.length()) {
        Matcher m = HAN_EXTENSION.matcher(t).region(s.to(), t.length());
        if (m.lookingAt()) {
          spans.set(i, span(s.from(), m.end(), Category.LANDLINE));
        }
      }
    }
  }

  /** Length of the surname at {@code at} (2 compound, 1 single), 0 when none. */
  static int surnameAt(String t, int at) {
    for (String c : COMPOUND_SURNAMES) {
      if (t.startsWith(c, at)) {
        return 2;
      }
    }
    return at < t.length() && SURNAME_CHARS[t.charAt(at)] ? 1 : 0;
  }

  private static boolean hasAny(String t, String... literals) {
    for (String l : literals) {
      if (t.contains(l)) {
        return true;
      }
    }
    return false;
  }

  /** The Chinese name rules, each run only when its cue occurs in the text. */
  private static void names(List<Span> spans, String t) {
    if (hasAny(t, "患者", "病人", "家属", "联系人", "监护人", "姓名")) {
      Matcher m = CN_CUE_NAME.matcher(t);
      while (m.find()) {
        int from = m.start(1);
        int sl = surnameAt(t, from);
        int given = m.end(1) - from - sl;
        if (sl > 0 && given >= 1 && given <= 2
            && NOT_GIVEN_START.indexOf(t.charAt(from + sl)) < 0) {
          spans.add(span(from, m.end(1), Category.CN_NAME));
        }
      }
    }
    for (String h : HONORIFICS) {
      for (int k = t.indexOf(h); k >= 0; k = t.indexOf(h, k + 1)) {
        if (k == 0) {
          continue;
        }
        int sl = k >= 2 && surnameAt(t, k - 2) == 2 ? 2 : SURNAME_CHARS[t.charAt(k - 1)] ? 1 : 0;
        if (sl > 0) {
          spans.add(span(k - sl, k, Category.CN_NAME));
        }
      }
    }
    if (hasAny(t, "陪同", "陪伴", "代诉", "代述")) {
      Matcher m = CN_RELATIVE.matcher(t);
      while (m.find()) {
        spans.add(span(m.start(1), m.end(1), Category.CN_NAME));
      }
    }
    if (hasAny(t, "医师", "医生")) {
      Matcher m = CN_CLINICIAN.matcher(t);
      while (m.find()) {
        spans.add(span(m.start(1), m.end(1), Category.CN_NAME));
      }
    }
  }

  /** Leftmost first; at equal start the longest; at equal span the rule of higher priority. */
  private static List<Finding> resolve(List<Span> spans) {
    if (spans.isEmpty()) {
      return List.of();
    }
    spans.sort(Comparator.comparingInt(Span::from).thenComparingInt(s -> -s.to())
        .thenComparingInt(Span::priority));
    List<Finding> out = new ArrayList<>();
    int end = -1;
    for (Span s : spans) {
      if (s.from() >= end) {
        out.add(new Finding(s.from(), s.to(), s.category(), s.replacement()));
        end = s.to();
      } else if (s.to() > end && s.category() != Category.DATE
          && out.get(out.size() - 1).category() != Category.DATE) {
        // overlapping tail of a longer identifier: extend the previous span
        Finding last = out.remove(out.size() - 1);
        out.add(new Finding(last.start(), s.to(), last.category(), last.replacement()));
        end = s.to();
      }
    }
    return out;
  }

  // --- the row's own identifiers, matched on a compact view (no whitespace or hyphens) ---

  private static boolean isSeparator(char ch) {
    return ch == ' ' || ch == '-' || ch == '\n' || ch == '\r';
  }

  private static char upperAscii(char ch) {
    return ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch;
  }

  /**
   * Finds {@code value} (compact form: no separators, upper case) in the normalised text with any
   * spaces, hyphens or line breaks between its characters, ASCII letters in either case.
   */
  private static void own(List<Span> spans, char[] t, String value, int minLength,
      Category cat, boolean digitBoundary) {
    if (value == null || value.codePointCount(0, value.length()) < minLength) {
      return;
    }
    boolean latin = !digitBoundary && Character.isLetter(value.charAt(0))
        && value.charAt(0) < 0x80;
    char[] v = value.toCharArray();
    char v0 = v[0];
    int n = t.length;
    int vl = v.length;
    for (int from = 0; from < n; from++) {
      if (upperAscii(t[from]) != v0) {
        continue;
      }
      int j = from + 1;
      int k = 1;
      while (k < vl) {
        while (j < n && isSeparator(t[j])) {
          j++;
        }
        if (j >= n || upperAscii(t[j]) != v[k]) {
          break;
        }
        j++;
        k++;
      }
      if (k < vl) {
        continue;
      }
      int to = j;
      if (isAsciiDigit(t[from]) && from > 0 && isAsciiDigit(t[from - 1])) {
        continue;
      }
      if (isAsciiDigit(t[to - 1]) && to < n && isAsciiDigit(t[to])) {
        continue;
      }
      if (latin && (from > 0 && isAsciiLetter(t[from - 1]) || to < n && isAsciiLetter(t[to]))) {
        continue;
      }
      spans.add(new Span(from, to, cat, cat.tag, -10 + cat.ordinal()));
    }
  }

  private static boolean isAsciiDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  private static boolean isAsciiLetter(char ch) {
    return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z';
  }

  /** A value as the compact view holds it: normalised, no whitespace or hyphens, upper case. */
  static String compactForm(String value) {
    if (value == null) {
      return null;
    }
    return compactOfNormalised(NormalisedText.of(value).text());
  }

  /** {@link #compactForm} of a value already normalised. */
  private static String compactOfNormalised(String norm) {
    StringBuilder sb = new StringBuilder(norm.length());
    for (int i = 0; i < norm.length(); i++) {
      char ch = norm.charAt(i);
      if (!isSeparator(ch) && ch != '\t') {
        sb.append(upperAscii(ch));
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  static String identifierForm(String residentId) {
    return compactForm(residentId);
  }

  static String textForm(String text) {
    return compactForm(text);
  }

  /** A phone's significant characters: no separators, no +86 / 0086 prefix on a mobile. */
  static String phoneDigits(String phone) {
    if (phone == null) {
      return null;
    }
    String norm = NormalisedText.of(phone).text();
    StringBuilder sb = new StringBuilder(norm.length());
    for (int i = 0; i < norm.length(); i++) {
      char ch = norm.charAt(i);
      if (ch >= '0' && ch <= '9') {
        sb.append(ch);
      }
    }
    String d = sb.toString();
    if (d.length() == 13 && d.startsWith("86")) {
      d = d.substring(2);
    } else if (d.length() == 15 && d.startsWith("0086")) {
      d = d.substring(4);
    }
    return d.isEmpty() ? null : d;
  }

  /** The full name and, for Chinese names of 3+ characters, the given name; Latin swapped. */
  static List<String> nameForms(String name) {
    List<String> out = new ArrayList<>();
    if (name == null || name.isBlank()) {
      return out;
    }
    String n = NormalisedText.of(name.strip()).text();
    String full = compactOfNormalised(n);
    if (full == null || full.codePointCount(0, full.length()) < 2) {
      return out;
    }
    out.add(full);
    if (full.codePoints().allMatch(
        ch -> Character.UnicodeScript.of(ch) == Character.UnicodeScript.HAN)) {
      String surname = full.substring(0, 1);
      for (String cs : COMPOUND_SURNAMES) {
        if (full.startsWith(cs) && full.length() > cs.length()) {
          surname = cs;
        }
      }
      String given = full.substring(surname.length());
      if (given.length() >= 2) {
        out.add(given);
      }
    } else {
      String[] parts = n.split("[\\s,]+");
      if (parts.length == 2) {
        String swapped = compactOfNormalised(parts[1] + parts[0]);
        if (swapped != null && swapped.length() >= 4) {
          out.add(swapped);
        }
      }
    }
    return out;
  }

  /** Full-width ASCII (digits, letters, +, -) to ASCII, upper case. */
  static String toAscii(String s) {
    return NormalisedText.of(s).text().toUpperCase(Locale.ROOT);
  }
}
