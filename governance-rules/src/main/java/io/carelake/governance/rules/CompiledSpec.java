package io.carelake.governance.rules;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** A spec whose rules are compiled, ready to be checked against its table. */
public record CompiledSpec(Spec spec, List<CompiledRule> rules) {

  public CompiledSpec {
    rules = List.copyOf(rules);
  }

  /** The slice with every rule's helper columns (see {@link CompiledRule#prepare}). */
  public Dataset<Row> prepare(Dataset<Row> slice, RuleContext ctx) {
    Dataset<Row> out = slice;
    for (CompiledRule rule : rules) {
      out = rule.prepare(out, ctx);
    }
    return out;
  }

  /** The rules whose failing rows go to quarantine ({@code block} and {@code quarantine}). */
  public List<CompiledRule> quarantineRules() {
    return rules.stream().filter(r -> r.spec().quarantinesRows() && !r.datasetOnly()).toList();
  }

  /**
   * One Spark SQL predicate true for the rows that go to curated (they fail no quarantining rule),
   * for Deequ to count in the same pass as the rules; null when a quarantining rule has no SQL form.
   */
  public String curatedPredicateSql(StructType schema) {
    List<CompiledRule> q = quarantineRules();
    if (q.isEmpty()) {
      return "true";
    }
    StringBuilder sb = new StringBuilder();
    for (CompiledRule r : q) {
      if (!(r instanceof SqlPredicateRule p)) {
        return null;
      }
      if (sb.length() > 0) {
        sb.append(" AND ");
      }
      sb.append(p.nullSafeSql(schema));
    }
    return sb.toString();
  }

  public List<DatasetCheck> datasetChecks(StructType schema) {
    return rules.stream().map(r -> r.datasetCheck(schema)).toList();
  }

  /**
   * Checks every rule against the table's schema without reading data: the columns exist and
   * each predicate and reason resolves (Spark analyses the plan, it runs nothing). A rule that
   * does not fit its table fails here with its file and line, before any row is read.
   */
  public void validateAgainst(Dataset<Row> table) throws SpecException {
    StructType schema = table.schema();
    Set<String> names = Arrays.stream(schema.fieldNames()).collect(Collectors.toSet());
    for (CompiledRule rule : rules) {
      for (String column : rule.spec().columns()) {
        if (!names.contains(column)) {
          throw rule.spec().error("column '" + column + "' is not in " + spec.header().table()
              + " (its columns: " + String.join(", ", schema.fieldNames()) + ")");
        }
      }
      try {
        table.select(rule.passes(schema), rule.reason(schema)).schema();
      } catch (RuntimeException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage().lines().findFirst().orElse("");
        throw rule.spec().error("does not compile against " + spec.header().table() + ": " + why);
      }
    }
  }
}
