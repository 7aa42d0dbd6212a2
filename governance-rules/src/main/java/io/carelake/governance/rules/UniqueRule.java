package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code unique}: the column (or tuple of columns) occurs exactly once in the slice. Every row of a
 * duplicated value fails, and so does a row with a missing value — Deequ's {@code Uniqueness}
 * metric counts the same way. No params.
 *
 * <p>Executed as <em>one</em> shuffle: {@link #prepare} adds the number of rows sharing the key
 * (a window count over the key) to the slice before it is cached; Deequ's compliance and the
 * row-level split both read that column. (Deequ's own {@code hasUniqueness} would group the slice
 * a second time, and the split would need a window of its own.)
 */
final class UniqueRule extends SqlPredicateRule {

  static final RuleCompiler COMPILER = RuleCompiler.of("unique", UniqueRule::new);

  private UniqueRule(RuleSpec spec) {
    super(spec);
  }

  private String occurrences() {
    return RuleContext.helper(this, "occurrences");
  }

  @Override
  public Dataset<Row> prepare(Dataset<Row> slice, RuleContext ctx) {
    Column[] keys = spec().columns().stream().map(functions::col).toArray(Column[]::new);
    return slice.withColumn(occurrences(),
        functions.count(functions.lit(1)).over(Window.partitionBy(keys)));
  }

  @Override
  String passSql(StructType schema) {
    return "(" + spec().columns().stream().map(c -> SqlText.ident(c) + " IS NOT NULL")
        .collect(Collectors.joining(" AND ")) + " AND " + SqlText.ident(occurrences()) + " = 1)";
  }

  @Override
  String reasonText() {
    return String.join(", ", spec().columns()) + " is missing or occurs more than once";
  }
}
