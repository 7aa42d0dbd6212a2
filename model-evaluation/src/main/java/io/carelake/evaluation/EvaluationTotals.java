package io.carelake.evaluation;

import io.carelake.core.ledger.Run;
import io.carelake.core.tables.TableName;
import java.util.HashSet;
import java.util.Set;

/** Running sums over the iterations one {@code evaluate} run evaluated, for its ledger row. */
final class EvaluationTotals {
  long iterations;
  long withoutPredictions;
  long outcomes;
  long n;
  long nPositive;
  long nullScore;
  long badLabel;
  long metrics;
  long curvePoints;
  long gaps;
  long comparisons;
  long promoted;
  long rejected;
  long rowsIn;
  long rowsOut;
  long setAside;
  /** The tables the run wrote to. */
  final Set<TableName> written = new HashSet<>();

  /** Adds one evaluated iteration's prediction rows: in, out and set aside. */
  void addIteration(PredictionFrame frame) {
    iterations++;
    nullScore += frame.nullScore();
    badLabel += frame.badLabel();
    rowsIn += frame.rowsIn();
    rowsOut += frame.rowsIn() - frame.setAside();
    setAside += frame.setAside();
  }

  /** Puts the sums in the run's ledger row and checks that in = out + set aside. */
  void record(Run run) {
    run.count("iterations_evaluated", iterations)
        .count("iterations_without_predictions", withoutPredictions)
        .count("outcomes_evaluated", outcomes)
        .count("n", n).count("n_positive", nPositive)
        .count("null_score", nullScore).count("bad_label", badLabel)
        .count("metrics_written", metrics).count("curve_points_written", curvePoints)
        .count("subgroup_gap_tests_written", gaps)
        .count("comparisons_written", comparisons)
        .count("gate_promoted", promoted).count("gate_rejected", rejected)
        .rows(rowsIn, rowsOut, setAside)
        .requireReconciled();
  }
}
