package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The per-record generalisations on hand-counted birthdays: the day before, on and after a
 * birthday, the top-code boundary (89 / 90), band edges and facility ids with and without an area
 * code.
 */
class TestGeneralise {

  static final LocalDate BIRTH = LocalDate.of(1930, 3, 1);

  @Test
  void ageCountsWholeYearsAndTurnsOnTheBirthday() {
    assertThat(Generalise.ageAt(BIRTH, LocalDate.of(2020, 2, 29))).isEqualTo(89);
    assertThat(Generalise.ageAt(BIRTH, LocalDate.of(2020, 3, 1))).isEqualTo(90);
    assertThat(Generalise.ageAt(BIRTH, BIRTH)).isZero();
    assertThat(Generalise.ageAt(BIRTH, BIRTH.minusDays(1))).isNull();
    assertThat(Generalise.ageAt(null, BIRTH)).isNull();
    assertThat(Generalise.ageAt(BIRTH, null)).isNull();
  }

  @Test
  void topCodeAndBirthYearSwitchAtNinety() {
    LocalDate at89 = LocalDate.of(2020, 2, 29);
    LocalDate at90 = LocalDate.of(2020, 3, 1);
    LocalDate at95 = LocalDate.of(2025, 6, 1);
    assertThat(Generalise.topCodedAge(BIRTH, at89, 90)).isEqualTo(89);
    assertThat(Generalise.topCodedAge(BIRTH, at95, 90)).isEqualTo(90);
    assertThat(Generalise.topCodedAge(BIRTH, BIRTH.minusDays(1), 90)).isNull();
    assertThat(Generalise.birthYear(BIRTH, at89, 90)).isEqualTo(1930);
    assertThat(Generalise.birthYear(BIRTH, at90, 90)).isNull();
    assertThat(Generalise.birthYear(BIRTH, BIRTH.minusDays(1), 90)).isNull();
    assertThat(Generalise.DEFAULT_TOP_CODE).isEqualTo(90);
  }

  @Test
  void ageBandIsTheBandsLowerBoundTopCoded() {
    LocalDate birth = LocalDate.of(1970, 7, 15);
    assertThat(Generalise.ageBand(birth, LocalDate.of(2017, 7, 15), 5, 90)).isEqualTo(45); // 47
    assertThat(Generalise.ageBand(birth, LocalDate.of(2015, 7, 15), 5, 90)).isEqualTo(45); // 45
    assertThat(Generalise.ageBand(birth, LocalDate.of(2015, 7, 14), 5, 90)).isEqualTo(40); // 44
    assertThat(Generalise.ageBand(birth, LocalDate.of(2015, 7, 14), 10, 90)).isEqualTo(40);
    assertThat(Generalise.ageBand(BIRTH, LocalDate.of(2020, 2, 29), 5, 90)).isEqualTo(85); // 89
    assertThat(Generalise.ageBand(BIRTH, LocalDate.of(2020, 3, 1), 5, 90)).isEqualTo(90); // 90
    assertThat(Generalise.ageBand(BIRTH, LocalDate.of(2023, 3, 1), 7, 90)).isEqualTo(90); // 93
    assertThat(Generalise.ageBand(BIRTH, LocalDate.of(2020, 3, 1), 7, 90)).isEqualTo(90); // 90
    assertThat(Generalise.ageBand(BIRTH, BIRTH.minusDays(1), 5, 90)).isNull();
  }

  @Test
  void regionIsTheAreaCodeAfterTheLetters() {
    assertThat(Generalise.region("C4401023")).isEqualTo("4401");
    assertThat(Generalise.region("4401023")).isEqualTo("4401");
    assertThat(Generalise.region("hosp310105")).isEqualTo("3101");
    assertThat(Generalise.region("C440")).isEqualTo("other");
    assertThat(Generalise.region("C-4401")).isEqualTo("other");
    assertThat(Generalise.region(null)).isNull();
  }
}
