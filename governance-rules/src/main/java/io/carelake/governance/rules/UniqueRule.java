package io.carelake.governance.rules;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code unique}: the column (or tuple of columns) occurs exactly once in the slice. Every row of a
 * duplicated value fails, and so does a row with a missing value, which is how Deequ's uniqueness
 * metric counts them too. No params.
 */
final class UniqueRule implements CompiledRule {

  static final RuleCompiler COMPILER = new RuleCompiler() {
    @Override
    public String type() {
      return "unique";
    }

    @Override
    public CompiledRule compile(RuleSpec rule) {
      return new UniqueRule(rule);
    }
  };

  private final RuleSpec spec;

  private UniqueRule(RuleSpec spec) {
    this.spec = spec;
  }

  @Override
  public RuleSpec spec() {
    return spec;
  }

  @Override
  public Column passes(StructType schema) {
    Column[] keys = spec.columns().stream().map(functions::col).toArray(Column[]::new);
    Column present = functions.lit(true);
    for (Column k : keys) {
      present = present.and(k.isNotNull());
    }
    Column occurrences = functions.count(functions.lit(1)).over(Window.partitionBy(keys));
    return present.and(occurrences.equalTo(1));
  }

  @Override
  public Column reason(StructType schema) {
    return functions.lit(String.join(", ", spec.columns()) + " is missing or occurs more than once");
  }

  @Override
  public DatasetCheck datasetCheck(StructType schema) {
    return new DatasetCheck.Uniqueness(spec.id(), spec.columns(), spec.threshold(),
        spec.blocking());
  }
}
