package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import org.apache.spark.sql.types.StructType;

/**
 * {@code cross_field}: a Spark SQL boolean expression over several columns holds, e.g.
 * {@code birth_date <= to_date(event_time)}. A NULL result (a column missing) passes: absence is
 * completeness's concern. List every column the expression reads in {@code columns}, so that
 * Deequ checks they exist. Params: {@code {expression: "a <= b"}}.
 */
final class CrossFieldRule extends SqlPredicateRule {

  record Params(@JsonProperty("expression") String expression) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("cross_field", CrossFieldRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true, "{expression: \"birth_date <= to_date(event_time)\"}");
    if (p.expression() == null || p.expression().isBlank()) {
      throw rule.paramsError("params.expression must be a Spark SQL boolean expression");
    }
    return new CrossFieldRule(rule, p.expression());
  }

  private final String expression;

  private CrossFieldRule(RuleSpec spec, String expression) {
    super(spec);
    this.expression = expression;
  }

  @Override
  String passSql(StructType schema) {
    return "coalesce((" + expression + "), true)";
  }

  @Override
  String reasonText() {
    return "violates " + expression;
  }
}
