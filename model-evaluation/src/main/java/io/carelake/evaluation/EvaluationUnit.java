package io.carelake.evaluation;

import io.carelake.evaluation.spec.EvaluationSpec;
import io.carelake.evaluation.stats.ConfidenceLevel;

/**
 * What every row written for one (iteration, outcome, split) shares: the run, the keys, the spec
 * and confidence level it was computed with, and the predictions snapshot it read.
 */
record EvaluationUnit(String runId, String iterationId, String outcome, String split,
    Long predictionsSnapshot, EvaluationSpec spec, ConfidenceLevel level) {

  String describe() {
    return iterationId + " / " + outcome + " / " + split;
  }
}
