package io.carelake.features.cohort;

/** A cohort definition that cannot be used: {@code file:line: what is wrong and what to write}. */
public final class DefinitionException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String problem;

  public DefinitionException(String source, int line, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + problem);
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  /** What is wrong, without the {@code file:line} prefix. */
  public String problem() {
    return problem;
  }

  public String source() {
    return source;
  }

  public int line() {
    return line;
  }
}
