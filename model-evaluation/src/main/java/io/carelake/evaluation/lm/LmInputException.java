package io.carelake.evaluation.lm;

/** An items or answers file that cannot be scored: the message names the file and the line. */
public class LmInputException extends Exception {

  public LmInputException(String source, int line, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + problem);
  }
}
