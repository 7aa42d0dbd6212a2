package io.carelake.governance.deequ;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/** Deequ assertion that accepts every value: for metrics carelake only reads (the slice size). */
final class AnyValue extends AbstractFunction1<Object, Object> implements Serializable {

  private static final long serialVersionUID = 1L;

  @Override
  public Object apply(Object value) {
    return Boolean.TRUE;
  }

  @Override
  public String toString() {
    return "any";
  }
}
