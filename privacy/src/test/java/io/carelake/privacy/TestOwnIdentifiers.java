package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The row's own values: the compact forms they are searched in, the name forms (given name,
 * swapped Latin name), the minimum lengths, and the ends of a match (not glued to a digit for an
 * id, nor to a letter for a Latin name), with the exact text out.
 */
class TestOwnIdentifiers {

  static String scrub(String text, String name, String id, String phone, String address) {
    return PhiScrubber.scrub(text, name, id, phone, address);
  }

  @Test
  void phoneDigitsDropSeparatorsAndTheCountryCodeOfAMobile() {
    assertThat(OwnIdentifiers.phoneDigits("+86 138-0013-8000")).isEqualTo("13800138000");
    assertThat(OwnIdentifiers.phoneDigits("0086 138 0013 8000")).isEqualTo("13800138000");
    assertThat(OwnIdentifiers.phoneDigits("(010) 6512-3456")).isEqualTo("01065123456");
    assertThat(OwnIdentifiers.phoneDigits("86 1380013800")).isEqualTo("861380013800");
    assertThat(OwnIdentifiers.phoneDigits("0086 1380013800")).isEqualTo("00861380013800");
    assertThat(OwnIdentifiers.phoneDigits("８６１３８００１３８０００")).isEqualTo("13800138000");
    assertThat(OwnIdentifiers.phoneDigits("--")).isNull();
    assertThat(OwnIdentifiers.phoneDigits(null)).isNull();
  }

  @Test
  void compactFormsAndSeparators() {
    assertThat(OwnIdentifiers.compactForm("Main St. 5/B")).isEqualTo("MAINST5B");
    assertThat(OwnIdentifiers.compactForm("a_b·c(d)\te-f")).isEqualTo("ABCDEF");
    assertThat(OwnIdentifiers.compactForm(" - ")).isNull();
    assertThat(OwnIdentifiers.compactForm(null)).isNull();
    for (char c : " -./()\t·_".toCharArray()) {
      assertThat(OwnIdentifiers.isSeparator(c)).as("'%s'", c).isTrue();
    }
    for (char c : "a,:;+#0".toCharArray()) {
      assertThat(OwnIdentifiers.isSeparator(c)).as("'%s'", c).isFalse();
    }
  }

  @Test
  void nameFormsGivenNamesAndSwappedLatinNames() {
    assertThat(OwnIdentifiers.nameForms("张三丰")).containsExactly("张三丰", "三丰");
    assertThat(OwnIdentifiers.nameForms("欧阳娜娜")).containsExactly("欧阳娜娜", "娜娜");
    assertThat(OwnIdentifiers.nameForms("张三")).containsExactly("张三");
    assertThat(OwnIdentifiers.nameForms("John Smith")).containsExactly("JOHNSMITH", "SMITHJOHN");
    assertThat(OwnIdentifiers.nameForms("Smith, Jo")).containsExactly("SMITH,JO", "JOSMITH");
    assertThat(OwnIdentifiers.nameForms("Al Bo")).containsExactly("ALBO", "BOAL");
    assertThat(OwnIdentifiers.nameForms("A Bo")).containsExactly("ABO");
    assertThat(OwnIdentifiers.nameForms("Mary Ann Lee")).containsExactly("MARYANNLEE");
    assertThat(OwnIdentifiers.nameForms("J")).isEmpty();
    assertThat(OwnIdentifiers.nameForms("  ")).isEmpty();
    assertThat(OwnIdentifiers.nameForms(null)).isEmpty();
    assertThat(OwnIdentifiers.nameForms(" - ")).isEqualTo(List.of());
  }

  @Test
  void ownValuesAreFoundWithSeparatorsAndEitherCase() {
    assertThat(scrub("Lee Ann came; lee ann left; LEE-ANN too", "Lee Ann", null, null, null))
        .isEqualTo("[NAME] came; [NAME] left; [NAME] too");
    assertThat(scrub("Ann Lee signed", "Lee Ann", null, null, null)).isEqualTo("[NAME] signed");
    // a Latin name glued to more letters is another word
    assertThat(scrub("Leeanne and xLeeAnn", "Lee Ann", null, null, null))
        .isEqualTo("Leeanne and xLeeAnn");
    assertThat(scrub("code A7Q3Z9 and a7q3z9", null, "A7Q3Z9", null, null))
        .isEqualTo("code [ID] and [ID]");
    assertThat(scrub("code A 7 Q.3/Z-9 end", null, "A7Q3Z9", null, null))
        .isEqualTo("code [ID] end");
    // an id glued to more digits is another number
    assertThat(scrub("no A7Q3Z91 here", null, "A7Q3Z9", null, null))
        .isEqualTo("no A7Q3Z91 here");
    assertThat(scrub("no 97Q3Z9A here", null, "7Q3Z9A", null, null))
        .isEqualTo("no 97Q3Z9A here");
    assertThat(scrub("no 7Q3Z9A here", null, "7Q3Z9A", null, null))
        .isEqualTo("no [ID] here");
    // up to five separators between two characters, not six
    assertThat(scrub("x A     7Q3Z9 y", null, "A7Q3Z9", null, null)).isEqualTo("x [ID] y");
    assertThat(scrub("x A      7Q3Z9 y", null, "A7Q3Z9", null, null))
        .isEqualTo("x A      7Q3Z9 y");
    assertThat(scrub("住建国路 88 号，", null, null, null, "建国路88号")).isEqualTo("住[ADDRESS]，");
    // values starting with A or Z are searched in lower case too; a value at the text's start
    assertThat(scrub("ann zed came", "Ann Zed", null, null, null)).isEqualTo("[NAME] came");
    assertThat(scrub("zed ann came", "Zed Ann", null, null, null)).isEqualTo("[NAME] came");
    assertThat(scrub("7Q3Z9A here", null, "7Q3Z9A", null, null)).isEqualTo("[ID] here");
    assertThat(OwnIdentifiers.phoneDigits("139 0013 8999")).isEqualTo("13900138999");
  }

  @Test
  void valuesShorterThanTheirMinimumAreNotSearched() {
    assertThat(scrub("code Q7Z here", null, "Q7Z", null, null)).isEqualTo("code Q7Z here");
    assertThat(scrub("code Q7ZK here", null, "Q7ZK", null, null)).isEqualTo("code [ID] here");
    assertThat(scrub("ext 4321 here", null, null, "4321", null)).isEqualTo("ext 4321 here");
    assertThat(scrub("ext 54321 here", null, null, "54321", null))
        .isEqualTo("ext [PHONE] here");
    assertThat(scrub("at 路3号 now", null, null, null, "路3号")).isEqualTo("at 路3号 now");
    assertThat(scrub("nothing to find", null, null, null, null)).isEqualTo("nothing to find");
  }
}
