package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructType;

/**
 * {@code allowed_values}: the column's value is one of a list (a code system, an enumeration).
 * Missing values pass: completeness is its own rule. Params: {@code {values: [a, b, c]}}.
 */
final class AllowedValuesRule extends SqlPredicateRule {

  record Params(@JsonProperty("values") List<String> values) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("allowed_values", AllowedValuesRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true, "{values: [a, b, c]}");
    if (p.values() == null || p.values().isEmpty() || p.values().contains(null)) {
      throw rule.paramsError("params.values must be a non-empty list of values");
    }
    if (rule.columns().size() != 1) {
      throw rule.error("allowed_values reads exactly one column, got " + rule.columns());
    }
    return new AllowedValuesRule(rule, p.values());
  }

  private final List<String> values;

  private AllowedValuesRule(RuleSpec spec, List<String> values) {
    super(spec);
    this.values = List.copyOf(values);
  }

  @Override
  String passSql(StructType schema) {
    String c = SqlText.ident(spec().column());
    String list = values.stream().map(SqlText::string).collect(Collectors.joining(", "));
    return "(" + c + " IS NULL OR CAST(" + c + " AS STRING) IN (" + list + "))";
  }

  @Override
  String reasonText() {
    String shown = values.size() <= 12 ? String.join(", ", values)
        : String.join(", ", values.subList(0, 12)) + ", ...";
    return spec().column() + " is not one of [" + shown + "]";
  }
}
