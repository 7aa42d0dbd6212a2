package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Spec;
import io.carelake.governance.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of rule types, one small compiler each, as Deequ's declarative rule path keeps
 * them. Adding a type is adding a compiler here; a spec naming an unknown type is rejected by the
 * loader with the list of these names.
 */
public final class RuleCompilers {

  private static final Map<String, RuleCompiler> BY_TYPE = new LinkedHashMap<>();

  static {
    for (RuleCompiler c : List.of(CompletenessRule.COMPILER, AllowedValuesRule.COMPILER,
        PatternRule.REGEX, PatternRule.ICD10_FORMAT, ResidentIdRule.COMPILER,
        RangeByCodeRule.COMPILER, CanonicalUnitRule.COMPILER, UniqueRule.COMPILER,
        CrossFieldRule.COMPILER, ReferentialIntegrityRule.COMPILER, TimelinessRule.COMPILER,
        DistributionHistoryRule.COMPILER, BmiConsistentRule.COMPILER, Icd10ExistsRule.COMPILER)) {
      BY_TYPE.put(c.type(), c);
    }
  }

  private RuleCompilers() {}

  public static Set<String> types() {
    return BY_TYPE.keySet();
  }

  public static CompiledRule compile(RuleSpec rule) throws SpecException {
    RuleCompiler compiler = BY_TYPE.get(rule.type());
    if (compiler == null) {
      throw rule.error("unknown rule type '" + rule.type() + "'; use one of " + types());
    }
    return compiler.compile(rule);
  }

  public static CompiledSpec compile(Spec spec) throws SpecException {
    List<CompiledRule> rules = new ArrayList<>();
    for (RuleSpec r : spec.rules()) {
      rules.add(compile(r));
    }
    return new CompiledSpec(spec, rules);
  }
}
