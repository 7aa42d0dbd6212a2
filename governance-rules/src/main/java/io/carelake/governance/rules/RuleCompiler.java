package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;

/** Turns one rule type's spec into a {@link CompiledRule}; one small implementation per type. */
public interface RuleCompiler {

  /** The name specs use in {@code type:}. */
  String type();

  /** Reads and validates the rule's params; throws with the params' line when they are wrong. */
  CompiledRule compile(RuleSpec rule) throws SpecException;

  /** What a rule type does with a spec: reads and checks the params and builds the rule. */
  @FunctionalInterface
  interface Build {
    CompiledRule build(RuleSpec rule) throws SpecException;
  }

  /** The compiler of the rule type {@code type}, which builds its rules with {@code build}. */
  static RuleCompiler of(String type, Build build) {
    return new RuleCompiler() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public CompiledRule compile(RuleSpec rule) throws SpecException {
        return build.build(rule);
      }
    };
  }
}
