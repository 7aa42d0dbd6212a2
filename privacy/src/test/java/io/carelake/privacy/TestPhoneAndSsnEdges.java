package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The edges of the telephone and SSN rules, with the exact text out: mobile prefixes 13-19,
 * landlines after 86 / 0086 and each area-code form, the local part's length, bare local numbers
 * (first digit, parts, how far the cue may stand), US numbers (groupings, the NANP first digits
 * at 2), an opening parenthesis closed inside the number, extensions of one to five digits, and
 * SSNs with slashes, letters or an X. Expected values read off the rules' documented forms.
 */
class TestPhoneAndSsnEdges {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void mobilePrefixesAndLandlinesAfterACountryCode() {
    // 199 is a mobile prefix; 19910345678 is no NANP number after its 1 (exchange 034)
    assertThat(scrub("号码19910345678。")).isEqualTo("号码[PHONE]。");
    assertThat(scrub("编码10912345678。")).isEqualTo("编码10912345678。");
    assertThat(scrub("电话 0086 10 65123456。")).isEqualTo("电话 [PHONE]。");
    assertThat(scrub("电话 +86 10 6512 3456。")).isEqualTo("电话 [PHONE]。");
    assertThat(scrub("电话 +86 755 8888 1234。")).isEqualTo("电话 [PHONE]。");
    assertThat(scrub("电话 86 1065123456。")).isEqualTo("电话 [PHONE]。");
    // after 86 / 0086, what follows must be an area code and a local number
    assertThat(scrub("编号00861234567。")).isEqualTo("编号00861234567。");
    assertThat(scrub("编号86 1234567。")).isEqualTo("编号86 1234567。");
  }

  @Test
  void areaCodesAndLocalLengths() {
    assertThat(scrub("编号020-2345678。")).isEqualTo("编号[PHONE]。");
    assertThat(scrub("编号0311-2345678。")).isEqualTo("编号[PHONE]。");
    assertThat(scrub("编号0311-23456789。")).isEqualTo("编号[PHONE]。");
    // 011x is no area code; a local part of 9 digits or starting 0 is no local number
    assertThat(scrub("编号0111-2345678。")).isEqualTo("编号0111-2345678。");
    assertThat(scrub("编号010-234567890。")).isEqualTo("编号010-234567890。");
    assertThat(scrub("编号010-02345678。")).isEqualTo("编号010-02345678。");
  }

  @Test
  void bareLocalNumbersAfterACue() {
    assertThat(scrub("tel 2512345")).isEqualTo("tel [PHONE]");
    assertThat(scrub("tel 1512345")).isEqualTo("tel 1512345");
    assertThat(scrub("电话：651 2 3456。")).isEqualTo("电话：651 2 3456。");
    // the cue may end up to 12 characters before the number, filler only between
    assertThat(scrub("tel" + " ".repeat(12) + "2512345")).isEqualTo("tel" + " ".repeat(12)
        + "[PHONE]");
    assertThat(scrub("tel" + " ".repeat(13) + "2512345")).isEqualTo("tel" + " ".repeat(13)
        + "2512345");
    for (String cue : new String[] {"电话", "手机", "座机", "联系方式", "致电", "号码", "phone",
        "call", "mobile", "fax", "传真", "分机"}) {
      assertThat(scrub(cue + " 2512345")).as(cue).isEqualTo(cue + " [PHONE]");
    }
  }

  @Test
  void usNumbersGroupedOrNanp() {
    assertThat(scrub("ph 617 555 0123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 1 617 555 0123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 1 6175550123")).isEqualTo("ph [PHONE]");
    // area code 212: after a 1, not a CN mobile prefix (12), so only the US rule takes it
    assertThat(scrub("ph 1 212 555 0123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 1 2125550123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 12125550123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 12 2125550123")).isEqualTo("ph 12 [PHONE]");
    assertThat(scrub("ph 617 5550 123")).isEqualTo("ph 617 5550 123");
    assertThat(scrub("ref 2125550123")).isEqualTo("ref [PHONE]");
    assertThat(scrub("ref 6172550123")).isEqualTo("ref [PHONE]");
    assertThat(scrub("ref 61725 50123")).isEqualTo("ref 61725 50123");
  }

  @Test
  void parenthesesAndExtensions() {
    assertThat(scrub("电话(010)6512 3456。")).isEqualTo("电话[PHONE]。");
    assertThat(scrub("手机(13800138000)")).isEqualTo("手机([PHONE])");
    assertThat(scrub("电话(010 6512 3456)")).isEqualTo("电话([PHONE])");
    assertThat(scrub("电话010-65123456 ext. 12。")).isEqualTo("电话[PHONE]。");
    assertThat(scrub("电话010-65123456 EXT 12。")).isEqualTo("电话[PHONE]。");
    assertThat(scrub("电话010-65123456 x 12。")).isEqualTo("电话[PHONE]。");
    assertThat(scrub("电话010-65123456分机123。")).isEqualTo("电话[PHONE]。");
    assertThat(scrub("电话010-65123456转12345")).isEqualTo("电话[PHONE]");
    assertThat(scrub("电话010-65123456转123456")).isEqualTo("电话[PHONE]转123456");
    assertThat(scrub("电话010-65123456 ext。")).isEqualTo("电话[PHONE] ext。");
    assertThat(scrub("电话010-65123456 ext")).isEqualTo("电话[PHONE] ext");
    assertThat(scrub("电话010-65123456转")).isEqualTo("电话[PHONE]转");
    assertThat(scrub("电话010-65123456转1")).isEqualTo("电话[PHONE]");
    assertThat(scrub("电话 2512345 转 12，")).isEqualTo("电话 [PHONE]，");
  }

  @Test
  void ssnsEdges() {
    assertThat(scrub("ref 123/45/6789 ok")).isEqualTo("ref 123/45/6789 ok");
    assertThat(scrub("ref A123-45-6789 ok")).isEqualTo("ref A123-45-6789 ok");
    assertThat(scrub("ref 123-45-6789B ok")).isEqualTo("ref 123-45-6789B ok");
    assertThat(scrub("ref 123-45-6789 ok")).isEqualTo("ref [ID] ok");
    assertThat(scrub("SSN 12345678X ok")).isEqualTo("SSN 12345678X ok");
    assertThat(scrub("SSN 123 456 789 ok")).isEqualTo("SSN 123 456 789 ok");
    assertThat(scrub("ref 123456789 ok")).isEqualTo("ref 123456789 ok");
    assertThat(scrub("社会安全号 123456789")).isEqualTo("社会安全号 [ID]");
  }

  @Test
  void eighteenDigitsThatAreNeitherAValidNorAPlausibleId() {
    // GB 11643 check digit of 12345678901234567 by hand: weighted sum 368, 368 mod 11 = 5,
    // check character 7 (not 8); region 12 and birth date 7890-12-34 are no id's either
    assertThat(scrub("编号123456789012345678。")).isEqualTo("编号123456789012345678。");
  }
}
