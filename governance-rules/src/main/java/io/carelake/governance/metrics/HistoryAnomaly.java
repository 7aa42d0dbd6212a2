package io.carelake.governance.metrics;

import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.MetricOutcome;
import io.carelake.governance.rules.DistributionHistoryRule;
import io.carelake.governance.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Verdict of a {@code distribution_history} rule: this run's value of the column metric (from the
 * table's Deequ verification) against the rule's earlier values in {@code governance.metrics}
 * (entity {@code Rule}, instance = rule id), with Deequ's {@code RelativeRateOfChangeStrategy}.
 * In check_results' terms, like the size check: a jump makes the slice suspect ({@code rows_failed}
 * = rows, threshold 0); {@code metric_value} is this run's value.
 */
public final class HistoryAnomaly {

  /** Entity under which history rules' values are kept in governance.metrics. */
  public static final String ENTITY = "Rule";

  private HistoryAnomaly() {}

  public static CheckResult evaluate(Spec spec, DistributionHistoryRule rule, String table,
      MetricOutcome outcome, List<Double> history, long rows, Long inputSnapshotId) {
    String constraint = String.format(Locale.ROOT, "RelativeRateOfChangeStrategy(maxRateDecrease=%s,"
        + " maxRateIncrease=%s, order=1) on %s(%s)", rule.maxRateDecrease(),
        rule.maxRateIncrease(), rule.metricName(), rule.spec().column());
    CheckStatus status;
    String message;
    Double value = null;
    if (rows == 0) {
      status = CheckStatus.NOT_APPLICABLE;
      message = "no rows in the interval";
    } else if (outcome.failedToCompute()) {
      status = CheckStatus.ERROR;
      message = "metric could not be computed: " + outcome.error();
    } else {
      value = outcome.passShare();
      List<Double> series = new ArrayList<>(history);
      series.add(value);
      Boolean anomaly = DeequAdapter.isRateOfChangeAnomaly(series, rule.maxRateDecrease(),
          rule.maxRateIncrease());
      if (anomaly == null) {
        status = CheckStatus.NOT_APPLICABLE;
        message = String.format(Locale.ROOT, "%s(%s) = %.4f; no earlier run to compare with",
            rule.metricName(), rule.spec().column(), value);
      } else {
        double previous = history.get(history.size() - 1);
        status = !anomaly ? CheckStatus.PASS
            : rule.spec().blocking() ? CheckStatus.FAIL : CheckStatus.WARN;
        message = String.format(Locale.ROOT, "%s(%s) = %.4f vs %.4f in the previous run (x%.3f;"
            + " accepted x%s..x%s)%s", rule.metricName(), rule.spec().column(), value, previous,
            previous == 0 ? Double.NaN : value / previous, rule.maxRateDecrease(),
            rule.maxRateIncrease(), anomaly ? "; the distribution jumped" : "");
      }
    }
    long suspect = status == CheckStatus.WARN || status == CheckStatus.FAIL ? rows : 0L;
    return new CheckResult(spec.header().name(), spec.header().version(), spec.sha256(), table,
        rule.id(), rule.spec().column(), rule.spec().type(), rule.spec().severity(),
        rule.spec().dimension().code(), rule.spec().kahn().code(), status, constraint, message,
        value, 0.0, rows, status == CheckStatus.ERROR ? null : suspect, inputSnapshotId,
        rule.spec().clause(), rule.spec().maxFailures(), rule.spec().indicator().code(),
        rule.spec().rationale());
  }
}
