package io.carelake.governance.rules;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * A rule whose pass condition is one Spark SQL boolean expression per row. The same text becomes
 * the row predicate and Deequ's compliance constraint; a NULL result counts as a failure on both
 * sides (Deequ's compliance sums only true rows), so each type makes its null handling explicit.
 */
abstract class SqlPredicateRule implements CompiledRule {

  private final RuleSpec spec;

  SqlPredicateRule(RuleSpec spec) {
    this.spec = spec;
  }

  @Override
  public RuleSpec spec() {
    return spec;
  }

  /** The pass condition, as Spark SQL. */
  abstract String passSql(StructType schema);

  /** A short constant reason; types with a more telling reason override {@link #reason}. */
  abstract String reasonText();

  final String nullSafeSql(StructType schema) {
    return "coalesce((" + passSql(schema) + "), false)";
  }

  @Override
  public Column passes(StructType schema) {
    return functions.expr(nullSafeSql(schema));
  }

  @Override
  public Column reason(StructType schema) {
    return functions.lit(reasonText());
  }

  @Override
  public DatasetCheck datasetCheck(StructType schema) {
    return new DatasetCheck.Compliance(spec.id(), nullSafeSql(schema), spec.columns(),
        spec.threshold(), spec.blocking());
  }
}
