package io.carelake.evaluation.bootstrap;

/** Element-wise sums of the flat arrays sweeps return: the sums of all chunks are additive. */
public final class SweepSums {

  private SweepSums() {}

  /** {@code into += from}, element by element; returns {@code into}. */
  public static double[] addInto(double[] into, double[] from) {
    if (into.length != from.length) {
      throw new IllegalArgumentException("cannot add sums of " + from.length + " slots to "
          + into.length);
    }
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
    return into;
  }
}
