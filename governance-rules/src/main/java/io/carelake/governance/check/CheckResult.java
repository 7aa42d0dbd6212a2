package io.carelake.governance.check;

import io.carelake.governance.deequ.MetricOutcome;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import java.util.Locale;

/**
 * One row of {@code governance.check_results}: how one rule fared on one table slice.
 *
 * @param numerator failing rows; null when the metric could not be computed
 * @param denominator rows in the slice
 */
public record CheckResult(String ruleId, String table, String column, String ruleType,
    Severity severity, CheckStatus status, Long numerator, long denominator, double threshold,
    String message, String specVersion, String specHash, Long inputSnapshotId) {

  /**
   * Decides a rule's status from Deequ's measurement. The failing count is recovered from the
   * passing share and the slice size (Deequ reports ratios), and compared with the threshold as a
   * count, so that 5 failing rows of 100 at threshold 0.05 pass exactly.
   */
  public static CheckResult evaluate(RuleSpec rule, String table, MetricOutcome outcome, long rows,
      String specVersion, String specHash, Long inputSnapshotId) {
    CheckStatus status;
    Long failing = null;
    String message;
    if (rows == 0) {
      status = CheckStatus.NOT_APPLICABLE;
      failing = 0L;
      message = "no rows in the interval";
    } else if (outcome.failedToCompute()) {
      status = CheckStatus.ERROR;
      message = "metric could not be computed: " + outcome.error();
    } else {
      failing = Math.round((1.0 - outcome.passShare()) * rows);
      boolean within = failing <= rule.threshold() * rows + 1e-9;
      status = within ? CheckStatus.PASS
          : rule.blocking() ? CheckStatus.FAIL : CheckStatus.WARN;
      message = String.format(Locale.ROOT, "%d of %d rows fail (%.2f%% %s %.2f%%)", failing, rows,
          100.0 * failing / rows, within ? "<=" : ">", 100.0 * rule.threshold());
    }
    return new CheckResult(rule.id(), table, String.join(",", rule.columns()), rule.type(),
        rule.severity(), status, failing, rows, rule.threshold(), message, specVersion, specHash,
        inputSnapshotId);
  }

  /** True when this result stops the run: a blocking rule that failed or could not be measured. */
  public boolean blocksRun() {
    return severity == Severity.BLOCK && (status == CheckStatus.FAIL || status == CheckStatus.ERROR);
  }

  /** {@code raw.vitals vitals-event-id-unique FAIL: 4 of 120 rows fail (3.33% > 0.00%)} */
  public String summary() {
    return table + " " + ruleId + " " + status + ": " + message;
  }
}
