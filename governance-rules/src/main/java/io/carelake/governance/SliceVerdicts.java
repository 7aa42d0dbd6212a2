package io.carelake.governance;

import io.carelake.governance.check.CheckResult;
import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.deequ.DeequMetric;
import io.carelake.governance.deequ.MetricOutcome;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.metrics.HistoryAnomaly;
import io.carelake.governance.metrics.MetricsTable;
import io.carelake.governance.metrics.SizeAnomaly;
import io.carelake.governance.rules.CompiledRule;
import io.carelake.governance.rules.DistributionHistoryRule;
import io.carelake.governance.spec.Severity;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * govern's check stage for one slice: the Deequ checks its rules compile to, and the verdicts of
 * Deequ's verification — one check result per rule (history rules against their earlier values),
 * the size anomaly check against the table's earlier row counts, and the metrics to append to
 * {@code governance.metrics}.
 */
final class SliceVerdicts {

  /** Deequ check id of the count of rows that fail no quarantining rule. */
  static final String CURATED_CHECK = "carelake:curated";

  /** The size anomaly check's limits and severity (govern's options). */
  record SizeLimits(double maxDecrease, double maxIncrease, Severity severity) {}

  final List<CheckResult> results = new ArrayList<>();
  final List<DeequMetric> metrics = new ArrayList<>();
  /** Rows the split sends to curated, as Deequ counted them; null: Deequ could not count them. */
  final Long curatedByDeequ;

  private SliceVerdicts(Long curatedByDeequ) {
    this.curatedByDeequ = curatedByDeequ;
  }

  /**
   * The rules' checks plus one that counts the rows the split sends to curated, so the split
   * needs no counting pass of its own.
   */
  static List<DatasetCheck> checks(GovernSlice s) {
    List<DatasetCheck> checks = new ArrayList<>(s.spec().datasetChecks(s.data().schema()));
    String curatedSql = s.spec().curatedPredicateSql(s.data().schema());
    if (curatedSql != null) {
      checks.add(new DatasetCheck.Compliance(CURATED_CHECK, curatedSql, List.of(), 0.0, false));
    }
    return checks;
  }

  /**
   * The slice's verdicts from its verification; reads the metric history, appends nothing (the
   * caller appends {@link #metrics} of every slice at once).
   */
  static SliceVerdicts of(SparkSession spark, JobContext ctx, GovernSlice s, Verification v,
      SizeLimits limits) {
    Long curated = null;
    boolean counted = s.spec().curatedPredicateSql(s.data().schema()) != null;
    if (v.rows() == 0) {
      curated = 0L;
    } else if (counted && !v.outcome(CURATED_CHECK).failedToCompute()) {
      curated = Math.round(v.outcome(CURATED_CHECK).passShare() * v.rows());
    }
    SliceVerdicts out = new SliceVerdicts(curated);
    out.metrics.addAll(v.metrics());
    String table = s.target().raw().toString();
    for (CompiledRule rule : s.spec().rules()) {
      CheckResult r;
      if (rule instanceof DistributionHistoryRule h) {
        // this rule's earlier values, read before this run's are appended
        List<Double> past = MetricsTable.history(spark, ctx, table, HistoryAnomaly.ENTITY, h.id(),
            h.metricName(), ctx.run().id());
        MetricOutcome o = v.outcome(h.id());
        r = HistoryAnomaly.evaluate(s.spec().spec(), h, table, o, past, v.rows(), s.snapshot());
        out.metrics.add(new DeequMetric(HistoryAnomaly.ENTITY, h.id(), h.metricName(),
            o.failedToCompute() ? null : o.passShare()));
      } else {
        r = CheckResult.evaluate(s.spec().spec(), rule.spec(), table, v.outcome(rule.id()),
            v.rows(), s.snapshot());
      }
      out.results.add(r);
      if (r.rowsFailed() != null) {
        ctx.run().count("failed." + rule.id(), r.rowsFailed());
      }
    }
    List<Double> history = MetricsTable.sizeHistory(spark, ctx, table, ctx.run().id());
    out.results.add(SizeAnomaly.evaluate(s.spec().spec(), table, history, v.rows(),
        limits.maxDecrease(), limits.maxIncrease(), limits.severity(), s.snapshot()));
    return out;
  }

  /** This slice's failing-row count of a rule, as Deequ measured it; null when not measured. */
  Long rowsFailed(String ruleId, String table) {
    return results.stream().filter(r -> r.rule().equals(ruleId) && r.table().equals(table)
        && r.rowsFailed() != null).map(CheckResult::rowsFailed).findFirst().orElse(null);
  }
}
