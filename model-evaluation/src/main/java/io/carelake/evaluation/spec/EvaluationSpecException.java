package io.carelake.evaluation.spec;

/**
 * An evaluation spec that cannot be used, found while it is parsed and validated (before any data
 * is read). The message names the file, the line and what to change:
 * {@code my-spec.yaml:41: gate.criteria[0].within: the lower bound 1.2 is above the upper 0.8}.
 */
public class EvaluationSpecException extends Exception {

  private final String source;
  private final int line;

  public EvaluationSpecException(String source, int line, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + problem);
    this.source = source;
    this.line = line;
  }

  public EvaluationSpecException(String source, int line, String problem, Throwable cause) {
    this(source, line, problem);
    initCause(cause);
  }

  public String source() {
    return source;
  }

  /** 1-based line, or 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }
}
