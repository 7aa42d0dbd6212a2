package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.core.events.Codes;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code canonical_unit_by_code}: the unit column holds the canonical UCUM unit of the row's code
 * (core's {@code Codes.CANONICAL_UNIT} unless params give {@code units}). Catches glucose sent in
 * mg/dL where mmol/L is expected. Codes without a canonical unit pass; a missing unit fails.
 * Params (optional): {@code {code_column: code, units: {"2339-0": "mmol/L"}}}.
 */
final class CanonicalUnitRule extends SqlPredicateRule {

  record Params(@JsonProperty("code_column") String codeColumn,
      @JsonProperty("units") Map<String, String> units) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("canonical_unit_by_code", CanonicalUnitRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, false,
        "{code_column: code, units: {\"2339-0\": \"mmol/L\"}} (both optional)");
    String codeColumn = p == null || p.codeColumn() == null ? "code" : p.codeColumn();
    Map<String, String> units = p == null || p.units() == null ? Codes.CANONICAL_UNIT : p.units();
    if (units.isEmpty() || units.values().stream().anyMatch(java.util.Objects::isNull)) {
      throw rule.paramsError("params.units must map each code to its canonical unit");
    }
    if (rule.columns().size() != 1) {
      throw rule.error("canonical_unit_by_code reads one unit column, got " + rule.columns());
    }
    return new CanonicalUnitRule(rule, codeColumn, new TreeMap<>(units));
  }

  private final String codeColumn;
  private final Map<String, String> units;

  private CanonicalUnitRule(RuleSpec spec, String codeColumn, Map<String, String> units) {
    super(spec);
    this.codeColumn = codeColumn;
    this.units = units;
  }

  @Override
  String passSql(StructType schema) {
    String u = SqlText.ident(spec().column());
    StringBuilder sb = new StringBuilder("CASE ").append(SqlText.ident(codeColumn));
    units.forEach((code, unit) -> sb.append(" WHEN ").append(SqlText.string(code)).append(" THEN ")
        .append(u).append(" <=> ").append(SqlText.string(unit)));
    return sb.append(" ELSE true END").toString();
  }

  @Override
  public Column reason(StructType schema) {
    Column expected = functions.lit("?");
    for (Map.Entry<String, String> e : units.entrySet()) {
      expected = functions.when(functions.col(codeColumn).equalTo(e.getKey()),
          functions.lit(e.getValue())).otherwise(expected);
    }
    return functions.concat(functions.lit(spec().column() + " '"),
        functions.coalesce(functions.col(spec().column()), functions.lit("null")),
        functions.lit("' is not the canonical unit '"), expected, functions.lit("' of code "),
        functions.coalesce(functions.col(codeColumn), functions.lit("null")));
  }

  @Override
  String reasonText() {
    return spec().column() + " is not the canonical unit of its code";
  }
}
