package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import org.apache.spark.sql.types.StructType;

/**
 * {@code resident_id_check_digit}: the value is an 18-character GB 11643 resident id whose ISO
 * 7064 MOD 11-2 check character is right, computed by core's {@code ResidentIds} inside a Spark
 * UDF ({@link GovernFunctions#RESIDENT_ID_VALID}). Missing values pass. Optional param
 * {@code where}: a Spark SQL condition choosing the rows whose ids are GB 11643 ids (other rows
 * pass, e.g. imported sources that carry their own patient ids).
 */
final class ResidentIdRule extends SqlPredicateRule {

  record Params(@JsonProperty("where") String where) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("resident_id_check_digit", ResidentIdRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, false,
        "{where: \"facility_id NOT LIKE '%:%'\"}");
    return new ResidentIdRule(rule, p == null ? null : p.where());
  }

  private final String where;

  private ResidentIdRule(RuleSpec spec, String where) {
    super(spec);
    this.where = where;
  }

  @Override
  String passSql(StructType schema) {
    String c = SqlText.ident(spec().column());
    String check = "(" + c + " IS NULL OR " + GovernFunctions.RESIDENT_ID_VALID + "(" + c + "))";
    return where == null ? check : "(NOT coalesce((" + where + "), false) OR " + check + ")";
  }

  @Override
  String reasonText() {
    // never the id itself: reasons are read by people who need not see it
    return spec().column() + " is not a valid GB 11643 resident id (length, digits or check digit)";
  }
}
