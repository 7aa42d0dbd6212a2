package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Record numbers, travel documents, insurance and messenger ids, vehicle plates and titled or
 * cued names, each in the forms the module README lists, with the exact text out, and the near
 * misses it names (a drug approval number after 准字, a batch number).
 */
class TestCuedAndCodedIdentifiers {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void recordNumbersWithAndWithoutACue() {
    assertThat(scrub("病历号：A12345，")).isEqualTo("病历号：[MRN]，");
    assertThat(scrub("MRN: 7788-12 seen")).isEqualTo("MRN: [MRN] seen");
    assertThat(scrub("住院号ZY20240123，")).isEqualTo("住院号[MRN]，");
    assertThat(scrub("转入 ZY2024012345 床")).isEqualTo("转入 [MRN] 床");
    assertThat(scrub("单号MZ-2024-00123。")).isEqualTo("单号[MRN]。");
    assertThat(scrub("id 123e4567-e89b-12d3-a456-426614174000 ok"))
        .isEqualTo("id [MRN] ok");
  }

  @Test
  void travelDocumentsAndCuedTokens() {
    assertThat(scrub("护照E12345678，")).isEqualTo("护照[ID]，");
    assertThat(scrub("passport G87654321 issued")).isEqualTo("passport [ID] issued");
    assertThat(scrub("通行证 C12345678。")).isEqualTo("通行证 [ID]。");
    // the same shape after 国药准字 is a drug approval number
    assertThat(scrub("国药准字H20040001，")).isEqualTo("国药准字H20040001，");
    assertThat(scrub("医保卡号：YB1234567890，")).isEqualTo("医保卡号：[ID]，");
    assertThat(scrub("QQ：123456789，")).isEqualTo("QQ：[IM]，");
    assertThat(scrub("微信 wx_zhang2024 联系")).isEqualTo("微信 [IM] 联系");
  }

  @Test
  void vehiclePlates() {
    assertThat(scrub("车牌京A12345，")).isEqualTo("车牌[PLATE]，");
    assertThat(scrub("车牌粤B·D12345。")).isEqualTo("车牌[PLATE]。");
    assertThat(scrub("车牌沪C 8K9J2。")).isEqualTo("车牌[PLATE]。");
  }

  @Test
  void titledAndCuedNames() {
    assertThat(scrub("Seen by Dr. Okonkwo today")).isEqualTo("Seen by Dr. [NAME] today");
    assertThat(scrub("with Mrs. Halvorsen")).isEqualTo("with Mrs. [NAME]");
    assertThat(scrub("患者王小明，男")).isEqualTo("患者[NAME]，男");
    assertThat(scrub("家属李娜陪同")).isEqualTo("家属[NAME]陪同");
    assertThat(scrub("主治医师：陈建国。")).isEqualTo("主治医师：[NAME]。");
    assertThat(scrub("刘女士来诊")).isEqualTo("[NAME]女士来诊");
  }
}
