package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code range_by_code}: a measurement lies in the plausible range for its code (LOINC), in the
 * code's canonical unit. Codes without a range pass (an allowed-values rule on the code column
 * decides whether the code itself is acceptable); a missing value passes (completeness). Params:
 * {@code {code_column: code, unit_column: unit, ranges: {"8480-6": {min: 50, max: 300, unit:
 * "mm[Hg]"}, ...}}}, bounds inclusive. With {@code unit_column}, a range that names its unit applies
 * only to rows in that unit: a value in another unit is the canonical-unit rule's finding, and
 * comparing it with a range in the wrong unit would only repeat it.
 */
final class RangeByCodeRule extends SqlPredicateRule {

  record Range(@JsonProperty("min") BigDecimal min, @JsonProperty("max") BigDecimal max,
      @JsonProperty("unit") String unit) {}

  record Params(@JsonProperty("code_column") String codeColumn,
      @JsonProperty("unit_column") String unitColumn,
      @JsonProperty("ranges") Map<String, Range> ranges) {}

  private static final String SHAPE =
      "{code_column: code, unit_column: unit, ranges: {\"8480-6\": {min: 50, max: 300, unit: \"mm[Hg]\"}}}";

  static final RuleCompiler COMPILER = RuleCompiler.of("range_by_code", RangeByCodeRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true, SHAPE);
    if (p.codeColumn() == null || p.codeColumn().isBlank()) {
      throw rule.paramsError("params.code_column is required: the column holding the code");
    }
    if (p.ranges() == null || p.ranges().isEmpty()) {
      throw rule.paramsError("params.ranges must map at least one code to {min, max}");
    }
    for (Map.Entry<String, Range> e : p.ranges().entrySet()) {
      Range r = e.getValue();
      if (r == null || r.min() == null || r.max() == null) {
        throw rule.paramsError("range for code '" + e.getKey() + "' needs both min and max");
      }
      if (r.min().compareTo(r.max()) > 0) {
        throw rule.paramsError("range for code '" + e.getKey() + "' has min " + r.min()
            + " above max " + r.max());
      }
    }
    if (rule.columns().size() != 1) {
      throw rule.error("range_by_code reads one value column, got " + rule.columns()
          + " (name the code column in params.code_column)");
    }
    if (p.unitColumn() != null && p.unitColumn().isBlank()) {
      throw rule.paramsError("params.unit_column, when given, names the column holding the unit");
    }
    return new RangeByCodeRule(rule, p.codeColumn(), p.unitColumn(),
        new LinkedHashMap<>(p.ranges()));
  }

  private final String codeColumn;
  private final String unitColumn;
  private final Map<String, Range> ranges;

  private RangeByCodeRule(RuleSpec spec, String codeColumn, String unitColumn,
      Map<String, Range> ranges) {
    super(spec);
    this.codeColumn = codeColumn;
    this.unitColumn = unitColumn;
    this.ranges = ranges;
  }

  @Override
  String passSql(StructType schema) {
    String v = SqlText.ident(spec().column());
    StringBuilder sb = new StringBuilder("(").append(v).append(" IS NULL OR CASE ")
        .append(SqlText.ident(codeColumn));
    ranges.forEach((code, r) -> {
      sb.append(" WHEN ").append(SqlText.string(code)).append(" THEN ");
      if (unitColumn != null && r.unit() != null) {
        sb.append("NOT (").append(SqlText.ident(unitColumn)).append(" <=> ")
            .append(SqlText.string(r.unit())).append(") OR ");
      }
      sb.append(v).append(" BETWEEN ").append(SqlText.number(r.min())).append(" AND ")
          .append(SqlText.number(r.max()));
    });
    return sb.append(" ELSE true END)").toString();
  }

  /** Values and codes of vital signs identify no one, so the reason shows them. */
  @Override
  public Column reason(StructType schema) {
    Column bounds = functions.lit("?");
    for (Map.Entry<String, Range> e : List.copyOf(ranges.entrySet())) {
      bounds = functions.when(functions.col(codeColumn).equalTo(e.getKey()),
          functions.lit("[" + e.getValue().min().toPlainString() + ", "
              + e.getValue().max().toPlainString() + "]"
              + (e.getValue().unit() == null ? "" : " " + e.getValue().unit())))
          .otherwise(bounds);
    }
    return functions.concat(functions.lit(spec().column() + " "),
        functions.coalesce(functions.col(spec().column()).cast("string"), functions.lit("null")),
        functions.lit(" outside the plausible range "), bounds, functions.lit(" for code "),
        functions.coalesce(functions.col(codeColumn), functions.lit("null")));
  }

  @Override
  String reasonText() {
    return spec().column() + " outside the plausible range for its code";
  }
}
