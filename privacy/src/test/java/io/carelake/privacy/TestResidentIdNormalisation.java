package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What a resident id is reduced to before it is hashed, character class by character class
 * (Unicode separators, format characters, the dash block U+2010-U+2015, the minus sign), and the
 * keyed hashes' answers without an id or without a shift range.
 */
class TestResidentIdNormalisation {

  @Test
  void separatorsFormatCharactersAndDashesAreDroppedAndLettersUpperCased() {
    String id = "11010519491231002X";
    assertThat(KeyedHashes.normaliseResidentId(id)).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("１１０１０５-19491231-002x")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105 1949\t1231\n002x")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105.19491231/002X")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105\u200B19491231\u00AD002X")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105\u00A019491231\u3000002X")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105\u201019491231\u2015002X")).isEqualTo(id);
    assertThat(KeyedHashes.normaliseResidentId("110105\u201319491231\u2212002X")).isEqualTo(id);
    // characters just outside the dash block are kept
    assertThat(KeyedHashes.normaliseResidentId("1\u200F2")).isEqualTo("12");
    assertThat(KeyedHashes.normaliseResidentId("1\u20162")).isEqualTo("1\u20162");
    assertThat(KeyedHashes.normaliseResidentId("1\u200E2")).isEqualTo("12");
    assertThat(KeyedHashes.normaliseResidentId("a_b")).isEqualTo("A_B");
    assertThat(KeyedHashes.normaliseResidentId(" - . / ")).isNull();
    assertThat(KeyedHashes.normaliseResidentId("")).isNull();
    assertThat(KeyedHashes.normaliseResidentId(null)).isNull();
  }

  @Test
  void noIdNoHashAndNoRangeNoShift() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("0123456789abcdef".getBytes(), "HmacSHA256"));
    assertThat(KeyedHashes.pseudonym("k1", mac, " - ")).isNull();
    assertThat(KeyedHashes.pseudonym("k1", mac, null)).isNull();
    assertThat(KeyedHashes.pseudonym("k1", mac, "A-1")).startsWith("k1:").hasSize(3 + 64);
    assertThat(KeyedHashes.eventKey(mac, null)).isNull();
    assertThat(KeyedHashes.dateShiftDays(mac, null, 30)).isNull();
    assertThat(KeyedHashes.dateShiftDays(mac, "\u200B", 30)).isNull();
    assertThat(KeyedHashes.dateShiftDays(mac, "A-1", 0)).isZero();
    // a range of one day each way: every id lands on -1, 0 or 1, and all three occur
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 60; i++) {
      int d = KeyedHashes.dateShiftDays(mac, "id" + i, 1);
      assertThat(d).isBetween(-1, 1);
      seen.add(d);
    }
    assertThat(seen).containsExactlyInAnyOrder(-1, 0, 1);
  }
}
