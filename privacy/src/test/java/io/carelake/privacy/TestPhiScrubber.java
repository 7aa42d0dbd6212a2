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
        + "2024-03-01复诊，剂量0.5 mg bid，ICD I10。";
    assertThat(scrubOwn(text)).isEqualTo(text);
    assertThat(PhiScrubber.hasPattern(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"110105491231002", "110105 491231 002", "１１０１０５４９１２３１００２",
      "110105-491231-002", "110105　491231　002"})
  void fifteenDigitIdsBecomeIdTag(String typed) {
    assertThat(PhiScrubber.scrub("旧身份证" + typed + "。", null, null, null, null))
        .isEqualTo("旧身份证[ID]。");
  }

  @Test
  void fifteenDigitRunsWithoutABirthDateStay() {
    String text = "条码110105491331002，批号900105491231002。";
    assertThat(PhiScrubber.scrub(text, null, null, null, null)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"010-65123456", "(010)65123456", "（０１０）６５１２３４５６",
      "0755-8888 1234", "010 6512 3456", "+86 10 6512 3456", "0086-21-12345678",
      "+86-755-88881234", "021-12345678转801", "０２１－１２３４５６７８"})
  void landlinesBecomePhoneTag(String typed) {
    assertThat(PhiScrubber.scrub("家属座机" + typed + "，", null, null, null, null))
        .isEqualTo("家属座机[PHONE]，");
  }

  @ParameterizedTest
  @ValueSource(strings = {"(555) 123-4567", "555-123-4567", "555.123.4567", "+1 555 123 4567",
      "1-555-123-4567"})
  void usPhonesBecomePhoneTag(String typed) {
    assertThat(PhiScrubber.scrub("Call " + typed + " today.", null, null, null, null))
        .isEqualTo("Call [PHONE] today.");
  }

  @Test
  void ssnEmailRecordNumbersAreTagged() {
    assertThat(PhiScrubber.scrub("SSN 999-12-3456; SSN: 999 12 3456.", null, null, null, null))
        .isEqualTo("SSN [ID]; SSN: [ID].");
    assertThat(PhiScrubber.scrub("邮箱zhang.wei@163.com，或Ｗｅｉ＠ｅｘａｍｐｌｅ．ｏｒｇ。", null, null,
        null, null)).isEqualTo("邮箱[EMAIL]，或[EMAIL]。");
    assertThat(PhiScrubber.scrub("住院号：ZY2024-00123，病历号 A12345，MRN: 7788-12, Record #"
        + "55012", null, null, null, null))
        .isEqualTo("住院号：[MRN]，病历号 [MRN]，MRN: [MRN], Record #[MRN]");
  }

  @Test
  void usAddressesAndTitledNamesAreTagged() {
    assertThat(PhiScrubber.scrub("Lives at 760 Rath Ferry Apt 78, Boston. Seen by Dr. Abe604 "
        + "Hagenes547 with Mrs. O'Connor.", null, null, null, null))
        .isEqualTo("Lives at [ADDRESS], Boston. Seen by Dr. [NAME] with Mrs. [NAME].");
    assertThat(PhiScrubber.scrub("123 Main St, Suite 200", null, null, null, null))
        .isEqualTo("[ADDRESS]");
  }

  @Test
  void chineseStreetAddressesAndCuedNamesAreTagged() {
    assertThat(PhiScrubber.scrub("患者张伟，男，家住杭州市西湖区文三路100号2单元301室。张先生自述头晕。",
        null, null, null, null))
        .isEqualTo("患者[NAME]，男，家住杭州市西湖区[ADDRESS]。[NAME]先生自述头晕。");
    String clinical = "患者高血压10年，患者自述头晕，患者于昨日发热。";
    assertThat(PhiScrubber.scrub(clinical, null, null, null, null)).isEqualTo(clinical);
  }

  @Test
  void datesShiftOnlyWhenAShiftIsGivenAndSpansMapBackToTheOriginal() {
    String text = "２０２４－０３－０１就诊，2024年3月1日复查，03/01/2024 follow-up，血压150/90。";
    assertThat(PhiScrubber.scrub(text, null, null, null, null)).isEqualTo(text);
    assertThat(PhiScrubber.scrub(text, null, null, null, null, 0)).isEqualTo(text);
    assertThat(PhiScrubber.scrub(text, null, null, null, null, 3))
        .isEqualTo("2024-03-04就诊，2024年3月4日复查，03/04/2024 follow-up，血压150/90。");
  }

  @Test
  void replacementsHappenOnTheOriginalStringKeepingWidthsAroundThem() {
    // full-width punctuation and ideographic spaces outside the mention are kept as typed
    String text = "电话：１３８　１２３４　５６７８，　ＢＰ　１５０／９０";
    assertThat(PhiScrubber.scrub(text, null, null, null, null))
        .isEqualTo("电话：[PHONE]，　ＢＰ　１５０／９０");
    java.util.List<PhiScrubber.Finding> f = PhiScrubber.find(text, null, null, null, null, null);
    assertThat(f).hasSize(1);
    assertThat(text.substring(f.get(0).start(), f.get(0).end())).isEqualTo("１３８　１２３４　５６７８");
    assertThat(f.get(0).category()).isEqualTo(PhiScrubber.Category.MOBILE);
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
