package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestPhiScrubber {

  static final String NAME = "欧阳明华";
  static final String ID = "11010519491231002X";
  static final String PHONE = "13812345678";
  static final String ADDRESS = "北京市朝阳区建国路88号3栋2单元301室";

  static String scrubOwn(String text) {
    return PhiScrubber.scrub(text, NAME, ID, PHONE, ADDRESS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"11010519491231002X", "11010519491231002x", "110105 19491231 002X",
      "110105-19491231-002X", "１１０１０５１９４９１２３１００２Ｘ", "110105　19491231　002X",
      "1101 0519 4912 3100 2X"})
  void residentIdsInEveryTypedFormatBecomeIdTag(String typed) {
    String text = "身份证号" + typed + "，复诊。";
    assertThat(scrubOwn(text)).isEqualTo("身份证号[ID]，复诊。");
    // the generic pattern alone, without the row's own id
    assertThat(PhiScrubber.scrub(text, null, null, null, null)).isEqualTo("身份证号[ID]，复诊。");
  }

  @ParameterizedTest
  @ValueSource(strings = {"13812345678", "138-1234-5678", "138 1234 5678", "+86 138 1234 5678",
      "+86-138-1234-5678", "+8613812345678", "008613812345678", "(+86)13812345678",
      "１３８１２３４５６７８", "＋86 138 1234 5678", "86-13812345678"})
  void mobilesInEveryTypedFormatBecomePhoneTag(String typed) {
    String text = "联系电话" + typed + "。";
    assertThat(PhiScrubber.scrub(text, null, null, null, null)).isEqualTo("联系电话[PHONE]。");
    assertThat(scrubOwn(text)).isEqualTo("联系电话[PHONE]。");
  }

  @Test
  void otherPeoplesMobilesAndIdsAreScrubbedToo() {
    String text = "家属电话159-8765-4321，其子身份证330106198001011234。";
    assertThat(scrubOwn(text)).isEqualTo("家属电话[PHONE]，其子身份证[ID]。");
  }

  @Test
  void ownNameAddressAndGivenNameAreTagged() {
    String text = "患者欧阳明华，男，74岁，家住北京市朝阳区建国路88号3栋2单元301室。明华自述头晕。";
    assertThat(scrubOwn(text))
        .isEqualTo("患者[NAME]，男，74岁，家住[ADDRESS]。[NAME]自述头晕。");
  }

  @Test
  void ownLandlineAndSourcePatientIdAreTaggedWhateverTheFormat() {
    String text = "电话010-6512 3456，病案号p-00042-77。";
    assertThat(PhiScrubber.scrub(text, "王芳", "P0004277", "01065123456", null))
        .isEqualTo("电话[PHONE]，病案号[ID]。");
  }

  @Test
  void latinNamesAreCaseAndOrderInsensitive() {
    assertThat(PhiScrubber.scrub("Seen: WANG wei; wei wang agrees.", "Wei Wang", null, null, null))
        .isEqualTo("Seen: [NAME]; [NAME] agrees.");
  }

  @Test
  void relativesBeforeAccompanyAreTagged() {
    assertThat(PhiScrubber.scrub("由其女儿王芳陪同就诊。", "李强", null, null, null))
        .isEqualTo("由其女儿[NAME]陪同就诊。");
  }

  @Test
  void signingCliniciansAreTagged() {
    assertThat(PhiScrubber.scrub("不适随诊。医师薛桂金", "李强", null, null, null))
        .isEqualTo("不适随诊。医师[NAME]");
    assertThat(PhiScrubber.scrub("2周后复诊。接诊医生：李娜", null, null, null, null))
        .isEqualTo("2周后复诊。接诊医生：[NAME]");
  }

  @Test
  void clinicalNumbersAreLeftAlone() {
    String text = "查体：血压152/94mmHg，身高170.0cm，体重65.5kg，BMI 22.7。空腹血糖7.8mmol/L，"
        + "2024-03-01复诊，门诊号 20240301。";
    assertThat(scrubOwn(text)).isEqualTo(text);
    assertThat(PhiScrubber.hasPattern(text)).isFalse();
  }

  @Test
  void longerDigitRunsAreNotMistakenForMobiles() {
    // 12 digits: neither a mobile nor an id
    String text = "订单号 138123456789 已处理";
    assertThat(PhiScrubber.scrub(text, null, null, null, null)).isEqualTo(text);
  }

  @Test
  void shortOwnValuesAreNotMatchedLiterally() {
    assertThat(PhiScrubber.scrub("A型血，复查。", "A", "12", "123", "北京")).isEqualTo("A型血，复查。");
  }

  @Test
  void nullAndEmptyTextPassThrough() {
    assertThat(PhiScrubber.scrub(null, NAME, ID, PHONE, ADDRESS)).isNull();
    assertThat(PhiScrubber.scrub("", NAME, ID, PHONE, ADDRESS)).isEmpty();
  }

  @Test
  void scrubbedTextHasNoPatternLeft() {
    String text = "患者欧阳明华，身份证号110105 19491231 002X，联系电话+86 138 1234 5678，"
        + "备用１３９００００１１１１，家住北京市朝阳区建国路88号3栋2单元301室。";
    String out = scrubOwn(text);
    assertThat(PhiScrubber.hasPattern(text)).isTrue();
    assertThat(PhiScrubber.hasPattern(out)).isFalse();
    assertThat(out).doesNotContain(NAME, "明华", ADDRESS, "1234", "19491231")
        .contains("[NAME]", "[ID]", "[PHONE]", "[ADDRESS]");
  }

  @Test
  void phoneDigitsDropCountryPrefix() {
    assertThat(PhiScrubber.phoneDigits("+86 138-1234-5678")).isEqualTo(PHONE);
    assertThat(PhiScrubber.phoneDigits("0086 13812345678")).isEqualTo(PHONE);
    assertThat(PhiScrubber.phoneDigits("010-65123456")).isEqualTo("01065123456");
  }
}
