package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks behind the numeric identifiers against published values: the Luhn check on the
 * card networks' documented test numbers and the textbook example 79927398713, the networks'
 * prefix ranges at their ends, the GB 11643-1999 specimen id 11010519491231002X, and calendar
 * dates at month ends and leap days.
 */
class TestNumberRules {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void luhnAcceptsPublishedTestNumbersAndRejectsOneDigitOff() {
    for (String valid : new String[] {"79927398713", "4111111111111111", "378282246310005",
        "5555555555554444", "6011111111111117", "3530111333300000", "2223003122003222",
        "6200000000000005", "0"}) {
      assertThat(BankCardRule.luhn(valid)).as(valid).isTrue();
    }
    for (String invalid : new String[] {"79927398710", "4111111111111112", "378282246310006",
        "5555555555554440", "1"}) {
      assertThat(BankCardRule.luhn(invalid)).as(invalid).isFalse();
    }
  }

  @Test
  void networkPrefixesAtTheEndsOfTheirRanges() {
    for (String yes : new String[] {"4000", "5100", "5500", "2221", "2720", "3400", "3700",
        "3500", "6011", "6500", "6200"}) {
      assertThat(BankCardRule.network(yes + "000000000")).as(yes).isTrue();
    }
    for (String no : new String[] {"5000", "5600", "2220", "2721", "3600", "3300", "3800",
        "6012", "6600", "6300", "1234"}) {
      assertThat(BankCardRule.network(no + "000000000")).as(no).isFalse();
    }
  }

  @Test
  void cardsAreFoundJoinedOrInFoursButNotInOtherGroupings() {
    assertThat(scrub("card 4111111111111111 on file")).isEqualTo("card [CARD] on file");
    assertThat(scrub("card 4111 1111 1111 1111 on file")).isEqualTo("card [CARD] on file");
    assertThat(scrub("amex 3782 822463 10005")).isEqualTo("amex [CARD]");
    assertThat(scrub("card 4111111111111112 on file")).isEqualTo("card 4111111111111112 on file");
    // 13 and 19 digits are the length range's ends; 12 Luhn-valid digits are not a card
    assertThat(scrub("card 4222222222222 on file")).isEqualTo("card [CARD] on file");
    assertThat(scrub("card 6212345678901234569 on file")).isEqualTo("card [CARD] on file");
    assertThat(scrub("ref 411111111117 on file")).isEqualTo("ref 411111111117 on file");
    // fours with a shorter last group, and a grouping that is not a card's
    assertThat(scrub("card 4111 1111 1111 14 on file")).isEqualTo("card [CARD] on file");
    assertThat(scrub("ref 4111 11 1111111111 on file")).isEqualTo("ref 4111 11 1111111111 on file");
  }

  @Test
  void calendarDatesAtMonthEndsAndLeapDays() {
    assertThat(ResidentIdRule.calendar(2024, 2, 29)).isTrue();
    assertThat(ResidentIdRule.calendar(2023, 2, 29)).isFalse();
    assertThat(ResidentIdRule.calendar(1900, 2, 29)).isFalse();
    assertThat(ResidentIdRule.calendar(2000, 2, 29)).isTrue();
    assertThat(ResidentIdRule.calendar(2023, 12, 31)).isTrue();
    assertThat(ResidentIdRule.calendar(2023, 4, 31)).isFalse();
    assertThat(ResidentIdRule.calendar(2023, 1, 1)).isTrue();
    assertThat(ResidentIdRule.calendar(2023, 0, 1)).isFalse();
    assertThat(ResidentIdRule.calendar(2023, 13, 1)).isFalse();
    assertThat(ResidentIdRule.calendar(2023, 1, 0)).isFalse();
    assertThat(ResidentIdRule.num("0123", 1, 3)).isEqualTo(123);
    assertThat(ResidentIdRule.num("907", 0, 2)).isEqualTo(90);
  }

  @Test
  void eighteenCharacterIdsByCheckCharacterOrPlausibleFields() {
    // the standard's specimen, and the same with a wrong check character
    assertThat(ResidentIdRule.validCheck("11010519491231002X")).isTrue();
    assertThat(ResidentIdRule.validCheck("110105194912310021")).isFalse();
    assertThat(ResidentIdRule.plausible18("110105194912310021")).isTrue();
    // region 11-91 and a birth date in 1900-2099, each at and past its ends
    assertThat(ResidentIdRule.plausible18("910105194912310021")).isTrue();
    assertThat(ResidentIdRule.plausible18("100105194912310021")).isFalse();
    assertThat(ResidentIdRule.plausible18("920105194912310021")).isFalse();
    assertThat(ResidentIdRule.plausible18("110105190001010021")).isTrue();
    assertThat(ResidentIdRule.plausible18("110105189912310021")).isFalse();
    assertThat(ResidentIdRule.plausible18("110105209912310021")).isTrue();
    assertThat(ResidentIdRule.plausible18("110105210001010021")).isFalse();
    assertThat(ResidentIdRule.plausible18("110105194902300021")).isFalse();
    assertThat(ResidentIdRule.plausible18("1101051949123100X1")).isFalse();
    assertThat(scrub("身份证11010519491231002X。")).isEqualTo("身份证[ID]。");
    assertThat(scrub("身份证110105194912310021。")).isEqualTo("身份证[ID]。");
  }

  @Test
  void fifteenDigitIdsNeedARegionDigitAndACalendarDate() {
    assertThat(scrub("旧证110105491231002。")).isEqualTo("旧证[ID]。");
    assertThat(scrub("旧证810105491231002。")).isEqualTo("旧证[ID]。");
    assertThat(scrub("旧证910105491231002。")).isEqualTo("旧证910105491231002。");
    assertThat(scrub("旧证010105491231002。")).isEqualTo("旧证010105491231002。");
    assertThat(scrub("旧证110105490231002。")).isEqualTo("旧证110105490231002。");
  }
}
