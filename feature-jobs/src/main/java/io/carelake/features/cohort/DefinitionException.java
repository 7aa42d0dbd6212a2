package io.carelake.features.cohort;

import io.carelake.core.config.LocatedException;

/** A cohort definition that cannot be used: {@code file:line: what is wrong and what to write}. */
public final class DefinitionException extends LocatedException {

  private static final long serialVersionUID = 1L;

  public DefinitionException(String source, int line, String problem) {
    super(source, line, problem);
  }
}
