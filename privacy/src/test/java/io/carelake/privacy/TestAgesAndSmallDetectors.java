package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Ages over 89 (HIPAA Safe Harbor's 90-and-over category) at the 89 / 90 and 150 / 151 ends in
 * every written form, US SSNs with and without their cue, and vehicle plates: the exact text out.
 */
class TestAgesAndSmallDetectors {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void agesFromNinetyToOneHundredFiftyBecomeNinetyPlus() {
    assertThat(scrub("男，92岁，头晕")).isEqualTo("男，90+岁，头晕");
    assertThat(scrub("男，90岁，头晕")).isEqualTo("男，90+岁，头晕");
    assertThat(scrub("92岁，头晕")).isEqualTo("90+岁，头晕");
    // a 岁 in the text's first two characters does not end the search for the ages after it
    assertThat(scrub("8岁时骨折，现92岁。")).isEqualTo("8岁时骨折，现90+岁。");
    assertThat(scrub("男，89岁，头晕")).isEqualTo("男，89岁，头晕");
    assertThat(scrub("女，93 周岁")).isEqualTo("女，90+ 周岁");
    assertThat(scrub("年龄：150，复诊")).isEqualTo("年龄：90+，复诊");
    assertThat(scrub("年龄：151，复诊")).isEqualTo("年龄：151，复诊");
    assertThat(scrub("年龄:89")).isEqualTo("年龄:89");
    assertThat(scrub("a 95 years old man")).isEqualTo("a 90+ years old man");
    assertThat(scrub("a 91-year-old woman")).isEqualTo("a 90+-year-old woman");
    assertThat(scrub("94 yo F")).isEqualTo("90+ yo F");
    assertThat(scrub("97 y/o M")).isEqualTo("90+ y/o M");
    assertThat(scrub("Age 96, frail")).isEqualTo("Age 90+, frail");
    assertThat(scrub("aged 91")).isEqualTo("aged 90+");
    assertThat(scrub("age 89")).isEqualTo("age 89");
    // not an age: a dose, a decimal, a year count of something else
    assertThat(scrub("took 95 mg")).isEqualTo("took 95 mg");
    assertThat(scrub("9.95岁")).isEqualTo("9.95岁");
    assertThat(scrub("95 yoga classes")).isEqualTo("95 yoga classes");
  }

  @Test
  void englishCueNeedsAYOrAg() {
    assertThat(Ages.hasEnglishCue("95 yo", 0, 5)).isTrue();
    assertThat(Ages.hasEnglishCue("95 YO", 0, 5)).isTrue();
    assertThat(Ages.hasEnglishCue("AGE 9", 0, 5)).isTrue();
    assertThat(Ages.hasEnglishCue("95 yo", 0, 3)).isFalse();
    assertThat(Ages.hasEnglishCue("ag", 0, 2)).isTrue();
    assertThat(Ages.hasEnglishCue("a 9", 0, 3)).isFalse();
    assertThat(Ages.hasEnglishCue("ya", 1, 2)).isFalse();
  }

  @Test
  void ssnsWithSeparatorsAnywhereAndJoinedOnlyAfterACue() {
    assertThat(scrub("SSN 123-45-6789 verified")).isEqualTo("SSN [ID] verified");
    assertThat(scrub("ref 123 45 6789")).isEqualTo("ref [ID]");
    assertThat(scrub("SSN: 123456789")).isEqualTo("SSN: [ID]");
    assertThat(scrub("social security number 123456789")).isEqualTo("social security number [ID]");
    assertThat(scrub("batch 123456789")).isEqualTo("batch 123456789");
  }
}
