package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 items 1, 2 and 6: identifiers hidden by invisible characters, line breaks and other
 * separators; the categories the scrubber did not detect; the e-mail pattern that overflowed the
 * stack. Each case failed before the change.
 */
class TestScrubberHardening {

  static final String ID = "11010519491231002X";
  static final String MOBILE = "13812345678";

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u200B", "\u00AD", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u200E"})
  void invisibleFormatCharactersDoNotHideAnIdOrAMobile(String invisible) {
    String id = String.join(invisible, ID.split(""));
    String mobile = String.join(invisible, MOBILE.split(""));
    assertThat(scrub("身份证" + id + "，电话" + mobile + "。")).isEqualTo("身份证[ID]，电话[PHONE]。");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", ".", "/", "   ", "\u2028", " . "})
  void lineBreaksDotsSlashesAndWideGapsDoNotHideThem(String sep) {
    String id = ID.substring(0, 6) + sep + ID.substring(6, 14) + sep + ID.substring(14);
    String mobile = MOBILE.substring(0, 3) + sep + MOBILE.substring(3, 7) + sep
        + MOBILE.substring(7);
    assertThat(scrub("身份证" + id + "，电话" + mobile + "。")).isEqualTo("身份证[ID]，电话[PHONE]。");
  }

  @Test
  void theRowsOwnNameWithAZeroWidthSpaceInsideIsStillTheirName() {
    assertThat(PhiScrubber.scrub("王\u200B秀英自述头晕", "王秀英", null, null, null))
        .isEqualTo("[NAME]自述头晕");
    assertThat(PhiScrubber.scrub("Mary\u00ADAnne Smith reports", "Maryanne Smith", null, null,
        null)).isEqualTo("[NAME] reports");
  }

  @Test
  void latinRulesRunAcrossLineBreaks() {
    assertThat(scrub("Seen by Dr.\nJohn Smith")).isEqualTo("Seen by Dr.\n[NAME]");
    assertThat(scrub("Lives at 12\nMain Street")).isEqualTo("Lives at [ADDRESS]");
  }

  @Test
  void everyCategoryOfItemTwoIsDetected() {
    assertThat(scrub("护照号E12345678，护照G23456789，往来港澳通行证C12345678，回乡证H1234567890，"
        + "台湾通行证T12345678")).isEqualTo("护照号[ID]，护照[ID]，往来港澳通行证[ID]，回乡证[ID]，台湾通行证[ID]");
    assertThat(scrub("医保卡号：BJ1234567890，社保卡号 330106888888")).isEqualTo("医保卡号：[ID]，社保卡号 [ID]");
    assertThat(scrub("银行卡6222021234567890128，Visa 4111 1111 1111 1111"))
        .isEqualTo("银行卡[CARD]，Visa [CARD]");
    assertThat(scrub("QQ号：123456789，微信：wang_xiu88")).isEqualTo("QQ号：[IM]，微信：[IM]");
    assertThat(scrub("车牌京A12345，沪A·D12345")).isEqualTo("车牌[PLATE]，[PLATE]");
    assertThat(scrub("见https://example.org/patients/42及www.clinic.cn/x"))
        .isEqualTo("见[URL]及[URL]");
    assertThat(scrub("座机01065123456，电话6512 3456")).isEqualTo("座机[PHONE]，电话[PHONE]");
    assertThat(scrub("Call 6175551234; SSN 123 45 6789")).isEqualTo("Call [PHONE]; SSN [ID]");
    assertThat(scrub("Patient 8f14e45f-ceea-467f-9a3b-4d1e2c3b5a6f, ZY20240001"))
        .isEqualTo("Patient [MRN], [MRN]");
    assertThat(scrub("家住大王庄村3组，住阳光花园5栋2单元301室")).isEqualTo("家住[ADDRESS]，住[ADDRESS]");
    assertThat(scrub("92岁，95 years old, age 93")).isEqualTo("90+岁，90+ years old, age 90+");
    assertThat(scrub("85岁")).isEqualTo("85岁");
  }

  @Test
  void namesWithoutACueInTraditionalCharactersAndSignaturesAreDetected() {
    assertThat(scrub("王秀英，女，68岁。")).isEqualTo("[NAME]，女，68岁。");
    assertThat(scrub("陳美玲，女。")).isEqualTo("[NAME]，女。");
    assertThat(scrub("今日张建国来诊，测血压。")).isEqualTo("今日[NAME]来诊，测血压。");
    assertThat(scrub("嘱低盐饮食，不适随诊。（李娜）")).isEqualTo("嘱低盐饮食，不适随诊。（[NAME]）");
    // the patient's own given name inside a staff signature goes with the whole name
    assertThat(PhiScrubber.scrub("复诊。（欧阳明华）", "刘明华", null, null, null))
        .isEqualTo("复诊。（[NAME]）");
    assertThat(scrub("Seen with Mary Johnson today.")).isEqualTo("Seen with [NAME] today.");
  }

  @Test
  void everyDateFormShiftsWhenShifting() {
    String text = "3月5日复查，2024年3月起服药，20240305化验，March 5, 2024 and 05-Mar-2024.";
    assertThat(PhiScrubber.scrub(text, null, null, null, null, 10)).isEqualTo(
        "3月15日复查，2024年3月起服药，20240315化验，March 15, 2024 and 15-Mar-2024.");
    // batch numbers shaped like a date stay
    assertThat(PhiScrubber.scrub("批号20240305", null, null, null, null, 10))
        .isEqualTo("批号20240305");
  }

  @Test
  void theEmailThatOverflowedTheStackIsScannedAndLongValidAddressesAreFound() {
    // before: StackOverflowError in the repeated-group pattern, failing the whole interval
    String attack = "x@" + "a.".repeat(2000) + "com";
    assertThat(scrub("联系" + attack + "。")).startsWith("联系");
    String valid = "x@" + "ab.".repeat(60) + "com";
    assertThat(scrub("联系" + valid + "。")).isEqualTo("联系[EMAIL]。");
  }

  @Test
  void scrubbingFinishesOnAdversarialAndRandomInputsUpToAMegabyte() {
    // linear by construction (bounded windows, no nested quantifiers, at most MAX_PARTS digit
    // groups per candidate); these are the inputs that blow up a backtracking pattern: long
    // runs of what a pattern repeats
    String[] pieces = {"a.", "1 ", "1-", "x@", "Dr. ", "Aa ", "1", "王", "号", "(", "a", "1.",
        "@a.", "-", " ", "患者", "路1", "\u200B"};
    for (String piece : pieces) {
      String text = piece.repeat(128_000 / piece.length());
      assertThat(PhiScrubber.scrub(text, "王芳", ID, MOBILE, "北京市建国路88号", 7)).isNotNull();
    }
    assertThat(scrub("1 ".repeat(500_000))).isNotNull();
    SplittableRandom r = new SplittableRandom(1_000_000);
    for (int i = 0; i < 2; i++) {
      StringBuilder sb = new StringBuilder(1_000_000);
      while (sb.length() < 1_000_000) {
        sb.append(r.nextBoolean() ? pieces[r.nextInt(pieces.length)]
            : Character.toString((char) (0x20 + r.nextInt(0x9FA5 - 0x20))));
      }
      assertThat(scrub(sb.toString())).isNotNull();
    }
  }

  @Test
  void scrubbingIsIdempotentSoTheGateAcceptsAScrubbedText() {
    SplittableRandom r = new SplittableRandom(20);
    for (int i = 0; i < 500; i++) {
      String note = PhiCorpus.note(r, 8, 3, false).text();
      String once = scrub(note);
      assertThat(PhiScrubber.leaks(once, null, null, null, null)).as(once).isZero();
    }
  }
}
