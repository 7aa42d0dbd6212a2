package io.carelake.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes PHI from free text (chief complaints, notes), replacing each mention with a tag:
 * {@value #ID}, {@value #PHONE}, {@value #NAME}, {@value #ADDRESS}.
 *
 * <p>In this order:
 * <ol>
 *   <li>any 18-character CN resident id (GB 11643: 17 digits and a digit or X), in ASCII or
 *       full-width digits, with up to two spaces or hyphens between characters
 *       ({@code 110105 19491231 002X}, {@code 110105-19491231-002X}) → {@value #ID};</li>
 *   <li>any CN mobile number ({@code 1[3-9]} and nine more digits), optionally after {@code +86},
 *       {@code 0086}, {@code 86} or {@code (+86)}, with spaces or hyphens, ASCII or full-width
 *       → {@value #PHONE};</li>
 *   <li>the row's own resident id and phone, whatever their format (landlines, source patient
 *       ids), matched character by character with the same separators and digit widths →
 *       {@value #ID} / {@value #PHONE};</li>
 *   <li>the row's own address, exact (whitespace-insensitive) → {@value #ADDRESS};</li>
 *   <li>the row's own name, exact (whitespace- and case-insensitive), and for Chinese names of
 *       three or more characters also the given name alone → {@value #NAME};</li>
 *   <li>relatives named before 陪同 ("由其女儿王芳陪同就诊") → {@value #NAME};</li>
 *   <li>signing clinicians ("医师李娜", "接诊医生：李娜") → {@value #NAME}.</li>
 * </ol>
 * Values too short to be identifying without destroying the text are not matched literally:
 * names under 2 characters, ids under 4, phones under 5 digits, addresses under 4 characters.
 * The patterns run on every text, so ids and mobiles of other people are scrubbed too.
 *
 * <p>Known limits: partial addresses (street only), surnames alone (张先生), other people's
 * names outside the 陪同 phrase, 15-digit first-generation ids and landlines of other people are
 * not recognised.
 */
public final class PhiScrubber {

  public static final String ID = "[ID]";
  public static final String PHONE = "[PHONE]";
  public static final String NAME = "[NAME]";
  public static final String ADDRESS = "[ADDRESS]";

  /** Any digit, ASCII or full-width. */
  static final String DIGIT = "[0-9\\uFF10-\\uFF19]";
  /** What people type between digit groups: up to two spaces (incl. ideographic) or hyphens. */
  static final String SEP = "[ \\t\\u00A0\\u3000\\-\\u2010-\\u2015\\uFF0D]{0,2}";
  static final String NOT_DIGIT_BEFORE = "(?<![0-9\\uFF10-\\uFF19])";
  static final String NOT_DIGIT_AFTER = "(?![0-9\\uFF10-\\uFF19])";

  /** An 18-character resident id anywhere in text (Java regex, also usable in Spark rlike). */
  public static final String ID_REGEX = NOT_DIGIT_BEFORE + "(?:" + DIGIT + SEP + "){17}"
      + "[0-9\\uFF10-\\uFF19XxＸｘ]" + NOT_DIGIT_AFTER;

  /** A CN mobile number anywhere in text, with its country prefix when present. */
  public static final String MOBILE_REGEX = NOT_DIGIT_BEFORE
      + "(?:(?:(?:(?:[+＋]|00|００)\\s{0,2})?[8８][6６]|[(（]\\s?[+＋]?[8８][6６]\\s?[)）])" + SEP
      + ")?"
      + "[1１]" + SEP + "[3-9３-９]" + "(?:" + SEP + DIGIT + "){9}" + NOT_DIGIT_AFTER;

  static final Pattern ID_PATTERN = Pattern.compile(ID_REGEX);
  static final Pattern MOBILE_PATTERN = Pattern.compile(MOBILE_REGEX);
  static final Pattern RELATIVE_PATTERN = Pattern.compile(
      "(由其|其|由)?(儿子|女儿|老伴|儿媳|女婿|孙子|孙女|外孙|外孙女|丈夫|妻子|爱人|家属|亲属)"
          + "([\\p{IsHan}]{2,4}?)(?=陪同|陪伴|代诉|代述)");

  /** A signing clinician: 医师李娜 / 接诊医生：李娜 at the end of a sentence. */
  static final Pattern CLINICIAN_PATTERN = Pattern.compile(
      "(医师|医生|接诊医生[:：]?|主治医师[:：]?)([\\p{IsHan}]{2,4})(?=$|[。，,；;）)\\s])");

  private static final String[] COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "司徒", "东方",
      "皇甫", "令狐", "慕容", "尉迟", "长孙", "夏侯", "公孙", "宇文"};

  private PhiScrubber() {}

  /**
   * Scrubs {@code text} of the generic patterns and of the row's own identifiers (any of which
   * may be null). Returns null for null text.
   */
  public static String scrub(String text, String name, String residentId, String phone,
      String address) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = ID_PATTERN.matcher(text).replaceAll(Matcher.quoteReplacement(ID));
    out = MOBILE_PATTERN.matcher(out).replaceAll(Matcher.quoteReplacement(PHONE));
    out = replace(out, flexibleIdentifier(residentId, 4), ID);
    out = replace(out, flexibleIdentifier(phoneDigits(phone), 5), PHONE);
    out = replace(out, flexibleText(address, 4), ADDRESS);
    for (Pattern p : namePatterns(name)) {
      out = replace(out, p, NAME);
    }
    Matcher m = RELATIVE_PATTERN.matcher(out);
    StringBuilder sb = new StringBuilder(out.length());
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(
          (m.group(1) == null ? "" : m.group(1)) + m.group(2) + NAME));
    }
    m.appendTail(sb);
    Matcher c = CLINICIAN_PATTERN.matcher(sb);
    return c.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + NAME));
  }

  /** True when the text still holds an 18-digit id or a mobile number. */
  public static boolean hasPattern(String text) {
    return text != null && (ID_PATTERN.matcher(text).find() || MOBILE_PATTERN.matcher(text).find());
  }

  private static String replace(String text, Pattern pattern, String tag) {
    return pattern == null ? text : pattern.matcher(text).replaceAll(Matcher.quoteReplacement(tag));
  }

  /** A phone's significant characters: no separators, no +86 / 0086 prefix on a mobile. */
  static String phoneDigits(String phone) {
    if (phone == null) {
      return null;
    }
    String d = toAscii(phone).replaceAll("[^0-9]", "");
    if (d.length() == 13 && d.startsWith("86")) {
      d = d.substring(2);
    } else if (d.length() == 15 && d.startsWith("0086")) {
      d = d.substring(4);
    }
    return d;
  }

  /**
   * A pattern for an identifier typed with any separators between its characters and digits in
   * either width, case-insensitive; null when it is shorter than {@code minLength}.
   */
  static Pattern flexibleIdentifier(String value, int minLength) {
    if (value == null) {
      return null;
    }
    String v = toAscii(value).replaceAll("[\\s\\-\\u2010-\\u2015]", "");
    if (v.length() < minLength) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    boolean leadingDigit = Character.isDigit(v.charAt(0));
    if (leadingDigit) {
      re.append(NOT_DIGIT_BEFORE);
    }
    for (int i = 0; i < v.length(); i++) {
      if (i > 0) {
        re.append(SEP);
      }
      re.append(charClass(v.charAt(i)));
    }
    if (Character.isDigit(v.charAt(v.length() - 1))) {
      re.append(NOT_DIGIT_AFTER);
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** A pattern for free text (an address), tolerant of whitespace differences; null if short. */
  static Pattern flexibleText(String value, int minLength) {
    if (value == null) {
      return null;
    }
    String v = value.replaceAll("[\\s\\u3000]+", "");
    if (v.codePointCount(0, v.length()) < minLength) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    int[] cps = v.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (i > 0) {
        re.append("[\\s\\u3000]*");
      }
      re.append(charClass(cps[i]));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** The full name and, for Chinese names of 3+ characters, the given name. */
  static List<Pattern> namePatterns(String name) {
    List<Pattern> out = new ArrayList<>();
    if (name == null) {
      return out;
    }
    String n = name.strip();
    Pattern full = flexibleText(n, 2);
    if (full == null) {
      return out;
    }
    out.add(full);
    String compact = n.replaceAll("[\\s\\u3000]+", "");
    if (compact.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
      String surname = compact.substring(0, 1);
      for (String c : COMPOUND_SURNAMES) {
        if (compact.startsWith(c) && compact.length() > c.length()) {
          surname = c;
        }
      }
      String given = compact.substring(surname.length());
      if (given.length() >= 2) {
        out.add(flexibleText(given, 2));
      }
    } else {
      // Latin names: "Wei Wang" is also written "Wang Wei"
      String[] parts = n.split("[\\s,]+");
      if (parts.length == 2) {
        Pattern swapped = flexibleText(parts[1] + parts[0], 4);
        if (swapped != null) {
          out.add(swapped);
        }
      }
    }
    return out;
  }

  private static String charClass(int c) {
    if (c >= '0' && c <= '9') {
      return "[" + (char) c + (char) (c - '0' + 0xFF10) + "]";
    }
    if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
      int upper = Character.toUpperCase(c);
      int lower = Character.toLowerCase(c);
      return "[" + (char) upper + (char) lower + (char) (upper - 'A' + 0xFF21)
          + (char) (lower - 'a' + 0xFF41) + "]";
    }
    return Pattern.quote(new String(Character.toChars(c)));
  }

  /** Full-width ASCII (digits, letters, +, -) to ASCII. */
  static String toAscii(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c >= 0xFF01 && c <= 0xFF5E ? (char) (c - 0xFF01 + '!') : c);
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }
}
