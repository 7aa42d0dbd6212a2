package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.core.tables.TableName;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code referential_integrity}: the column's value exists in a column of another table (any of
 * {@code references}, e.g. vitals' resident ids among the visits'). Missing values pass
 * (completeness). Params: {@code {references: [raw.visits.resident_id, curated.visits.resident_id]}};
 * a referenced table that does not exist yet counts as empty.
 *
 * <p>Executed as one join, never a collect: the distinct non-null keys of the referenced
 * columns (a union when several) are left-joined to the slice with a {@code true} marker, which is
 * the semi-join's answer kept per row (Spark broadcasts the key set when it is small). Each slice
 * row matches at most one key, so the join keeps the row count.
 */
final class ReferentialIntegrityRule extends SqlPredicateRule {

  record Params(@JsonProperty("references") List<String> references) {}

  record Reference(TableName table, String column) {
    @Override
    public String toString() {
      return table + "." + column;
    }
  }

  static final RuleCompiler COMPILER = RuleCompiler.of("referential_integrity", ReferentialIntegrityRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true,
        "{references: [raw.visits.resident_id]}");
    if (p.references() == null || p.references().isEmpty()) {
      throw rule.paramsError("params.references must list <namespace>.<table>.<column>");
    }
    List<Reference> refs = new ArrayList<>();
    for (String r : p.references()) {
      int dot = r == null ? -1 : r.lastIndexOf('.');
      if (dot <= 0) {
        throw rule.paramsError("params.references: '" + r + "' is not <namespace>.<table>.<column>");
      }
      try {
        refs.add(new Reference(TableName.parse(r.substring(0, dot)), r.substring(dot + 1)));
      } catch (IllegalArgumentException e) {
        throw rule.paramsError("params.references: '" + r + "': " + e.getMessage());
      }
    }
    if (rule.columns().size() != 1) {
      throw rule.error("referential_integrity reads exactly one column, got " + rule.columns());
    }
    return new ReferentialIntegrityRule(rule, refs);
  }

  private final List<Reference> references;

  private ReferentialIntegrityRule(RuleSpec spec, List<Reference> references) {
    super(spec);
    this.references = List.copyOf(references);
  }

  private String found() {
    return RuleContext.helper(this, "found");
  }

  @Override
  public Dataset<Row> prepare(Dataset<Row> slice, RuleContext ctx) {
    String key = RuleContext.helper(this, "key");
    Dataset<Row> keys = null;
    for (Reference r : references) {
      Optional<String> name = ctx.resolve().apply(r.table());
      if (name.isEmpty()) {
        continue;
      }
      Dataset<Row> table = ctx.spark().table(name.get());
      if (!java.util.Arrays.asList(table.columns()).contains(r.column())) {
        throw new IllegalArgumentException(spec().source() + ":" + spec().line() + ": rule '"
            + spec().id() + "': referenced column " + r + " does not exist (its columns: "
            + String.join(", ", table.columns()) + "); fix params.references");
      }
      Dataset<Row> k = table.select(functions.col(r.column()).cast("string").as(key))
          .where(functions.col(key).isNotNull());
      keys = keys == null ? k : keys.union(k);
    }
    if (keys == null) {
      return slice.withColumn(found(), functions.lit(null).cast("boolean"));
    }
    Dataset<Row> marked = keys.distinct().withColumn(found(), functions.lit(true));
    Column on = functions.col(spec().column()).cast("string").equalTo(marked.col(key));
    return slice.join(marked, on, "left_outer").drop(key);
  }

  @Override
  String passSql(StructType schema) {
    return "(" + SqlText.ident(spec().column()) + " IS NULL OR " + SqlText.ident(found())
        + " IS NOT NULL)";
  }

  @Override
  String reasonText() {
    return spec().column() + " not found in " + references;
  }
}
