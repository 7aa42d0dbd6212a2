package io.carelake.governance;

import io.carelake.governance.rules.CompiledRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The row-level half of governance: each row gets the ids of the {@code block} and
 * {@code quarantine} rules it fails, with a reason per rule, in one pass; rows with none go to
 * curated, the rest to quarantine. Column names are {@link GovernedTables}'.
 */
final class QuarantineSplit {

  static final String FAILED_RULES = GovernedTables.FAILED_RULES;
  static final String REASONS = GovernedTables.REASONS;
  static final String RUN_ID = GovernedTables.RUN_ID;

  private QuarantineSplit() {}

  /** {@code slice} plus {@code failed_rules} and {@code reasons} (empty arrays when it passes). */
  static Dataset<Row> annotate(Dataset<Row> slice, List<CompiledRule> rules) {
    StructType schema = slice.schema();
    List<Column> withPasses = new ArrayList<>();
    for (String c : schema.fieldNames()) {
      withPasses.add(functions.col(c));
    }
    // each predicate is computed once, into a column, and read twice below (ids and reasons);
    // a reason is only built for a row that fails (inside the CASE branch)
    for (int i = 0; i < rules.size(); i++) {
      withPasses.add(rules.get(i).passes(schema).as(passColumn(i)));
    }
    Dataset<Row> evaluated = slice.select(withPasses.toArray(Column[]::new));
    Column ids;
    Column reasons;
    if (rules.isEmpty()) {
      ids = functions.array().cast(DataTypes.createArrayType(DataTypes.StringType));
      reasons = ids;
    } else {
      Column[] idItems = new Column[rules.size()];
      Column[] reasonItems = new Column[rules.size()];
      for (int i = 0; i < rules.size(); i++) {
        String id = rules.get(i).id();
        Column fails = functions.not(functions.col(passColumn(i)));
        idItems[i] = functions.when(fails, functions.lit(id));
        reasonItems[i] = functions.when(fails, functions.concat(functions.lit(id + ": "),
            functions.coalesce(rules.get(i).reason(schema), functions.lit("failed"))));
      }
      ids = functions.array_compact(functions.array(idItems));
      reasons = functions.array_compact(functions.array(reasonItems));
    }
    List<Column> out = new ArrayList<>();
    Arrays.stream(schema.fieldNames()).map(functions::col).forEach(out::add);
    out.add(ids.as(FAILED_RULES));
    out.add(reasons.as(REASONS));
    return evaluated.select(out.toArray(Column[]::new));
  }

  static Column quarantined() {
    return functions.size(functions.col(FAILED_RULES)).gt(0);
  }

  /** Curated rows: exactly the raw columns plus the run id. */
  static Dataset<Row> curated(Dataset<Row> annotated, StructType raw, String runId) {
    List<Column> cols = new ArrayList<>();
    Arrays.stream(raw.fieldNames()).map(functions::col).forEach(cols::add);
    cols.add(functions.lit(runId).as(RUN_ID));
    return annotated.filter(functions.not(quarantined())).select(cols.toArray(Column[]::new));
  }

  /** Quarantined rows: the raw columns, the failed rule ids, the reasons and the run id. */
  static Dataset<Row> quarantine(Dataset<Row> annotated, StructType raw, String runId) {
    List<Column> cols = new ArrayList<>();
    Arrays.stream(raw.fieldNames()).map(functions::col).forEach(cols::add);
    cols.add(functions.col(FAILED_RULES));
    cols.add(functions.col(REASONS));
    cols.add(functions.lit(runId).as(RUN_ID));
    return annotated.filter(quarantined()).select(cols.toArray(Column[]::new));
  }

  private static String passColumn(int i) {
    return "__carelake_pass_" + i;
  }

}
