package io.carelake.governance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a golden test that gives the named rule types rows that fail them and checks the verdict
 * (status, numerator, denominator) and each failing row's quarantine reason against values
 * derived by hand. {@link TestEveryRuleIsMadeToFail} requires one for every registered type.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface MakesRuleFail {

  /** The rule types ({@code type:} in a spec) the test makes fail. */
  String[] value();
}
