package io.carelake.governance.rules;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructType;

/**
 * A rule ready to run: the same rule measured two ways, which must agree on every row.
 * <ul>
 *   <li>{@link #passes}: a row-level predicate, used to split rows into curated and quarantine;
 *   <li>{@link #datasetCheck}: the dataset-level metric Deequ computes, used for the rule's status.
 * </ul>
 */
public interface CompiledRule {

  RuleSpec spec();

  default String id() {
    return spec().id();
  }

  /** True when the row passes; never null (null inputs are decided by each rule type). */
  Column passes(StructType schema);

  /** Why a failing row failed, as text for {@code quarantine.*.reasons}; holds no identifiers. */
  Column reason(StructType schema);

  DatasetCheck datasetCheck(StructType schema);
}
