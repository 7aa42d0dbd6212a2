package io.carelake.governance.check;

import io.carelake.governance.deequ.MetricOutcome;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import java.util.Locale;

/**
 * One row of {@code governance.check_results}: how one rule fared on one table slice.
 *
 * @param spec the spec's name ({@code spec.name})
 * @param metricValue Deequ's metric: the share of rows that pass (compliance, uniqueness); null
 *     when it could not be computed or the slice is empty
 * @param rowsChecked rows in the slice (Deequ's Size metric)
 * @param rowsFailed failing rows; null when the metric could not be computed
 * @param constraint Deequ's description of the constraint it evaluated
 * @param clause the standard clause the rule implements (the spec's {@code clause}); null for
 *     the built-in size check
 * @param maxFailures the rule's absolute limit on failing rows, when it has one
 * @param indicator the GB/T 36344-2018 indicator of {@code dimension} the rule scores
 * @param rationale why the rule exists (the spec's {@code rationale}), for the report
 */
public record CheckResult(String spec, String specVersion, String specHash, String table,
    String rule, String column, String ruleType, Severity severity, String dimension, String kahn,
    CheckStatus status, String constraint, String message, Double metricValue, double threshold,
    long rowsChecked, Long rowsFailed, Long inputSnapshotId, String clause, Long maxFailures,
    String indicator, String rationale) {

  /**
   * Decides a rule's status from Deequ's measurement. The failing count is recovered from the
   * passing share and the slice size (Deequ reports ratios), and compared with the threshold as a
   * count, so that 5 failing rows of 100 at threshold 0.05 pass exactly.
   */
  public static CheckResult evaluate(Spec spec, RuleSpec rule, String table, MetricOutcome outcome,
      long rows, Long inputSnapshotId) {
    CheckStatus status;
    Long failing = null;
    Double metric = null;
    String message;
    if (rows == 0) {
      status = CheckStatus.NOT_APPLICABLE;
      failing = 0L;
      message = "no rows in the interval";
    } else if (outcome.failedToCompute()) {
      status = CheckStatus.ERROR;
      message = "metric could not be computed: " + outcome.error();
    } else {
      metric = outcome.passShare();
      failing = Math.round((1.0 - outcome.passShare()) * rows);
      boolean within = rule.within(failing, rows);
      boolean shareWithin = failing <= rule.threshold() * rows + 1e-9;
      status = within ? CheckStatus.PASS
          : rule.blocking() ? CheckStatus.FAIL : CheckStatus.WARN;
      message = String.format(Locale.ROOT, "%d of %d rows fail (%.2f%% %s threshold %.2f%%%s)%s",
          failing, rows, 100.0 * failing / rows, shareWithin ? "<=" : ">", 100.0 * rule.threshold(),
          rule.maxFailures() == null ? "" : String.format(Locale.ROOT, "; %d %s max_failures %d",
              failing, failing <= rule.maxFailures() ? "<=" : ">", rule.maxFailures()),
          consequence(rule, failing, within));
    }
    return new CheckResult(spec.header().name(), spec.header().version(), spec.sha256(), table,
        rule.id(), String.join(",", rule.columns()), rule.type(), rule.severity(),
        rule.dimension().code(), rule.kahn().code(), status, outcome.constraint(), message, metric,
        rule.threshold(), rows, failing, inputSnapshotId, rule.clause(), rule.maxFailures(),
        rule.indicator().code(), rule.rationale());
  }

  private static String consequence(RuleSpec rule, long failing, boolean within) {
    if (rule.blocking() && !within) {
      return "; blocking rule: the run is blocked";
    }
    if (rule.quarantinesRows() && failing > 0) {
      return "; failing rows quarantined";
    }
    return "";
  }

  /**
   * True when this result stops the run: a {@code block} rule above its threshold, or a rule that
   * decides quarantine ({@code block}, {@code quarantine}) whose metric could not be computed.
   */
  public boolean blocksRun() {
    return status == CheckStatus.FAIL
        || (status == CheckStatus.ERROR && severity.quarantinesRows());
  }

  /** {@code raw.vitals vitals-event-id-unique FAIL: 4 of 120 rows fail (...)} */
  public String summary() {
    return table + " " + rule + " " + status + ": " + message;
  }
}
