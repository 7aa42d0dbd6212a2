package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.sql.types.StructType;

/**
 * {@code regex} and {@code icd10_format}: the text matches a Java regular expression; for a list
 * column (diagnoses) every element must match. Missing values pass. Params for {@code regex}:
 * {@code {pattern: "^[A-Z]{2}$"}}; {@code icd10_format} takes none (an optional pattern
 * overrides the built-in one).
 */
final class PatternRule extends SqlPredicateRule {

  /**
   * An ICD-10 code: a letter, two digits, optionally a dot and up to eight more characters, which
   * admits WHO codes (I10, E11.9) and the Chinese clinical extension (E11.900x001).
   */
  static final String ICD10 = "^[A-Z][0-9]{2}(\\.[0-9A-Za-z]{1,8})?$";

  record Params(@JsonProperty("pattern") String pattern) {}

  static final RuleCompiler REGEX = new Compiler("regex", true);
  static final RuleCompiler ICD10_FORMAT = new Compiler("icd10_format", false);

  private static final class Compiler implements RuleCompiler {
    private final String type;
    private final boolean patternRequired;

    Compiler(String type, boolean patternRequired) {
      this.type = type;
      this.patternRequired = patternRequired;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public CompiledRule compile(RuleSpec rule) throws SpecException {
      Params p = RuleParams.read(rule, Params.class, patternRequired, "{pattern: \"^[A-Z]+$\"}");
      String pattern = p == null || p.pattern() == null ? null : p.pattern();
      if (pattern == null) {
        if (patternRequired) {
          throw rule.paramsError("params.pattern is required for type regex");
        }
        pattern = ICD10;
      }
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw rule.paramsError("params.pattern is not a valid Java regular expression: "
            + e.getDescription() + " near index " + e.getIndex());
      }
      if (rule.columns().size() != 1) {
        throw rule.error(type + " reads exactly one column, got " + rule.columns());
      }
      return new PatternRule(rule, pattern);
    }
  }

  private final String pattern;

  private PatternRule(RuleSpec spec, String pattern) {
    super(spec);
    this.pattern = pattern;
  }

  @Override
  String passSql(StructType schema) {
    String c = SqlText.ident(spec().column());
    String p = SqlText.string(pattern);
    if (SqlText.isStringArray(schema, spec().column())) {
      return "(" + c + " IS NULL OR forall(" + c + ", x -> x IS NOT NULL AND x RLIKE " + p + "))";
    }
    return "(" + c + " IS NULL OR CAST(" + c + " AS STRING) RLIKE " + p + ")";
  }

  @Override
  String reasonText() {
    return spec().column() + " does not match " + pattern;
  }
}
