package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import org.apache.spark.sql.types.StructType;

/**
 * {@code resident_id_check_digit}: the value is an 18-character GB 11643 resident id whose ISO
 * 7064 MOD 11-2 check character is right, computed by core's {@code ResidentIds} inside a Spark
 * UDF ({@link GovernFunctions#RESIDENT_ID_VALID}). Missing values pass. No params.
 */
final class ResidentIdRule extends SqlPredicateRule {

  static final RuleCompiler COMPILER = new RuleCompiler() {
    @Override
    public String type() {
      return "resident_id_check_digit";
    }

    @Override
    public CompiledRule compile(RuleSpec rule) {
      return new ResidentIdRule(rule);
    }
  };

  private ResidentIdRule(RuleSpec spec) {
    super(spec);
  }

  @Override
  String passSql(StructType schema) {
    String c = SqlText.ident(spec().column());
    return "(" + c + " IS NULL OR " + GovernFunctions.RESIDENT_ID_VALID + "(" + c + "))";
  }

  @Override
  String reasonText() {
    // never the id itself: reasons are read by people who need not see it
    return spec().column() + " is not a valid GB 11643 resident id (length, digits or check digit)";
  }
}
