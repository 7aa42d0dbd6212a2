package io.carelake.core.config;

/**
 * A file a user wrote that cannot be used, located: the message is {@code source:line: problem}
 * ({@code source: problem} when the line is 0, the file as a whole). The base of the errors of the
 * files carelake reads before any data (governance specs, cohort definitions, evaluation specs,
 * evaluate-lm's items and answers), so that each says where and what in the same words.
 */
public class LocatedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String problem;

  public LocatedException(String source, int line, String problem) {
    super(at(source, line) + ": " + problem);
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  public LocatedException(String source, int line, String problem, Throwable cause) {
    super(at(source, line) + ": " + problem, cause);
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  /** {@code source:line}, or {@code source} alone when {@code line} is 0 (the whole file). */
  public static String at(String source, int line) {
    return source + (line > 0 ? ":" + line : "");
  }

  public String source() {
    return source;
  }

  /** 1-based line in the file, or 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }

  /** What is wrong, without the {@code source:line} prefix. */
  public String problem() {
    return problem;
  }
}
