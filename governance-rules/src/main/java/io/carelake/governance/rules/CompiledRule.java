package io.carelake.governance.rules;

import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.spec.RuleSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * Adds the helper columns this rule's predicate reads that the raw slice lacks (a lookup in
   * another table, a per-patient-day window), before Deequ and the split read the slice, so both
   * evaluate the same columns in their one pass. Helper columns start with {@code __carelake_} and
   * never reach curated or quarantine. Default: none.
   */
  default Dataset<Row> prepare(Dataset<Row> slice, RuleContext ctx) {
    return slice;
  }

  /** True for rules that judge the slice against its history and never a single row. */
  default boolean datasetOnly() {
    return false;
  }
}
