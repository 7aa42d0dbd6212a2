// Over 400 lines: one generator per typed format of every category, kept together so that the
// recall suites and their formats are read in one place.
package io.carelake.privacy;

import io.carelake.core.ids.ResidentIds;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Synthetic identifiers in the formats people type them, planted in clinical text, for the
 * scrubber's recall suite and the de-identification benchmark. Everything is generated from a
 * seeded {@link SplittableRandom}: no real person's data. Each format yields a {@link Plant}: the
 * text as typed and what the scrubber must turn it into.
 */
public final class PhiCorpus {

  private PhiCorpus() {}

  /** A planted identifier: as typed, as it must come out, and the date shift to scrub with. */
  public record Plant(String typed, String expected, Integer shiftDays) {
    static Plant tag(String typed, String tag) {
      return new Plant(typed, tag, null);
    }
  }

  /** Wilson score interval lower bound (95 %) for k successes in n trials. */
  public static double wilsonLower(long k, long n) {
    return WilsonInterval.lower(k, n);
  }

  /** Sentences with the planted value at {} (start, middle, end, next to Han, Latin, punctuation). */
  public static final String[] CONTEXTS = {"{}", "身份证号{}，复诊。", "患者家属电话{}，已告知。",
      "证件：{}", "ID {}; BP 150/90", "{}号码已核对", "联系人（{}）", "备注:{}.", "其子{}陪同",
      "tel:{}, MRN none"};

  static final String[] DISTRICTS = {"110101", "110105", "120104", "310104", "330106", "440106",
      "510107", "610113", "420102", "320102"};

  // --- generators -------------------------------------------------------------------------------

  public static String residentId(SplittableRandom r) {
    String district = DISTRICTS[r.nextInt(DISTRICTS.length)];
    LocalDate birth = LocalDate.of(1930, 1, 1).plusDays(r.nextInt(32_000));
    String first17 = district + birth.toString().replace("-", "")
        + String.format("%03d", r.nextInt(1000));
    return ResidentIds.complete(first17);
  }

  public static String residentId15(SplittableRandom r) {
    String district = DISTRICTS[r.nextInt(DISTRICTS.length)];
    LocalDate birth = LocalDate.of(1920, 1, 1).plusDays(r.nextInt(29_000));
    return district + birth.toString().replace("-", "").substring(2)
        + String.format("%03d", r.nextInt(1000));
  }

  public static String mobile(SplittableRandom r) {
    return "1" + (3 + r.nextInt(7)) + String.format("%09d", r.nextInt(1_000_000_000));
  }

  static final String[] AREAS = {"010", "020", "021", "022", "023", "024", "025", "027", "028",
      "029", "0311", "0371", "0512", "0571", "0591", "0731", "0755", "0871", "0931", "0991"};

  /** A CN landline: {area code, local number} with 8 digits after 3-digit areas, 7-8 after 4. */
  static String[] landline(SplittableRandom r) {
    String area = AREAS[r.nextInt(AREAS.length)];
    int len = area.length() == 3 ? 8 : 7 + r.nextInt(2);
    StringBuilder local = new StringBuilder().append((char) ('2' + r.nextInt(7)));
    for (int i = 1; i < len; i++) {
      local.append((char) ('0' + r.nextInt(10)));
    }
    return new String[] {area, local.toString()};
  }

  static final String[] PINYIN = {"zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang",
      "zhou", "wu", "xu", "sun", "hu", "zhu", "gao", "lin", "he", "guo", "ma", "luo", "wei",
      "fang", "min", "jing", "li", "qiang", "lei", "jun", "yang", "yong", "yan", "jie"};
  static final String[] DOMAINS = {"163.com", "qq.com", "126.com", "example.org", "hospital.cn",
      "gmail.com", "mail.example.edu", "sina.com.cn"};

  static String email(SplittableRandom r) {
    String local = PINYIN[r.nextInt(PINYIN.length)] + (r.nextBoolean() ? "." : "")
        + PINYIN[r.nextInt(PINYIN.length)] + (r.nextBoolean() ? Integer.toString(r.nextInt(2000))
        : "");
    return local + "@" + DOMAINS[r.nextInt(DOMAINS.length)];
  }

  static String digits(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }

  static String upper(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('A' + r.nextInt(26)));
    }
    return sb.toString();
  }

  static String ssn(SplittableRandom r) {
    return String.format("%03d-%02d-%04d", 1 + r.nextInt(899), 1 + r.nextInt(99),
        1 + r.nextInt(9999));
  }

  static String[] usPhone(SplittableRandom r) {
    return new String[] {Integer.toString(200 + r.nextInt(800)),
        Integer.toString(200 + r.nextInt(800)), String.format("%04d", r.nextInt(10000))};
  }

  static final String[] US_WORDS = {"Main", "Oak", "Maple", "Rath", "Kuhn", "Hagenes", "Cedar",
      "Washington", "Lake", "Hill", "Pine", "Elm", "Schiller", "Walker", "O'Keefe", "Bergstrom",
      "Franecki", "Lindgren", "Jacobson", "Market", "Spring", "Park", "Ridge", "Sunset"};
  static final String[] US_SUFFIXES = {"St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd",
      "Lane", "Ln", "Dr", "Drive", "Ct", "Way", "Pl", "Terrace", "Ferry", "Gateway", "Mill",
      "Rapid", "Pathway", "Crossing", "Parkway", "Circle", "Trail", "Station", "Heights",
      "Junction", "Village", "View", "Port"};

  static String usStreet(SplittableRandom r) {
    String words = US_WORDS[r.nextInt(US_WORDS.length)]
        + (r.nextInt(3) == 0 ? " " + US_WORDS[r.nextInt(US_WORDS.length)] : "");
    return (1 + r.nextInt(9999)) + " " + words + " " + US_SUFFIXES[r.nextInt(US_SUFFIXES.length)];
  }

  static final String[] FIRST = {"John", "Mary", "Abe604", "Linda", "James", "Maria", "Robert",
      "Jennifer", "Wei", "Li", "Carlos", "Aisha", "Kathryn", "Shirley", "Jose", "Emily"};
  static final String[] LAST = {"Smith", "Hagenes547", "Johnson", "O'Connor", "Garcia", "Kuhn",
      "Rath", "Schiller", "Lee", "Nguyen", "Wang", "McDermott", "Bergstrom", "Walker",
      "Smith-Jones", "Lindgren"};
  static final String[] TITLES = {"Dr.", "Mr.", "Mrs.", "Ms.", "Dr"};

  static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
      + "田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹";
  static final String GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅文斌"
      + "鹏辉飞宇浩然欣怡子轩雨涵晨阳佳琪俊杰梓萱";

  static String cnName(SplittableRandom r) {
    StringBuilder sb = new StringBuilder().append(SURNAMES.charAt(r.nextInt(SURNAMES.length())));
    int given = 1 + r.nextInt(2);
    for (int i = 0; i < given; i++) {
      sb.append(GIVEN.charAt(r.nextInt(GIVEN.length())));
    }
    return sb.toString();
  }

  static final String[] CITIES = {"北京市朝阳区", "上海市徐汇区", "杭州市西湖区", "广州市天河区",
      "成都市武侯区", "武汉市江汉区", "南京市鼓楼区", "西安市雁塔区", "长沙县", "昆山市"};
  static final String[] STREETS = {"建国", "文三", "漕溪北", "体育西", "人民", "解放", "中山",
      "长江", "和平", "青年", "学院", "新华", "光明", "东风", "滨江"};
  static final String[] STREET_KINDS = {"路", "街", "大道", "巷", "胡同"};

  static String cnStreet(SplittableRandom r) {
    StringBuilder sb = new StringBuilder(STREETS[r.nextInt(STREETS.length)])
        .append(STREET_KINDS[r.nextInt(STREET_KINDS.length)]).append(1 + r.nextInt(999))
        .append("号");
    if (r.nextBoolean()) {
      sb.append(1 + r.nextInt(30)).append("栋").append(1 + r.nextInt(6)).append("单元")
          .append(101 + r.nextInt(2000)).append("室");
    }
    return sb.toString();
  }

  /** Full-width form of the printable ASCII in {@code s} (space → ideographic space). */
  public static String fullWidth(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c == ' ' ? '\u3000' : c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
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

  // --- formats per category ---------------------------------------------------------------------

  public static final Map<String, Function<SplittableRandom, Plant>> ID18_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> ID15_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> MOBILE_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> LANDLINE_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> EMAIL_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> RECORD_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> SSN_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> US_PHONE_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> US_ADDRESS_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> TITLE_NAME_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> CN_ADDRESS_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> CN_NAME_FORMATS =
      new LinkedHashMap<>();
  public static final Map<String, Function<SplittableRandom, Plant>> DATE_FORMATS =
      new LinkedHashMap<>();

  /** Every category's formats, by category name. */
  public static final Map<String, Map<String, Function<SplittableRandom, Plant>>> CATEGORIES =
      new LinkedHashMap<>();

  static {
    String id = PhiScrubber.ID;
    ID18_FORMATS.put("plain", r -> Plant.tag(residentId(r), id));
    ID18_FORMATS.put("lower x", r -> Plant.tag(residentId(r).toLowerCase(), id));
    ID18_FORMATS.put("6-8-4 spaces", r -> Plant.tag(groups(residentId(r), " ", 6, 8, 4), id));
    ID18_FORMATS.put("6-8-4 hyphens", r -> Plant.tag(groups(residentId(r), "-", 6, 8, 4), id));
    ID18_FORMATS.put("full-width", r -> Plant.tag(fullWidth(residentId(r)), id));
    ID18_FORMATS.put("ideographic spaces",
        r -> Plant.tag(groups(residentId(r), "\u3000", 6, 8, 4), id));
    ID18_FORMATS.put("4-4-4-4-2", r -> Plant.tag(groups(residentId(r), " ", 4, 4, 4, 4, 2), id));

    ID15_FORMATS.put("plain", r -> Plant.tag(residentId15(r), id));
    ID15_FORMATS.put("6-6-3 spaces", r -> Plant.tag(groups(residentId15(r), " ", 6, 6, 3), id));
    ID15_FORMATS.put("6-6-3 hyphens", r -> Plant.tag(groups(residentId15(r), "-", 6, 6, 3), id));
    ID15_FORMATS.put("full-width", r -> Plant.tag(fullWidth(residentId15(r)), id));
    ID15_FORMATS.put("ideographic spaces",
        r -> Plant.tag(groups(residentId15(r), "\u3000", 6, 6, 3), id));

    String ph = PhiScrubber.PHONE;
    MOBILE_FORMATS.put("plain", r -> Plant.tag(mobile(r), ph));
    MOBILE_FORMATS.put("3-4-4 hyphens", r -> Plant.tag(groups(mobile(r), "-", 3, 4, 4), ph));
    MOBILE_FORMATS.put("3-4-4 spaces", r -> Plant.tag(groups(mobile(r), " ", 3, 4, 4), ph));
    MOBILE_FORMATS.put("+86 spaced", r -> Plant.tag("+86 " + groups(mobile(r), " ", 3, 4, 4), ph));
    MOBILE_FORMATS.put("+86 hyphens", r -> Plant.tag("+86-" + groups(mobile(r), "-", 3, 4, 4), ph));
    MOBILE_FORMATS.put("+86 joined", r -> Plant.tag("+86" + mobile(r), ph));
    MOBILE_FORMATS.put("0086", r -> Plant.tag("0086" + mobile(r), ph));
    MOBILE_FORMATS.put("(+86)", r -> Plant.tag("(+86)" + mobile(r), ph));
    MOBILE_FORMATS.put("full-width", r -> Plant.tag(fullWidth(mobile(r)), ph));
    MOBILE_FORMATS.put("full-width +86",
        r -> Plant.tag("＋86 " + groups(mobile(r), " ", 3, 4, 4), ph));
    MOBILE_FORMATS.put("86-", r -> Plant.tag("86-" + mobile(r), ph));

    LANDLINE_FORMATS.put("area-local", r -> {
      String[] l = landline(r);
      return Plant.tag(l[0] + "-" + l[1], ph);
    });
    LANDLINE_FORMATS.put("(area)local", r -> {
      String[] l = landline(r);
      return Plant.tag("(" + l[0] + ")" + l[1], ph);
    });
    LANDLINE_FORMATS.put("area local 4 4", r -> {
      String[] l = landline(r);
      return Plant.tag(l[0] + " " + l[1].substring(0, l[1].length() - 4) + " "
          + l[1].substring(l[1].length() - 4), ph);
    });
    LANDLINE_FORMATS.put("+86 area local", r -> {
      String[] l = landline(r);
      return Plant.tag("+86 " + l[0].substring(1) + " " + l[1], ph);
    });
    LANDLINE_FORMATS.put("0086-area-local", r -> {
      String[] l = landline(r);
      return Plant.tag("0086-" + l[0].substring(1) + "-" + l[1], ph);
    });
    LANDLINE_FORMATS.put("full-width", r -> {
      String[] l = landline(r);
      return Plant.tag(fullWidth(l[0] + "-" + l[1]), ph);
    });
    LANDLINE_FORMATS.put("ideographic space", r -> {
      String[] l = landline(r);
      return Plant.tag(l[0] + "\u3000" + l[1], ph);
    });
    LANDLINE_FORMATS.put("extension 转", r -> {
      String[] l = landline(r);
      return Plant.tag(l[0] + "-" + l[1] + "转" + (100 + r.nextInt(900)), ph);
    });

    String em = PhiScrubber.EMAIL;
    EMAIL_FORMATS.put("plain", r -> Plant.tag(email(r), em));
    EMAIL_FORMATS.put("upper case", r -> Plant.tag(email(r).toUpperCase(), em));
    EMAIL_FORMATS.put("full-width", r -> Plant.tag(fullWidth(email(r)), em));

    String mrn = PhiScrubber.RECORD;
    RECORD_FORMATS.put("病历号 digits", r -> new Plant("病历号" + digits(r, 6 + r.nextInt(5)),
        "病历号" + mrn, null));
    RECORD_FORMATS.put("住院号：ZY", r -> new Plant("住院号：ZY" + digits(r, 8), "住院号：" + mrn, null));
    RECORD_FORMATS.put("门诊号: MZ-yyyy-n", r -> new Plant("门诊号: MZ-" + (2015 + r.nextInt(10))
        + "-" + digits(r, 5), "门诊号: " + mrn, null));
    RECORD_FORMATS.put("病案号 full-width", r -> new Plant("病案号" + fullWidth(digits(r, 7)),
        "病案号" + mrn, null));
    RECORD_FORMATS.put("MRN: digits", r -> new Plant("MRN: " + digits(r, 7), "MRN: " + mrn, null));
    RECORD_FORMATS.put("Record # alnum", r -> new Plant("Record #" + upper(r, 2) + digits(r, 6),
        "Record #" + mrn, null));
    RECORD_FORMATS.put("Medical Record Number", r -> new Plant("Medical Record Number "
        + digits(r, 3) + "-" + digits(r, 4), "Medical Record Number " + mrn, null));

    SSN_FORMATS.put("ddd-dd-dddd", r -> Plant.tag(ssn(r), id));
    SSN_FORMATS.put("SSN spaces", r -> new Plant("SSN " + ssn(r).replace('-', ' '),
        "SSN " + id, null));
    SSN_FORMATS.put("SSN: joined", r -> new Plant("SSN: " + ssn(r).replace("-", ""),
        "SSN: " + id, null));
    SSN_FORMATS.put("full-width", r -> Plant.tag(fullWidth(ssn(r)), id));

    US_PHONE_FORMATS.put("(ddd) ddd-dddd", r -> {
      String[] p = usPhone(r);
      return Plant.tag("(" + p[0] + ") " + p[1] + "-" + p[2], ph);
    });
    US_PHONE_FORMATS.put("ddd-ddd-dddd", r -> {
      String[] p = usPhone(r);
      return Plant.tag(p[0] + "-" + p[1] + "-" + p[2], ph);
    });
    US_PHONE_FORMATS.put("ddd.ddd.dddd", r -> {
      String[] p = usPhone(r);
      return Plant.tag(p[0] + "." + p[1] + "." + p[2], ph);
    });
    US_PHONE_FORMATS.put("+1 ddd ddd dddd", r -> {
      String[] p = usPhone(r);
      return Plant.tag("+1 " + p[0] + " " + p[1] + " " + p[2], ph);
    });
    US_PHONE_FORMATS.put("1-ddd-ddd-dddd", r -> {
      String[] p = usPhone(r);
      return Plant.tag("1-" + p[0] + "-" + p[1] + "-" + p[2], ph);
    });
    US_PHONE_FORMATS.put("Synthea 555-", r -> Plant.tag("555-" + digits(r, 3) + "-"
        + digits(r, 4), ph));

    String ad = PhiScrubber.ADDRESS;
    US_ADDRESS_FORMATS.put("number street suffix", r -> Plant.tag(usStreet(r), ad));
    US_ADDRESS_FORMATS.put("with Apt", r -> Plant.tag(usStreet(r) + " Apt " + (1 + r.nextInt(99)),
        ad));
    US_ADDRESS_FORMATS.put("with , Suite", r -> Plant.tag(usStreet(r) + ", Suite "
        + (100 + r.nextInt(900)), ad));
    US_ADDRESS_FORMATS.put("unit alone", r -> Plant.tag(new String[] {"Apt", "Apt.", "Suite",
        "Unit"}[r.nextInt(4)] + " " + (1 + r.nextInt(999)) + (r.nextBoolean() ? "" : "B"), ad));

    String nm = PhiScrubber.NAME;
    TITLE_NAME_FORMATS.put("Dr. First Last", r -> new Plant("Dr. " + FIRST[r.nextInt(FIRST.length)]
        + " " + LAST[r.nextInt(LAST.length)], "Dr. " + nm, null));
    TITLE_NAME_FORMATS.put("Mr. Last", r -> new Plant("Mr. " + LAST[r.nextInt(LAST.length)],
        "Mr. " + nm, null));
    TITLE_NAME_FORMATS.put("Mrs. First Last", r -> new Plant("Mrs. "
        + FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)], "Mrs. " + nm, null));
    TITLE_NAME_FORMATS.put("Ms. Last", r -> new Plant("Ms. " + LAST[r.nextInt(LAST.length)],
        "Ms. " + nm, null));
    TITLE_NAME_FORMATS.put("Dr Last (no dot)", r -> new Plant("Dr " + LAST[r.nextInt(LAST.length)],
        "Dr " + nm, null));

    CN_ADDRESS_FORMATS.put("city district street", r -> {
      String city = CITIES[r.nextInt(CITIES.length)];
      return new Plant(city + cnStreet(r), city + ad, null);
    });
    CN_ADDRESS_FORMATS.put("家住 street", r -> new Plant("家住" + cnStreet(r), "家住" + ad, null));
    CN_ADDRESS_FORMATS.put("地址： full-width digits", r -> new Plant("地址：" + fullWidth(
        cnStreet(r)), "地址：" + ad, null));

    CN_NAME_FORMATS.put("患者X，男", r -> new Plant("患者" + cnName(r) + "，男", "患者" + nm + "，男",
        null));
    CN_NAME_FORMATS.put("家属X：", r -> new Plant("家属" + cnName(r) + "：", "家属" + nm + "：", null));
    CN_NAME_FORMATS.put("X先生", r -> {
      String s = SURNAMES.substring(r.nextInt(SURNAMES.length())).substring(0, 1);
      return new Plant(s + "先生", nm + "先生", null);
    });
    CN_NAME_FORMATS.put("女儿X陪同", r -> new Plant("女儿" + cnName(r) + "陪同", "女儿" + nm + "陪同",
        null));
    CN_NAME_FORMATS.put("医师X。", r -> new Plant("医师" + cnName(r) + "。", "医师" + nm + "。", null));

    DATE_FORMATS.put("yyyy-mm-dd", r -> date(r, (d, s) -> new String[] {d.toString(),
        s.toString()}));
    DATE_FORMATS.put("yyyy/m/d", r -> date(r, (d, s) -> new String[] {d.getYear() + "/"
        + d.getMonthValue() + "/" + d.getDayOfMonth(), s.getYear() + "/" + s.getMonthValue() + "/"
        + s.getDayOfMonth()}));
    DATE_FORMATS.put("yyyy.mm.dd", r -> date(r, (d, s) -> new String[] {
        d.toString().replace('-', '.'), s.toString().replace('-', '.')}));
    DATE_FORMATS.put("yyyy年m月d日", r -> date(r, (d, s) -> new String[] {d.getYear() + "年"
        + d.getMonthValue() + "月" + d.getDayOfMonth() + "日", s.getYear() + "年"
        + s.getMonthValue() + "月" + s.getDayOfMonth() + "日"}));
    DATE_FORMATS.put("mm/dd/yyyy", r -> date(r, (d, s) -> new String[] {String.format(
        "%02d/%02d/%d", d.getMonthValue(), d.getDayOfMonth(), d.getYear()), String.format(
        "%02d/%02d/%d", s.getMonthValue(), s.getDayOfMonth(), s.getYear())}));
    DATE_FORMATS.put("full-width yyyy-mm-dd", r -> date(r, (d, s) -> new String[] {
        fullWidth(d.toString()), s.toString()}));

    CATEGORIES.put("id18", ID18_FORMATS);
    CATEGORIES.put("id15", ID15_FORMATS);
    CATEGORIES.put("mobile", MOBILE_FORMATS);
    CATEGORIES.put("landline", LANDLINE_FORMATS);
    CATEGORIES.put("email", EMAIL_FORMATS);
    CATEGORIES.put("record", RECORD_FORMATS);
    CATEGORIES.put("ssn", SSN_FORMATS);
    CATEGORIES.put("us phone", US_PHONE_FORMATS);
    CATEGORIES.put("us address", US_ADDRESS_FORMATS);
    CATEGORIES.put("title name", TITLE_NAME_FORMATS);
    CATEGORIES.put("cn address", CN_ADDRESS_FORMATS);
    CATEGORIES.put("cn name", CN_NAME_FORMATS);
    CATEGORIES.put("date", DATE_FORMATS);
  }

  /** A date 1950-2030 and a non-zero shift in [-365, 365]: the typed and expected forms. */
  private static Plant date(SplittableRandom r,
      java.util.function.BiFunction<LocalDate, LocalDate, String[]> format) {
    LocalDate d = LocalDate.of(1950, 1, 1).plusDays(r.nextInt(29_000));
    int shift = r.nextInt(730) - 365;
    if (shift == 0) {
      shift = 1;
    }
    String[] f = format.apply(d, d.plusDays(shift));
    return new Plant(f[0], f[1], shift);
  }

  // --- negatives: clinical text that must survive untouched -------------------------------------

  public static final Map<String, Function<SplittableRandom, String>> NEGATIVES =
      new LinkedHashMap<>();

  static {
    NEGATIVES.put("lab value", r -> String.format("血糖%.1f mmol/L，HbA1c %.1f%%，血压%d/%d mmHg，"
        + "体重%.1fkg", 3 + r.nextDouble() * 20, 4 + r.nextDouble() * 8, 90 + r.nextInt(120),
        50 + r.nextInt(70), 40 + r.nextDouble() * 80));
    NEGATIVES.put("dose", r -> String.format("氨氯地平%d mg qd×%d天，二甲双胍%d mg bid，"
        + "胰岛素%d U，阿司匹林1/2片", 1 + r.nextInt(20), 1 + r.nextInt(90), 250 * (1 + r.nextInt(8)),
        r.nextInt(60)));
    NEGATIVES.put("ICD-10", r -> String.format("诊断：%c%02d.%d，I10，E11.9，R73.0%d",
        (char) ('A' + r.nextInt(26)), r.nextInt(100), r.nextInt(10), r.nextInt(10)));
    NEGATIVES.put("approval number", r -> String.format("国药准字H%08d，国药准字Z%08d，"
        + "国械注准%d3%06d", r.nextInt(100_000_000), r.nextInt(100_000_000), 2015 + r.nextInt(10),
        r.nextInt(1_000_000)));
    NEGATIVES.put("device serial", r -> String.format("血压计SN:%s%09d，设备编号DEV-%d-%04d，"
        + "批号%d%02d%02d", (char) ('A' + r.nextInt(26)), r.nextInt(1_000_000_000),
        20200101 + r.nextInt(50000), r.nextInt(10000), 2020 + r.nextInt(6), 1 + r.nextInt(12),
        1 + r.nextInt(28)));
    NEGATIVES.put("date and time", r -> String.format("2025-%02d-%02d %02d:%02d复诊，"
        + "2024年%d月%d日化验，03/%02d/2024 follow-up", 1 + r.nextInt(12), 1 + r.nextInt(28),
        r.nextInt(24), r.nextInt(60), 1 + r.nextInt(12), 1 + r.nextInt(28), 1 + r.nextInt(28)));
    NEGATIVES.put("dates in clinical context", r -> String.format("病程%d年，服药%d个月，"
        + "%d/%d片 tid，血压%d/%d，%d-%d次/分，第%d天，%d月经史%d/%d", 1 + r.nextInt(30),
        1 + r.nextInt(24), 1 + r.nextInt(2), 2 + r.nextInt(3), 90 + r.nextInt(100),
        50 + r.nextInt(60), 60 + r.nextInt(20), 80 + r.nextInt(20), 1 + r.nextInt(30),
        12 + r.nextInt(4), 3 + r.nextInt(5), 26 + r.nextInt(8)));
    NEGATIVES.put("measurements", r -> String.format("身高%.1fcm，腰围%d cm，尿量%d ml/24h，"
        + "结节%.1f×%.1f cm，WBC %.1f×10^9/L，PLT %d×10^9/L，心率%d bpm，时间%02d:%02d-%02d:%02d，"
        + "Hb %d g/L，eGFR %d mL/min/1.73m2", 140 + r.nextDouble() * 50, 60 + r.nextInt(60),
        500 + r.nextInt(2500), r.nextDouble() * 5, r.nextDouble() * 5, 3 + r.nextDouble() * 10,
        100 + r.nextInt(300), 50 + r.nextInt(70), r.nextInt(24), r.nextInt(60), r.nextInt(24),
        r.nextInt(60), 80 + r.nextInt(100), 10 + r.nextInt(110)));
    NEGATIVES.put("synthea medications", r -> new String[] {
        "Acetaminophen 325 MG Oral Tablet", "24 HR Metoprolol Succinate 100 MG Extended Release"
        + " Oral Tablet", "Lisinopril 10 MG Oral Tablet", "Hydrochlorothiazide 25 MG Oral Tablet",
        "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable"
        + " Suspension", "Fluticasone propionate 0.05 MG/ACTUAT Nasal Spray",
        "1 ML Epinephrine 1 MG/ML Auto-Injector", "Simvastatin 20 MG Oral Tablet",
        "Amlodipine 5 MG / Hydrochlorothiazide 12.5 MG / Olmesartan medoxomil 20 MG Oral Tablet",
        "Encounter for check up (procedure); Well child visit; 120 Grams Per Day Diet"}
        [r.nextInt(10)] + String.format(", BP %d/%d mmHg, HR %d, Temp %.1f C, SpO2 %d%%",
        100 + r.nextInt(60), 60 + r.nextInt(40), 50 + r.nextInt(60), 36 + r.nextDouble() * 3,
        90 + r.nextInt(10)));
  }

  // --- notes for the benchmark ------------------------------------------------------------------

  /** Clinical sentences without numbers, as the generator's notes have between their numbers. */
  static final String[] PROSE = {"慢病随访。", "近期规律服药，无头晕头痛、胸闷气短。",
      "服药依从性一般，偶有漏服。", "急诊就诊，神志清楚，生命体征平稳。", "收入院观察，完善相关检查。",
      "年度健康体检。", "反复头晕，多次测血压偏高。", "口干、多饮、多尿，体重略有下降。",
      "无发热寒战，饮食睡眠可。", "嘱低盐低脂饮食，监测血压，不适随诊。",
      "嘱控制饮食、适量运动，监测血糖，2周后复诊。", "主诉：头晕伴乏力。", "诊断：原发性高血压；2型糖尿病。",
      "Patient reports mild headache, no chest pain. Advised lifestyle changes and follow-up."};

  /** A generated note: its text and the original spans of the identifiers planted in it. */
  public record Note(String text, List<int[]> planted, Integer shiftDays) {}

  /**
   * A note of clinical sentences (two thirds prose without numbers, one third the negatives:
   * measurements, doses, codes, serials) with {@code plants} identifiers from random
   * categories and formats planted between them (dates only when {@code withDates}, scrubbed with
   * the plant's shift).
   */
  public static Note note(SplittableRandom r, int sentences, int plants, boolean withDates) {
    List<String> negKinds = new ArrayList<>(NEGATIVES.keySet());
    negKinds.remove("date and time");
    List<String> cats = new ArrayList<>(CATEGORIES.keySet());
    if (!withDates) {
      cats.remove("date");
    }
    StringBuilder sb = new StringBuilder();
    List<int[]> planted = new ArrayList<>();
    Integer shift = null;
    int total = sentences + plants;
    int plantsLeft = plants;
    for (int i = 0; i < total; i++) {
      boolean plant = plantsLeft > 0 && (r.nextInt(total - i) < plantsLeft);
      if (plant) {
        plantsLeft--;
        Map<String, Function<SplittableRandom, Plant>> formats =
            CATEGORIES.get(cats.get(r.nextInt(cats.size())));
        List<Function<SplittableRandom, Plant>> fs = new ArrayList<>(formats.values());
        Plant p = fs.get(r.nextInt(fs.size())).apply(r);
        if (p.shiftDays() != null) {
          if (shift == null) {
            shift = p.shiftDays();
          }
        }
        sb.append("备注：");
        planted.add(new int[] {sb.length(), sb.length() + p.typed().length()});
        sb.append(p.typed()).append("。");
      } else if (r.nextInt(3) == 0) {
        sb.append(NEGATIVES.get(negKinds.get(r.nextInt(negKinds.size()))).apply(r)).append("。");
      } else {
        sb.append(PROSE[r.nextInt(PROSE.length)]);
      }
    }
    return new Note(sb.toString(), planted, shift);
  }
}
