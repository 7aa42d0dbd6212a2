package io.carelake.governance.spec;

/**
 * A governance spec that cannot be used: thrown while the spec is parsed and validated, before any
 * data is read. The message names the file, the line, the rule and what to change.
 */
public class SpecException extends Exception {

  private final String source;
  private final int line;
  private final String ruleId;

  public SpecException(String source, int line, String ruleId, String problem) {
    super(format(source, line, ruleId, problem));
    this.source = source;
    this.line = line;
    this.ruleId = ruleId;
  }

  public SpecException(String source, int line, String ruleId, String problem, Throwable cause) {
    super(format(source, line, ruleId, problem), cause);
    this.source = source;
    this.line = line;
    this.ruleId = ruleId;
  }

  /** {@code visits.yaml:12: rule 'visits-sex': unknown severity 'fatal' (use block, quarantine or warn)} */
  static String format(String source, int line, String ruleId, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (ruleId != null) {
      sb.append("rule '").append(ruleId).append("': ");
    }
    return sb.append(problem).toString();
  }

  public String source() {
    return source;
  }

  /** 1-based line in the spec file, or 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }

  /** The rule the problem is in, or null for a problem in the spec header. */
  public String ruleId() {
    return ruleId;
  }
}
