package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import org.apache.spark.sql.types.StructType;

/**
 * {@code icd10_exists}: each code's three-character category (its first three characters, e.g.
 * {@code E11} of {@code E11.9}) is one of the WHO ICD-10 2019 categories shipped in
 * {@code carelake/codes/icd10-who-2019-categories.txt}; for a list column every element must be.
 * Checked by the session function {@link GovernFunctions#ICD10_CATEGORY_KNOWN}. Missing values
 * pass. Params: none, or {@code {level: category}}.
 */
final class Icd10ExistsRule extends SqlPredicateRule {

  record Params(@JsonProperty("level") String level) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("icd10_exists", Icd10ExistsRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, false, "{level: category}");
    if (p != null && p.level() != null && !p.level().equals("category")) {
      throw rule.paramsError("params.level: only 'category' (three characters) is shipped");
    }
    if (rule.columns().size() != 1) {
      throw rule.error("icd10_exists reads exactly one column, got " + rule.columns());
    }
    return new Icd10ExistsRule(rule);
  }

  private Icd10ExistsRule(RuleSpec spec) {
    super(spec);
  }

  @Override
  String passSql(StructType schema) {
    String c = SqlText.ident(spec().column());
    String f = GovernFunctions.ICD10_CATEGORY_KNOWN;
    if (SqlText.isStringArray(schema, spec().column())) {
      return "(" + c + " IS NULL OR forall(" + c + ", x -> x IS NOT NULL AND " + f + "(x)))";
    }
    return "(" + c + " IS NULL OR " + f + "(CAST(" + c + " AS STRING)))";
  }

  @Override
  String reasonText() {
    return spec().column() + " holds a code whose category is not in WHO ICD-10 (2019)";
  }
}
