package io.carelake.core.tables;

import java.util.List;

/**
 * Every table carelake reads or writes, named once. Names are {@code namespace.table} inside the
 * catalog named by {@code catalog.name} (default {@code carelake}); engines address them as
 * {@code carelake.raw.visits}.
 */
public final class Tables {

  // raw: what ingestion landed, exactly once, plus what it could not land
  public static final TableName RAW_VISITS = TableName.of("raw", "visits");
  public static final TableName RAW_VITALS = TableName.of("raw", "vitals");
  public static final TableName RAW_DEAD_LETTERS = TableName.of("raw", "dead_letters");

  // curated / quarantine: the governed split of raw (raw = curated + quarantine, per run)
  public static final TableName CURATED_VISITS = TableName.of("curated", "visits");
  public static final TableName CURATED_VITALS = TableName.of("curated", "vitals");
  public static final TableName QUARANTINE_VISITS = TableName.of("quarantine", "visits");
  public static final TableName QUARANTINE_VITALS = TableName.of("quarantine", "vitals");

  // safe: de-identified, the only tables that may leave the trust domain
  public static final TableName SAFE_VISITS = TableName.of("safe", "visits");
  public static final TableName SAFE_VITALS = TableName.of("safe", "vitals");

  // governance: the ledger, check results, metric history, privacy results
  public static final TableName GOVERNANCE_RUNS = TableName.of("governance", "runs");
  public static final TableName GOVERNANCE_CHECK_RESULTS = TableName.of("governance", "check_results");
  public static final TableName GOVERNANCE_METRICS = TableName.of("governance", "metrics");
  public static final TableName GOVERNANCE_PRIVACY_RESULTS = TableName.of("governance", "privacy_results");
  /** Pseudonymisation key ids and their fingerprints (never the keys), written by deidentify. */
  public static final TableName GOVERNANCE_PSEUDONYM_KEYS = TableName.of("governance", "pseudonym_keys");

  // features, datasets, models, evaluation
  public static final TableName FEATURES_CHRONIC_RISK = TableName.of("features", "chronic_risk");
  /** Per index date and outcome, how many candidates each cohort step set aside and why. */
  public static final TableName FEATURES_CHRONIC_RISK_ATTRITION =
      TableName.of("features", "chronic_risk_attrition");
  public static final TableName DATASETS_CORPUS = TableName.of("datasets", "visit_notes_corpus");
  public static final TableName DATASETS_RISK = TableName.of("datasets", "chronic_risk");
  /** One row per risk dataset: its interval, split, counts, snapshot and artefacts. */
  public static final TableName DATASETS_RISK_REGISTRY =
      TableName.of("datasets", "chronic_risk_datasets");
  public static final TableName MODELS_ITERATIONS = TableName.of("models", "iterations");
  public static final TableName MODELS_PREDICTIONS = TableName.of("models", "predictions");
  public static final TableName EVALUATION_RESULTS = TableName.of("evaluation", "results");
  public static final TableName EVALUATION_CURVES = TableName.of("evaluation", "curves");
  public static final TableName EVALUATION_SUBGROUP_GAPS = TableName.of("evaluation", "subgroup_gaps");
  public static final TableName EVALUATION_COMPARISONS = TableName.of("evaluation", "comparisons");
  public static final TableName EVALUATION_GATE_DECISIONS = TableName.of("evaluation", "gate_decisions");
  public static final TableName MODELS_REGISTRY = TableName.of("models", "registry");
  public static final TableName EVALUATION_LM_RESULTS = TableName.of("evaluation", "lm_results");
  public static final TableName EVALUATION_LM_COMPARISONS = TableName.of("evaluation", "lm_comparisons");
  /** Contamination flags of evaluation items, written by the corpus job (issue 16), read by evaluate-lm. */
  public static final TableName DATASETS_ITEM_CONTAMINATION = TableName.of("datasets", "item_contamination");

  /** Every table, in pipeline order; the report and the tests walk this list. */
  public static final List<TableName> ALL = List.of(
      RAW_VISITS, RAW_VITALS, RAW_DEAD_LETTERS,
      CURATED_VISITS, CURATED_VITALS, QUARANTINE_VISITS, QUARANTINE_VITALS,
      SAFE_VISITS, SAFE_VITALS,
      GOVERNANCE_RUNS, GOVERNANCE_CHECK_RESULTS, GOVERNANCE_METRICS, GOVERNANCE_PRIVACY_RESULTS,
      GOVERNANCE_PSEUDONYM_KEYS,
      FEATURES_CHRONIC_RISK, FEATURES_CHRONIC_RISK_ATTRITION, DATASETS_CORPUS, DATASETS_RISK,
      DATASETS_RISK_REGISTRY,
      MODELS_ITERATIONS, MODELS_PREDICTIONS, EVALUATION_RESULTS,
      EVALUATION_CURVES, EVALUATION_SUBGROUP_GAPS, EVALUATION_COMPARISONS,
      EVALUATION_GATE_DECISIONS, MODELS_REGISTRY, EVALUATION_LM_RESULTS,
      EVALUATION_LM_COMPARISONS, DATASETS_ITEM_CONTAMINATION);

  private Tables() {}
}
