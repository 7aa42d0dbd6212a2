package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The temporal, patient-disjoint split of a risk dataset: a patient is a test patient when
 * {@code pmod(xxhash64(salt, pseudonym without its key id), 1,000,000) < fraction x 1,000,000};
 * test rows are test patients' rows with an index date on or after T0, train rows the other
 * patients' rows before T0. No patient is on both sides, and no training row comes from after any
 * test row's index date. The rows in between (test patients before T0, train patients from T0 on)
 * are set aside and counted.
 *
 * <p>The hash reads the part of the pseudonym after {@code <key id>:}, so renaming a key id does
 * not reshuffle the split. (Rotating the key itself gives every patient a new pseudonym: a new
 * split, as it must be, since nothing may link the two.) The salt is a parameter, recorded with the
 * dataset, so that a study can draw another split on purpose.
 *
 * @param testFrom T0, the first index date of the test side
 * @param testFraction the share of patients drawn to the test side
 */
record TemporalSplit(LocalDate testFrom, double testFraction, String salt) {

  static final String COLUMN = "split";
  static final String TRAIN = "train";
  static final String TEST = "test";
  static final String TRAIN_PATIENT_FROM_T0 = "train_patient_on_or_after_test_from";
  static final String TEST_PATIENT_BEFORE_T0 = "test_patient_before_test_from";
  static final double TEST_FRACTION_DEFAULT = 0.3;
  static final String SALT_DEFAULT = "carelake-risk-split-1";
  private static final int BUCKETS = 1_000_000;

  TemporalSplit {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("--test-patients must be a fraction strictly between 0"
          + " and 1, got " + testFraction);
    }
  }

  /**
   * T0 when none is given: the first of the latest third (rounded up) of the distinct index dates,
   * so that test covers the most recent index dates and train the earlier ones.
   */
  static LocalDate defaultTestFrom(List<LocalDate> sortedIndexDates) {
    if (sortedIndexDates.size() < 2) {
      throw new IllegalArgumentException("a temporal split needs at least two index dates, the"
          + " interval has " + sortedIndexDates.size() + " " + sortedIndexDates + "; widen it");
    }
    int test = (sortedIndexDates.size() + 2) / 3;
    return sortedIndexDates.get(sortedIndexDates.size() - test);
  }

  /** The pseudonym without its {@code <key id>:} prefix. */
  static Column keyless(Column pseudonym) {
    return regexp_extract(pseudonym, "^(?:[^:]*:)?(.*)$", 1);
  }

  Column testPatient() {
    return pmod(xxhash64(lit(salt), keyless(col("patient_pseudonym"))), lit(BUCKETS))
        .lt(Math.round(testFraction * BUCKETS));
  }

  /** {@code train}, {@code test}, or one of the two set-aside reasons. */
  Column side() {
    Column late = col("index_date").geq(lit(Date.valueOf(testFrom)));
    return when(testPatient(), when(late, lit(TEST)).otherwise(lit(TEST_PATIENT_BEFORE_T0)))
        .otherwise(when(late, lit(TRAIN_PATIENT_FROM_T0)).otherwise(lit(TRAIN)));
  }

  /** The rule as recorded with the dataset. */
  String rule() {
    return "test: pmod(xxhash64('" + salt + "', pseudonym without key id), " + BUCKETS + ") < "
        + Math.round(testFraction * BUCKETS) + " and index_date >= " + testFrom
        + "; train: the other patients with index_date < " + testFrom;
  }
}
