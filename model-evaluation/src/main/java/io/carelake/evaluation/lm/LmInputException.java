package io.carelake.evaluation.lm;

import io.carelake.core.config.LocatedException;

/** An items or answers file that cannot be scored: the message names the file and the line. */
public class LmInputException extends LocatedException {

  public LmInputException(String source, int line, String problem) {
    super(source, line, problem);
  }
}
