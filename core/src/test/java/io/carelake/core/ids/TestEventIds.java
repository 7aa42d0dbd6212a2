package io.carelake.core.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TestEventIds {

  @Test
  void v8SetsTheVersionAndVariantAndKeepsTheOtherBits() {
    String id = EventIds.v8(0xFFFFFFFFFFFFFFFFL, 0x0000000000000000L);
    // version nibble 8 in place of the 13th hex digit, variant bits 10 at the top of the low word
    assertThat(id).isEqualTo("ffffffff-ffff-8fff-8000-000000000000");
    UUID u = UUID.fromString(EventIds.v8(0x0123456789abcdefL, 0xfedcba9876543210L));
    assertThat(u.version()).isEqualTo(8);
    assertThat(u.variant()).isEqualTo(2);
    assertThat(u.toString()).isEqualTo("01234567-89ab-8def-bedc-ba9876543210");
  }

  @Test
  void fromPartsIsTheFirst128BitsOfSha256WithSeparators() {
    // `printf 'ns\0a\0bc' | sha256sum` = 2d41786db007c197afc14db01d6084fd…; version 8 replaces
    // the 13th hex digit (c -> 8) and the variant keeps the 17th's low two bits (a -> a)
    assertThat(EventIds.fromParts("ns", "a", "bc")).isEqualTo("2d41786d-b007-8197-afc1-4db01d6084fd");
    assertThat(EventIds.fromParts("ns", "ab", "c")).isNotEqualTo(EventIds.fromParts("ns", "a", "bc"));
    assertThat(EventIds.fromParts("ns", "a", null, "bc"))
        .isEqualTo(EventIds.fromParts("ns", "a", "", "bc"));
  }
}
