package io.carelake.governance.spec;

import io.carelake.core.config.LocatedException;

/**
 * A governance spec that cannot be used: thrown while the spec is parsed and validated, before any
 * data is read. The message names the file, the line, the rule and what to change.
 */
public class SpecException extends LocatedException {

  private final String ruleId;

  public SpecException(String source, int line, String ruleId, String problem) {
    super(source, line, inRule(ruleId, problem));
    this.ruleId = ruleId;
  }

  public SpecException(String source, int line, String ruleId, String problem, Throwable cause) {
    super(source, line, inRule(ruleId, problem), cause);
    this.ruleId = ruleId;
  }

  /** {@code visits.yaml:12: rule 'visits-sex': unknown severity 'fatal' (use block, quarantine or warn)} */
  static String format(String source, int line, String ruleId, String problem) {
    return at(source, line) + ": " + inRule(ruleId, problem);
  }

  private static String inRule(String ruleId, String problem) {
    return ruleId == null ? problem : "rule '" + ruleId + "': " + problem;
  }

  /** The rule the problem is in, or null for a problem in the spec header. */
  public String ruleId() {
    return ruleId;
  }
}
