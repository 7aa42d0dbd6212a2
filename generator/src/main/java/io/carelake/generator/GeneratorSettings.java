package io.carelake.generator;

import java.time.LocalDate;

/**
 * What to generate. The same settings always give the same messages, byte for byte.
 *
 * @param patients residents in the population
 * @param days days of care, starting at {@code start}
 * @param seed the one seed every random stream derives from
 * @param start first day generated (event times are that day's clinic hours, +08:00)
 * @param badRate share of messages damaged by one {@link BadKind} each, in [0, 0.5]
 */
public record GeneratorSettings(int patients, int days, long seed, LocalDate start,
    double badRate) {

  public GeneratorSettings {
    if (patients < 1) {
      throw new IllegalArgumentException("--patients must be at least 1, got " + patients);
    }
    if (days < 1) {
      throw new IllegalArgumentException("--days must be at least 1, got " + days);
    }
    if (!(badRate >= 0 && badRate <= 0.5)) {
      throw new IllegalArgumentException("--bad-rate must lie in [0, 0.5], got " + badRate);
    }
  }

  /** The first day after the generated period: the exclusive end of its interval. */
  public LocalDate end() {
    return start.plusDays(days);
  }
}
