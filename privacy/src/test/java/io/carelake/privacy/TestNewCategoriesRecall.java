package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The known-format recall suite for the categories of issue 11 item 2 and the separators of
 * item 1: {@value TestPhiScrubberRecall#N} generated plants per format in the sentence contexts
 * of {@link PhiCorpus#CONTEXTS}, each format's 95 % Wilson lower bound at least
 * {@value #MIN_RECALL}. These are the formats the detectors were written for ("known formats");
 * {@link TestHeldOutRecall} measures forms drawn from resources the scrubber does not use.
 */
class TestNewCategoriesRecall {

  static final double MIN_RECALL = 0.995;
  static final String INVISIBLE = "\u200B";

  static String digits(SplittableRandom r, int n) {
    return PhiCorpus.digits(r, n);
  }

  static PhiCorpus.Plant tag(String typed, String tag) {
    return new PhiCorpus.Plant(typed, tag, null);
  }

  static String spread(String s, String sep) {
    return String.join(sep, s.split(""));
  }

  /** A 16-digit UnionPay number with a valid Luhn digit. */
  static String card(SplittableRandom r) {
    String body = "62" + digits(r, 13);
    for (int d = 0; d < 10; d++) {
      if (BankCardRule.luhn(body + d)) {
        return body + d;
      }
    }
    throw new IllegalStateException();
  }

  static final Map<String, Function<SplittableRandom, PhiCorpus.Plant>> SEPARATORS =
      new LinkedHashMap<>();
  static final Map<String, Function<SplittableRandom, PhiCorpus.Plant>> DOCUMENTS =
      new LinkedHashMap<>();
  static final Map<String, Function<SplittableRandom, PhiCorpus.Plant>> NUMBERS =
      new LinkedHashMap<>();
  static final Map<String, Function<SplittableRandom, PhiCorpus.Plant>> DATES =
      new LinkedHashMap<>();

  static {
    String id = PhiScrubber.ID;
    String ph = PhiScrubber.PHONE;
    SEPARATORS.put("id zero-width", r -> tag(spread(PhiCorpus.residentId(r), INVISIBLE), id));
    SEPARATORS.put("id line breaks", r -> tag(PhiCorpus.groups(PhiCorpus.residentId(r), "\n", 6,
        8, 4), id));
    SEPARATORS.put("id dots", r -> tag(PhiCorpus.groups(PhiCorpus.residentId(r), ".", 6, 8, 4),
        id));
    SEPARATORS.put("mobile slashes", r -> tag(PhiCorpus.groups(PhiCorpus.mobile(r), "/", 3, 4, 4),
        ph));
    SEPARATORS.put("mobile 3 spaces", r -> tag(PhiCorpus.groups(PhiCorpus.mobile(r), "   ", 3, 4,
        4), ph));
    SEPARATORS.put("mobile soft hyphens", r -> tag(spread(PhiCorpus.mobile(r), "\u00AD"), ph));

    DOCUMENTS.put("passport E", r -> tag("E" + digits(r, 8), id));
    DOCUMENTS.put("passport EA", r -> tag("E" + (char) ('A' + r.nextInt(8)) + digits(r, 7), id));
    DOCUMENTS.put("HK/Macau permit C", r -> tag("C" + digits(r, 8), id));
    DOCUMENTS.put("home-return permit H", r -> tag("H" + digits(r, 10), id));
    DOCUMENTS.put("Taiwan permit T", r -> tag("T" + digits(r, 8), id));
    DOCUMENTS.put("医保卡号 cued", r -> new PhiCorpus.Plant("医保卡号：" + (char) ('A' + r.nextInt(26))
        + digits(r, 10), "医保卡号：" + id, null));
    DOCUMENTS.put("QQ cued", r -> new PhiCorpus.Plant("QQ " + (1 + r.nextInt(9)) + digits(r, 8),
        "QQ " + PhiScrubber.MESSENGER, null));
    DOCUMENTS.put("plate", r -> tag(VehiclePlates.PROVINCES.charAt(r.nextInt(31)) + ""
        + (char) ('A' + r.nextInt(8)) + digits(r, 5), PhiScrubber.PLATE));
    DOCUMENTS.put("url", r -> tag("https://portal" + r.nextInt(999) + ".example.org/p/"
        + digits(r, 6), PhiScrubber.URL));

    NUMBERS.put("bank card joined", r -> tag(card(r), PhiScrubber.CARD));
    NUMBERS.put("bank card 4-4-4-4", r -> tag(PhiCorpus.groups(card(r), " ", 4, 4, 4, 4),
        PhiScrubber.CARD));
    NUMBERS.put("landline joined", r -> {
      String[] l = PhiCorpus.landline(r);
      return tag(l[0] + l[1], ph);
    });
    NUMBERS.put("US phone joined", r -> tag((2 + r.nextInt(8)) + digits(r, 2)
        + (2 + r.nextInt(8)) + digits(r, 6), ph));
    NUMBERS.put("SSN spaces no cue", r -> tag(PhiCorpus.ssn(r).replace('-', ' '), id));
    NUMBERS.put("UUID record", r -> tag(java.util.UUID.nameUUIDFromBytes(digits(r, 12)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), PhiScrubber.RECORD));
    NUMBERS.put("age over 89", r -> new PhiCorpus.Plant((90 + r.nextInt(20)) + "岁",
        "90+岁", null));

    DATES.put("m月d日", r -> date(r, (d, s) -> new String[] {d.getMonthValue() + "月"
        + d.getDayOfMonth() + "日", s.getMonthValue() + "月" + s.getDayOfMonth() + "日"}));
    DATES.put("yyyymmdd", r -> date(r, (d, s) -> new String[] {d.toString().replace("-", ""),
        s.toString().replace("-", "")}));
    DATES.put("Month d, yyyy", r -> date(r, (d, s) -> new String[] {english(d) + " "
        + d.getDayOfMonth() + ", " + d.getYear(), english(s) + " " + s.getDayOfMonth() + ", "
        + s.getYear()}));
    DATES.put("dd-Mon-yyyy", r -> date(r, (d, s) -> new String[] {String.format("%02d-%s-%d",
        d.getDayOfMonth(), english(d).substring(0, 3), d.getYear()), String.format("%02d-%s-%d",
        s.getDayOfMonth(), english(s).substring(0, 3), s.getYear())}));
  }

  static String english(LocalDate d) {
    String m = d.getMonth().toString();
    return m.charAt(0) + m.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  static PhiCorpus.Plant date(SplittableRandom r,
      java.util.function.BiFunction<LocalDate, LocalDate, String[]> format) {
    LocalDate d = LocalDate.of(1990, 1, 1).plusDays(r.nextInt(12_000));
    int shift = 1 + r.nextInt(60);
    // a month-day without year is shifted within a non-leap year: stay off 29 February
    if (d.getMonthValue() == 2 && d.getDayOfMonth() == 29) {
      d = d.plusDays(1);
    }
    if (d.isLeapYear()) {
      d = d.plusYears(1);
    }
    String[] f = format.apply(d, d.plusDays(shift));
    return new PhiCorpus.Plant(f[0], f[1], shift);
  }

  @Test
  void separatorsThatHidIdentifiersAreSeenThrough() {
    assertThat(TestPhiScrubberRecall.recall("separators", SEPARATORS, new SplittableRandom(1),
        MIN_RECALL)).hasSize(SEPARATORS.size());
  }

  @Test
  void documentsPermitsInsuranceMessengerPlatesAndUrlsAreFound() {
    assertThat(TestPhiScrubberRecall.recall("documents", DOCUMENTS, new SplittableRandom(2),
        MIN_RECALL)).hasSize(DOCUMENTS.size());
  }

  @Test
  void cardsJoinedNumbersRecordsAndAgesAreFound() {
    assertThat(TestPhiScrubberRecall.recall("numbers", NUMBERS, new SplittableRandom(3),
        MIN_RECALL)).hasSize(NUMBERS.size());
  }

  @Test
  void everyNewDateFormIsShifted() {
    // dates in the places notes write them (a date after "tel:" reads as a phone number)
    String[] contexts = {"{}", "{}复诊。", "于{}化验，", "Seen {}.", "末次{}，", "（{}）"};
    assertThat(TestPhiScrubberRecall.recall("dates", DATES, new SplittableRandom(4), MIN_RECALL,
        contexts)).hasSize(DATES.size());
  }
}
