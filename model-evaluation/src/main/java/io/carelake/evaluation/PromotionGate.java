package io.carelake.evaluation;

import io.carelake.evaluation.spec.EvaluationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The promotion gate: each criterion of the spec is judged on an interval bound, never on a point
 * estimate (a lower bound must be at least a margin, an upper bound at most one, or the whole
 * interval within limits). A decision promotes only when no criterion failed and at least one
 * passed; an interval that could not be computed fails its criterion (no evidence is not evidence
 * of quality). Every criterion's outcome is recorded with the value, the bounds and a sentence.
 */
final class PromotionGate {

  static final String PASS = "pass";
  static final String FAIL = "fail";
  static final String NOT_APPLICABLE = "not_applicable";

  /** One criterion's outcome (per subgroup cell for the subgroups scope). */
  record Judgement(EvaluationSpec.Criterion criterion, String status, String subgroup,
      Interval interval, String detail) {

    Row row() {
      return RowFactory.create(criterion.id(), criterion.scope(), criterion.metric(),
          criterion.interval(), criterion.rule(), status, subgroup,
          interval == null ? null : ResultRows.orNull(interval.value()),
          interval == null ? null : ResultRows.orNull(interval.low()),
          interval == null ? null : ResultRows.orNull(interval.high()), detail);
    }

    String sentence() {
      return criterion.id() + (subgroup == null ? "" : " [" + subgroup + "]") + ": "
          + status.toUpperCase(Locale.ROOT) + ": " + detail;
    }
  }

  /** The decision for one iteration and outcome. */
  record Decision(boolean promoted, List<Judgement> judgements) {

    List<String> reasons() {
      return judgements.stream().map(Judgement::sentence).toList();
    }

    List<String> failures() {
      return judgements.stream().filter(j -> FAIL.equals(j.status()))
          .map(Judgement::sentence).toList();
    }
  }

  private PromotionGate() {}

  /**
   * @param comparison the paired comparison against the comparator, or null without one
   * @param comparator how the comparator was chosen, for the not-applicable sentence
   */
  static Decision decide(EvaluationSpec spec, IterationEvaluation.Outcome own,
      PairedComparison.Outcome comparison, String comparator, double level) {
    List<Judgement> out = new ArrayList<>();
    String percent = String.format(Locale.ROOT, "%.0f %%", 100 * level);
    for (EvaluationSpec.Criterion c : spec.gate().criteria()) {
      switch (c.scope()) {
        case "iteration" -> out.add(judge(c, own.overall(c.metric(), c.interval()), null,
            c.metric(), percent));
        case "difference" -> {
          if (comparison == null) {
            String detail = "no comparator (" + comparator + ")";
            out.add(new Judgement(c, spec.gate().rejectWithoutComparator() ? FAIL
                : NOT_APPLICABLE, null, null, detail));
          } else {
            out.add(judge(c, comparison.difference(c.metric(), c.interval()), null,
                "difference in " + c.metric(), percent));
          }
        }
        case "subgroups" -> {
          int assessed = 0;
          for (IterationEvaluation.CellIntervals cell : own.cells()) {
            if (cell.suppressed()) {
              out.add(new Judgement(c, NOT_APPLICABLE, cell.label(), null,
                  "suppressed (below the minimum cell size): not assessed"));
              continue;
            }
            assessed++;
            out.add(judge(c, cell.byMetricAndMethod().get(c.metric() + "|" + c.interval()),
                cell.label(), c.metric(), percent));
          }
          if (own.cells().isEmpty() || assessed == 0) {
            out.add(new Judgement(c, NOT_APPLICABLE, null, null, own.cells().isEmpty()
                ? "no subgroup column in the predictions" : "every subgroup cell is suppressed"));
          }
        }
        default -> throw new IllegalStateException("unknown criterion scope " + c.scope());
      }
    }
    boolean failed = out.stream().anyMatch(j -> FAIL.equals(j.status()));
    boolean passed = out.stream().anyMatch(j -> PASS.equals(j.status()));
    return new Decision(!failed && passed, out);
  }

  static Judgement judge(EvaluationSpec.Criterion c, Interval iv, String subgroup, String what,
      String percent) {
    if (iv == null || !iv.defined()) {
      return new Judgement(c, FAIL, subgroup, iv, "the " + percent + " " + c.interval()
          + " interval of the " + what + " could not be computed (too few events or patients)");
    }
    boolean lowerOk = c.lower() == null || iv.low() >= c.lower();
    boolean upperOk = c.upper() == null || iv.high() <= c.upper();
    String detail = String.format(Locale.ROOT, "%s %.4f, %s %s interval [%.4f, %.4f]; required: %s",
        what, iv.value(), percent, c.interval(), iv.low(), iv.high(), c.rule());
    return new Judgement(c, lowerOk && upperOk ? PASS : FAIL, subgroup, iv, detail);
  }
}
