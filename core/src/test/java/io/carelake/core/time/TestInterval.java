package io.carelake.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TestInterval {

  @Test
  void parsesDaysAndAirflowTimestamps() {
    Interval a = Interval.parse("2025-03-01", "2025-03-02");
    Interval b = Interval.parse("2025-03-01T00:00:00+00:00", "2025-03-02T00:00:00+00:00");
    assertThat(a).isEqualTo(b);
    assertThat(a.days()).isEqualTo(1);
    assertThat(a.startTimestamp()).isEqualTo("2025-03-01T00:00:00Z");
  }

  @Test
  void rejectsEmptyOrReversedIntervals() {
    assertThatThrownBy(() -> Interval.parse("2025-03-02", "2025-03-02"))
        .hasMessageContaining("must be after");
    assertThatThrownBy(() -> Interval.parse("2025-03-02", "2025-03-01"))
        .hasMessageContaining("the end is exclusive");
    assertThatThrownBy(() -> Interval.parse("March 1", "2025-03-01"))
        .hasMessage("--interval-start must be a date YYYY-MM-DD, got 'March 1'");
    assertThatThrownBy(() -> Interval.parse("2025-03-01T12:00:00Z", "2025-03-02"))
        .hasMessageContaining("day boundary");
  }

  @Test
  void aLocalMidnightWithAnOffsetIsRefusedNotShiftedToThePreviousDay() {
    // 2025-03-01T00:00+08:00 is 2025-02-28T16:00Z: taking its UTC date would run the job for
    // 2025-02-28 without saying so
    assertThatThrownBy(() -> Interval.parse("2025-03-01T00:00:00+08:00", "2025-03-02"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--interval-start must fall on a UTC day boundary")
        .hasMessageContaining("2025-02-28T16:00 UTC");
    // the same instant written in UTC, or a midnight that is a UTC midnight, is accepted
    assertThat(Interval.parse("2025-03-01T08:00:00+08:00", "2025-03-02T00:00:00Z"))
        .isEqualTo(Interval.parse("2025-03-01", "2025-03-02"));
  }

  @Test
  void dayArithmetic() {
    Interval year = new Interval(LocalDate.of(2024, 1, 1), LocalDate.of(2025, 1, 1));
    assertThat(year.days()).isEqualTo(366);
  }
}
