package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.SpecException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code distribution_history}: the column's completeness or mean in this slice, computed in the
 * table's one Deequ verification, compared with the same rule's earlier values in
 * {@code governance.metrics} by Deequ's {@code RelativeRateOfChangeStrategy} (order 1): an
 * anomaly when value / previous value is above {@code max_rate_increase} or below
 * {@code max_rate_decrease}. It judges the slice, never a row: severity {@code warn} (WARN) or
 * {@code block} (FAIL, blocks the run). Params: {@code {metric: completeness|mean,
 * max_rate_increase: 1.25, max_rate_decrease: 0.8, where: "code = '8480-6'"}}.
 */
public final class DistributionHistoryRule implements CompiledRule {

  public static final String TYPE = "distribution_history";

  record Params(@JsonProperty("metric") String metric,
      @JsonProperty("max_rate_increase") Double maxRateIncrease,
      @JsonProperty("max_rate_decrease") Double maxRateDecrease,
      @JsonProperty("where") String where) {}

  static final RuleCompiler COMPILER = RuleCompiler.of(TYPE, DistributionHistoryRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true,
        "{metric: mean, max_rate_increase: 1.25, max_rate_decrease: 0.8}");
    DatasetCheck.ColumnMetric.Kind kind;
    if ("completeness".equals(p.metric())) {
      kind = DatasetCheck.ColumnMetric.Kind.COMPLETENESS;
    } else if ("mean".equals(p.metric())) {
      kind = DatasetCheck.ColumnMetric.Kind.MEAN;
    } else {
      throw rule.paramsError("params.metric must be completeness or mean, got " + p.metric());
    }
    double inc = p.maxRateIncrease() == null ? 1.25 : p.maxRateIncrease();
    double dec = p.maxRateDecrease() == null ? 0.8 : p.maxRateDecrease();
    if (!(inc > 0) || dec < 0 || dec > inc) {
      throw rule.paramsError("need 0 <= max_rate_decrease <= max_rate_increase, got " + dec
          + " and " + inc);
    }
    if (rule.severity() == Severity.QUARANTINE) {
      throw rule.error("a distribution_history rule judges the slice, not rows: use severity"
          + " warn or block");
    }
    if (rule.columns().size() != 1) {
      throw rule.error("distribution_history reads exactly one column, got " + rule.columns());
    }
    return new DistributionHistoryRule(rule, kind, inc, dec, p.where());
  }

  private final RuleSpec spec;
  private final DatasetCheck.ColumnMetric.Kind kind;
  private final double maxRateIncrease;
  private final double maxRateDecrease;
  private final String where;

  private DistributionHistoryRule(RuleSpec spec, DatasetCheck.ColumnMetric.Kind kind,
      double maxRateIncrease, double maxRateDecrease, String where) {
    this.spec = spec;
    this.kind = kind;
    this.maxRateIncrease = maxRateIncrease;
    this.maxRateDecrease = maxRateDecrease;
    this.where = where;
  }

  @Override
  public RuleSpec spec() {
    return spec;
  }

  public double maxRateIncrease() {
    return maxRateIncrease;
  }

  public double maxRateDecrease() {
    return maxRateDecrease;
  }

  /** Deequ's metric name, as governance.metrics keeps it: {@code Completeness} or {@code Mean}. */
  public String metricName() {
    return kind == DatasetCheck.ColumnMetric.Kind.COMPLETENESS ? "Completeness" : "Mean";
  }

  @Override
  public boolean datasetOnly() {
    return true;
  }

  @Override
  public Column passes(StructType schema) {
    return functions.lit(true);
  }

  @Override
  public Column reason(StructType schema) {
    return functions.lit("");
  }

  @Override
  public DatasetCheck datasetCheck(StructType schema) {
    return new DatasetCheck.ColumnMetric(spec.id(), spec.column(), kind, where,
        spec.blocking());
  }
}
