package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructType;

/**
 * {@code completeness}: every listed column has a value. Text must not be blank, lists must not be
 * empty; no params.
 */
final class CompletenessRule extends SqlPredicateRule {

  static final RuleCompiler COMPILER = RuleCompiler.of("completeness", CompletenessRule::new);

  private CompletenessRule(RuleSpec spec) {
    super(spec);
  }

  @Override
  String passSql(StructType schema) {
    return spec().columns().stream().map(c -> present(schema, c))
        .collect(Collectors.joining(" AND "));
  }

  private static String present(StructType schema, String column) {
    String c = SqlText.ident(column);
    if (SqlText.isString(schema, column)) {
      return "(" + c + " IS NOT NULL AND trim(" + c + ") <> '')";
    }
    if (SqlText.isCollection(schema, column)) {
      return "(" + c + " IS NOT NULL AND size(" + c + ") > 0)";
    }
    return "(" + c + " IS NOT NULL)";
  }

  @Override
  String reasonText() {
    return "missing or blank " + String.join(", ", spec().columns());
  }
}
