package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The 95 % Wilson lower bound against published worked values: Newcombe (1998), "Two-sided
 * confidence intervals for the single proportion", Statistics in Medicine 17:857-872, method 3
 * (Wilson score, no continuity correction) on his examples 81/263, 15/148, 0/20 and 1/29.
 */
class TestWilsonInterval {

  @Test
  void lowerBoundsMatchNewcombesWorkedExamples() {
    assertThat(WilsonInterval.lower(81, 263)).isCloseTo(0.2553, within(5e-5));
    assertThat(WilsonInterval.lower(15, 148)).isCloseTo(0.0624, within(5e-5));
    assertThat(WilsonInterval.lower(0, 20)).isCloseTo(0.0, within(5e-5));
    assertThat(WilsonInterval.lower(1, 29)).isCloseTo(0.0061, within(5e-5));
  }

  @Test
  void allOfAThousandGivesTheRecallSuitesFloor() {
    // the recall suites' 1000/1000 and their required 0.995
    assertThat(WilsonInterval.lower(1000, 1000)).isCloseTo(0.9962, within(5e-5))
        .isGreaterThanOrEqualTo(0.995);
    assertThat(WilsonInterval.lower(994, 1000)).isLessThan(0.995);
  }

  @Test
  void emptyAndImpossibleCounts() {
    assertThat(WilsonInterval.lower(0, 0)).isZero();
    assertThatThrownBy(() -> WilsonInterval.lower(3, 2)).hasMessageContaining("k=3, n=2");
    assertThatThrownBy(() -> WilsonInterval.lower(-1, 2)).hasMessageContaining("k=-1");
    assertThatThrownBy(() -> WilsonInterval.lower(0, -1)).hasMessageContaining("n=-1");
  }
}
