package io.carelake.core.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestResidentIds {

  // The worked example of GB 11643-1999 Annex A: 11010519491231002 -> check character X.
  @Test
  void computesTheStandardsWorkedExample() {
    assertThat(ResidentIds.checkCharacter("11010519491231002")).isEqualTo('X');
    assertThat(ResidentIds.isValid("11010519491231002X")).isTrue();
    assertThat(ResidentIds.isValid("11010519491231002x")).isTrue();
  }

  @Test
  void acceptsAnotherPublishedExample() {
    // 440524188001010014 is the second example in the standard's annex
    assertThat(ResidentIds.isValid("440524188001010014")).isTrue();
  }

  @Test
  void everySingleDigitChangeIsDetected() {
    SplittableRandom random = new SplittableRandom(11643);
    for (int n = 0; n < 500; n++) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 17; i++) {
        body.append((char) ('0' + random.nextInt(10)));
      }
      String id = ResidentIds.complete(body.toString());
      assertThat(ResidentIds.isValid(id)).as(id).isTrue();
      int pos = random.nextInt(17);
      char original = id.charAt(pos);
      char replaced = (char) ('0' + (original - '0' + 1 + random.nextInt(9)) % 10);
      String corrupted = id.substring(0, pos) + replaced + id.substring(pos + 1);
      assertThat(ResidentIds.isValid(corrupted)).as(corrupted).isFalse();
    }
  }

  @Test
  void rejectsWrongShapes() {
    assertThat(ResidentIds.isValid(null)).isFalse();
    assertThat(ResidentIds.isValid("11010519491231002")).isFalse();
    assertThat(ResidentIds.isValid("1101051949123100AX")).isFalse();
    assertThat(ResidentIds.isValid("11010519491231002X0")).isFalse();
    assertThatThrownBy(() -> ResidentIds.checkCharacter("1101051949123100A"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("character 17 is 'A'");
  }
}
