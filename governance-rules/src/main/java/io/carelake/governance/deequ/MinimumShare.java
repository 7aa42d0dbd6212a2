package io.carelake.governance.deequ;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * Deequ assertion {@code share >= minimum}. A named, serializable class rather than a Java lambda:
 * Deequ ships assertions inside constraints, and a lambda cast to a Scala function is neither
 * serializable nor printable.
 */
final class MinimumShare extends AbstractFunction1<Object, Object> implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Tolerance for shares computed as ratios of counts (1 - 0.05 vs 19/20). */
  private static final double EPSILON = 1e-12;

  private final double minimum;

  MinimumShare(double minimum) {
    this.minimum = minimum;
  }

  @Override
  public Object apply(Object share) {
    return ((Number) share).doubleValue() >= minimum - EPSILON;
  }

  @Override
  public String toString() {
    return ">= " + minimum;
  }
}
