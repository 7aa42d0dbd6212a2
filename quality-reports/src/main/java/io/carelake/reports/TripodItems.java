package io.carelake.reports;

import io.carelake.reports.ModelEvaluation.CalibrationPoint;
import io.carelake.reports.ModelEvaluation.Comparison;
import io.carelake.reports.ModelEvaluation.CurvePoint;
import io.carelake.reports.ModelEvaluation.GateDecision;
import io.carelake.reports.ModelEvaluation.Item;
import io.carelake.reports.ModelEvaluation.Iteration;
import io.carelake.reports.ModelEvaluation.Metric;
import io.carelake.reports.ModelEvaluation.SubgroupRow;
import java.util.ArrayList;
import java.util.List;

/**
 * The TRIPOD+AI (Collins et al., BMJ 2024) checklist items the model-evaluation section answers,
 * each {@code REPORTED}, {@code PARTIAL} or {@code NOT_RECORDED} from what the evaluate run
 * recorded ({@link ModelEvaluation}).
 */
final class TripodItems {

  private TripodItems() {}

  /** The TRIPOD+AI items this section answers, in the checklist's order. */
  static List<Item> items(String level, List<Metric> metrics, List<Iteration> iterations,
      List<CalibrationPoint> calibration, List<SubgroupRow> subgroups,
      List<Comparison> comparisons, List<GateDecision> gates) {
    return items(level, metrics, iterations, calibration, List.of(), List.of(), subgroups,
        comparisons, gates);
  }

  /** As above, with the smoothed calibration curve and the decision curves the run wrote. */
  static List<Item> items(String level, List<Metric> metrics, List<Iteration> iterations,
      List<CalibrationPoint> calibration, List<CurvePoint> smoothed, List<CurvePoint> decision,
      List<SubgroupRow> subgroups, List<Comparison> comparisons, List<GateDecision> gates) {
    boolean any = !metrics.isEmpty();
    boolean described = !iterations.isEmpty();
    boolean calibrated = metrics.stream().anyMatch(m -> "calibration_slope".equals(m.metric()));
    boolean utility = metrics.stream().anyMatch(m -> "net_benefit".equals(m.metric()));
    String reported = "REPORTED";
    String missing = "NOT_RECORDED";
    List<Item> items = new ArrayList<>();
    items.add(new Item("5a", "Data sources", any ? reported : missing, any
        ? "the predictions' snapshot of models.predictions, traced back to raw in the lineage"
            + " section" : "no evaluate run for this interval"));
    items.add(new Item("5b", "Data dates", described ? reported : missing, described
        ? "each iteration's data interval (below)" : "models.iterations has no row for the"
            + " evaluated iterations"));
    items.add(new Item("6b", "Eligibility (cohort)", missing, "a versioned cohort definition and"
        + " its hash on every iteration (risk-model issue 12)"));
    items.add(new Item("8a", "Outcome definition", missing, "a versioned outcome phenotype and"
        + " its hash on every iteration (risk-model issue 12)"));
    items.add(new Item("9a", "Predictors", described ? reported : missing, described
        ? "the features each iteration used (below)" : "no iteration row"));
    items.add(new Item("10", "Sample size", any ? reported : missing, any
        ? "rows, events and patients of every metric; train and test rows of every iteration"
        : "no metric"));
    items.add(new Item("11", "Missing data", described ? "PARTIAL" : missing, described
        ? "rows without a label are counted per iteration; per-feature missingness needs the"
            + " dataset's data card (issue 12)" : "no iteration row"));
    items.add(new Item("12c", "Model type and building", described ? reported : missing,
        described ? "model type and parameters (below)" : "no iteration row"));
    List<String> notRecorded = new ArrayList<>();
    if (!calibrated) {
      notRecorded.add("calibration metrics");
    }
    if (calibration.isEmpty()) {
      notRecorded.add("calibration curve");
    }
    if (!utility) {
      notRecorded.add("net benefit");
    }
    items.add(new Item("12e", "Performance measures", !any ? missing
        : notRecorded.isEmpty() ? reported : "PARTIAL", !any ? "no metric"
        : "discrimination (AUROC, AUPRC), overall accuracy (Brier, scaled Brier)"
            + (calibrated ? ", calibration (intercept, slope, O/E, ICI, E50, E90)" : "")
            + (calibration.isEmpty() ? "" : ", the binned calibration curve")
            + (smoothed.isEmpty() ? "" : ", the smoothed (LOWESS) calibration curve with its"
                + " pointwise interval")
            + (decision.isEmpty() ? "" : ", the decision curve (net benefit against treat all"
                + " and treat none)")
            + (utility ? ", clinical utility (net benefit at each threshold)" : "")
            + (notRecorded.isEmpty() ? "" : "; the evaluate run recorded no "
                + String.join(", no ", notRecorded))));
    items.add(new Item("14", "Fairness", subgroups.isEmpty() ? missing : reported,
        subgroups.isEmpty() ? "the evaluate run recorded no subgroup cell (the predictions"
            + " carry no subgroup column)" : "metrics per subgroup cell, small cells"
            + " suppressed, and the gaps to each reference level with Holm-adjusted p-values"));
    items.add(new Item("21", "Participants and outcome events", any ? reported : missing, any
        ? "rows, events and patients per metric (below)" : "no metric"));
    items.add(new Item("23a", "Performance with confidence intervals", any ? reported : missing,
        any ? "every metric with n, events, its interval, the interval's method and level ("
            + (level == null ? "as each row records it" : "run level " + level) + ")"
            : "no metric"));
    items.add(new Item("23b", "Performance across subgroups", subgroups.isEmpty() ? missing
        : reported, subgroups.isEmpty() ? "no subgroup cell recorded"
        : "the subgroup table below"));
    items.add(new Item("gate", "Comparison and promotion gate (carelake)",
        !gates.isEmpty() ? reported : comparisons.isEmpty() ? missing : "PARTIAL", (comparisons.isEmpty()
            ? "no paired comparison (evaluate ran without --baseline or a champion)"
            : comparisons.size() + " paired comparison rows") + "; " + (gates.isEmpty()
            ? "no gate decision (evaluate ran without --gate)" : gates.size()
            + " gate decision" + (gates.size() == 1 ? "" : "s"))));
    return items;
  }
}
