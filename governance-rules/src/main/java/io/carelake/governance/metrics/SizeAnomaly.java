package io.carelake.governance.metrics;

import io.carelake.core.quality.Gbt36344;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The anomaly check on metric history: Deequ's {@code RelativeRateOfChangeStrategy} on the
 * slice's row count (the Size metric) against the previous run of the same table. Reported as one
 * {@code governance.check_results} row per table, rule id {@code <table name>-size-rate-of-change}
 * (e.g. {@code visits-size-rate-of-change}); severity {@code warn} by default (WARN), {@code block}
 * makes a jump FAIL and block the run. {@code metric_value} is the ratio to the previous run;
 * {@code rows_failed} is the slice's row count when it jumped (the whole slice is suspect), else 0,
 * with {@code threshold} 0, so readers of check_results see "N of N rows fail" for a jump.
 */
public final class SizeAnomaly {

  public static final String RULE_TYPE = "size_rate_of_change";

  private SizeAnomaly() {}

  public static String ruleId(String table) {
    return table.substring(table.indexOf('.') + 1) + "-size-rate-of-change";
  }

  /**
   * @param history earlier runs' sizes, oldest first
   * @param rows this run's size
   */
  public static CheckResult evaluate(Spec spec, String table, List<Double> history, long rows,
      double maxRateDecrease, double maxRateIncrease, Severity severity, Long inputSnapshotId) {
    List<Double> series = new ArrayList<>(history);
    series.add((double) rows);
    String constraint = String.format(Locale.ROOT,
        "RelativeRateOfChangeStrategy(maxRateDecrease=%s, maxRateIncrease=%s, order=1) on Size",
        maxRateDecrease, maxRateIncrease);
    Boolean anomaly = DeequAdapter.isRateOfChangeAnomaly(series, maxRateDecrease, maxRateIncrease);
    CheckStatus status;
    Double ratio = null;
    String message;
    if (anomaly == null) {
      status = CheckStatus.NOT_APPLICABLE;
      message = "no earlier run of " + table + " in governance.metrics to compare the row count with";
    } else {
      double previous = history.get(history.size() - 1);
      ratio = previous == 0 ? (rows == 0 ? 1.0 : Double.POSITIVE_INFINITY) : rows / previous;
      status = !anomaly ? CheckStatus.PASS
          : severity == Severity.BLOCK ? CheckStatus.FAIL : CheckStatus.WARN;
      message = String.format(Locale.ROOT, "%d rows vs %d in the previous run (x%.2f; accepted"
          + " x%s..x%s)%s", rows, Math.round(previous), ratio, maxRateDecrease, maxRateIncrease,
          anomaly ? "; row count jumped: check ingestion and the interval before trusting it" : "");
      if (Double.isInfinite(ratio)) {
        ratio = null;
      }
    }
    // in check_results' terms (failing rows, largest failing share that passes): a jump makes
    // the whole slice suspect, so rows_failed = rows and threshold 0; the ratio is metric_value
    long suspect = status == CheckStatus.WARN || status == CheckStatus.FAIL ? rows : 0L;
    return new CheckResult(spec.header().name(), spec.header().version(), spec.sha256(), table,
        ruleId(table), null, RULE_TYPE, severity, Gbt36344.Indicator.RECORD.dimension().code(),
        "plausibility", status,
        constraint, message, ratio, 0.0, rows, suspect, inputSnapshotId,
        "carelake: row count against the previous run (Deequ RelativeRateOfChangeStrategy)", null,
        Gbt36344.Indicator.RECORD.code(), "a slice much smaller or larger than the previous"
            + " run's means records went missing or arrived twice, even when every row passes");
  }
}
