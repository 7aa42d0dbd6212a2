package io.carelake.governance.rules;

import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;

/** Turns one rule type's spec into a {@link CompiledRule}; one small implementation per type. */
public interface RuleCompiler {

  /** The name specs use in {@code type:}. */
  String type();

  /** Reads and validates the rule's params; throws with the params' line when they are wrong. */
  CompiledRule compile(RuleSpec rule) throws SpecException;
}
