package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * The patient-level train/test split: a patient's bucket is {@code pmod(xxhash64(patient_pseudonym),
 * 100)} and buckets below {@link #TEST_PERCENT} are test. All rows of a patient land in one split, and
 * the same patient stays in the same split in every interval and every iteration, so that iterations
 * are compared on the same test patients.
 *
 * <p>The split takes no seed on purpose: a seed would move patients between splits and let a later
 * iteration train on an earlier iteration's test patients. Spark's {@code xxhash64} (seed 42) is stable
 * across Spark versions, and any engine can recompute it from the rule in {@link #RULE}.
 */
final class PatientSplit {

  static final String COLUMN = "split";
  static final String TRAIN = "train";
  static final String TEST = "test";
  static final int TEST_PERCENT = 20;
  static final String RULE = "pmod(xxhash64(patient_pseudonym), 100) < " + TEST_PERCENT + " -> test";

  private PatientSplit() {}

  static Column bucket() {
    return pmod(xxhash64(col("patient_pseudonym")), lit(100));
  }

  /** {@code "test"} or {@code "train"}. */
  static Column split() {
    return when(bucket().lt(TEST_PERCENT), lit(TEST)).otherwise(lit(TRAIN));
  }
}
