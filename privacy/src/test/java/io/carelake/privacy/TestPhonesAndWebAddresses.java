package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Telephone numbers (CN mobile and landline forms, prefixes, extensions, cued local numbers, US
 * NANP numbers), e-mail addresses and URLs, each form with the exact text out, and the near
 * misses the rules name: a number glued to letters, a mobile prefix outside 13-19, a bare local
 * number without a cue, a NANP number with an exchange starting 0 or 1.
 */
class TestPhonesAndWebAddresses {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void chineseMobilesAndLandlines() {
    assertThat(scrub("手机13800138000。")).isEqualTo("手机[PHONE]。");
    assertThat(scrub("手机 138 0013 8000。")).isEqualTo("手机 [PHONE]。");
    assertThat(scrub("call +86 138-0013-8000 now")).isEqualTo("call [PHONE] now");
    assertThat(scrub("call (+86)13800138000 now")).isEqualTo("call [PHONE] now");
    assertThat(scrub("call 0086 13800138000 now")).isEqualTo("call [PHONE] now");
    assertThat(scrub("座机010-65123456。")).isEqualTo("座机[PHONE]。");
    assertThat(scrub("来电01065123456。")).isEqualTo("来电[PHONE]。");
    assertThat(scrub("来电0755-8888 1234。")).isEqualTo("来电[PHONE]。");
    assertThat(scrub("来电010-65123456转123。")).isEqualTo("来电[PHONE]。");
    // 12 is not a mobile prefix; a number glued to letters is a code
    assertThat(scrub("编码12800138000。")).isEqualTo("编码12800138000。");
    assertThat(scrub("SN:A13812345678")).isEqualTo("SN:A13812345678");
  }

  @Test
  void bareLocalNumbersOnlyAfterAPhoneCue() {
    assertThat(scrub("电话：6512 3456。")).isEqualTo("电话：[PHONE]。");
    assertThat(scrub("tel 6512345")).isEqualTo("tel [PHONE]");
    assertThat(scrub("共计65123456例。")).isEqualTo("共计65123456例。");
  }

  @Test
  void usNumbers() {
    assertThat(scrub("Phone (617) 555-0123 today")).isEqualTo("Phone [PHONE] today");
    assertThat(scrub("ph 617.555.0123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 1-617-555-0123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ph 6175550123")).isEqualTo("ph [PHONE]");
    assertThat(scrub("ref 6171550123")).isEqualTo("ref 6171550123");
    assertThat(scrub("ref 1175550123")).isEqualTo("ref 1175550123");
  }

  @Test
  void emailsAndUrls() {
    assertThat(scrub("mail jane.doe+x@mail.example.org, thanks"))
        .isEqualTo("mail [EMAIL], thanks");
    assertThat(scrub("邮箱zhang_san@qq.com。")).isEqualTo("邮箱[EMAIL]。");
    assertThat(scrub("not an address: a@b, or @home")).isEqualTo("not an address: a@b, or @home");
    assertThat(scrub("see https://portal.example.org/p?id=42 now"))
        .isEqualTo("see [URL] now");
    assertThat(scrub("see www.example.org/x today")).isEqualTo("see [URL] today");
    assertThat(scrub("see http://10.0.0.7:8080/a.")).isEqualTo("see [URL].");
  }
}
