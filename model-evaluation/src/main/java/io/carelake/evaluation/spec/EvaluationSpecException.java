package io.carelake.evaluation.spec;

import io.carelake.core.config.LocatedException;

/**
 * An evaluation spec that cannot be used, found while it is parsed and validated (before any data
 * is read). The message names the file, the line and what to change:
 * {@code my-spec.yaml:41: gate.criteria[0].within: the lower bound 1.2 is above the upper 0.8}.
 */
public class EvaluationSpecException extends LocatedException {

  public EvaluationSpecException(String source, int line, String problem) {
    super(source, line, problem);
  }

  public EvaluationSpecException(String source, int line, String problem, Throwable cause) {
    super(source, line, problem, cause);
  }
}
