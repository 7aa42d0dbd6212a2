package io.carelake.features;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.carelake.core.events.Codes;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Chronic-disease risk features and labels, as DataFrame transformations.
 *
 * <p>Two clocks. With {@link Clock#EVENT} (the default) a feature at index date {@code t} uses
 * events with {@code event_time < t}: the point-in-time join of training-set builders, right for
 * history loaded after the fact (a backfill is ingested long after its events happened). With
 * {@link Clock#BITEMPORAL} it also requires {@code ingest_time < t}: what carelake itself knew at
 * {@code t}, so that a lab drawn before {@code t} but reported after it does not leak into a model
 * meant to run live. Labels and the prevalence exclusion are outcomes judged in hindsight, so they
 * use {@code event_time} alone: a diagnosis made before {@code t} but ingested later still makes
 * the patient prevalent, not a "new" case.
 */
final class ChronicRiskFeatures {

  static final String PATIENT = "patient_pseudonym";
  static final String STATUS = "cohort_status";
  /** Visits counted by {@code n_visits_365d}; fixed by the table contract. */
  static final int VISIT_WINDOW_DAYS = 365;
  /** Ages are top-coded as in safe.visits (90+ becomes 90). */
  static final int AGE_TOP_CODE = 90;

  /** Which clocks decide that an event was known at an index date. */
  enum Clock {
    /** {@code event_time < t} */
    EVENT,
    /** {@code event_time < t AND ingest_time < t} */
    BITEMPORAL
  }

  private final int lookbackDays;
  private final int horizonDays;
  private final Clock clock;

  ChronicRiskFeatures(int lookbackDays, int horizonDays) {
    this(lookbackDays, horizonDays, Clock.BITEMPORAL);
  }

  ChronicRiskFeatures(int lookbackDays, int horizonDays, Clock clock) {
    if (lookbackDays <= 0 || horizonDays <= 0) {
      throw new IllegalArgumentException("--lookback-days (" + lookbackDays + ") and --horizon-days ("
          + horizonDays + ") must be positive");
    }
    this.lookbackDays = lookbackDays;
    this.horizonDays = horizonDays;
    this.clock = clock;
  }

  /** True when a visit's diagnoses hold an I10 or E11.x code (case and blanks ignored). */
  static Column hasChronicDiagnosis() {
    return expr("exists(coalesce(diagnoses, array()), d -> upper(trim(d)) like '"
        + Codes.ICD10_HYPERTENSION + "%' or upper(trim(d)) like '" + Codes.ICD10_T2DM_PREFIX + "%')");
  }

  /** Per patient, the event time of the first ever I10/E11 diagnosis in safe.visits. */
  static Dataset<Row> firstDiagnosis(Dataset<Row> visits) {
    return visits.filter(hasChronicDiagnosis())
        .groupBy(PATIENT)
        .agg(min("event_time").as("first_dx_time"));
  }

  /** Index dates with the instants that bound each window (UTC midnights). */
  Dataset<Row> windows(Dataset<Row> indexDates) {
    return indexDates
        .withColumn("index_ts", col("index_date").cast("timestamp"))
        .withColumn("lookback_ts", date_sub(col("index_date"), lookbackDays).cast("timestamp"))
        .withColumn("visit_window_ts",
            date_sub(col("index_date"), VISIT_WINDOW_DAYS).cast("timestamp"))
        .withColumn("horizon_end_ts", date_add(col("index_date"), horizonDays).cast("timestamp"));
  }

  /** Visible at the index date by both clocks. */
  private Column knownBefore(String indexTs) {
    Column happened = col("event_time").lt(col(indexTs));
    return clock == Clock.EVENT ? happened : happened.and(col("ingest_time").lt(col(indexTs)));
  }

  /**
   * Candidates: every (patient, index date) where the patient has at least one visit known at the
   * index date, with demographics from the latest such visit and the visit count of the last year.
   */
  Dataset<Row> candidates(Dataset<Row> visits, Dataset<Row> windows) {
    Column latestFirst = struct(col("event_time"), col("ingest_time"), col("event_key"));
    Dataset<Row> joined = visits.join(broadcast(windows), knownBefore("index_ts"));
    Dataset<Row> perPair = joined.groupBy(col(PATIENT), col("index_date"), col("index_ts"),
            col("horizon_end_ts"))
        .agg(max_by(struct(col("sex"), col("birth_year"), col("age_at_visit"),
                col("event_time").as("visit_time")), latestFirst).as("latest"),
            count(when(col("event_time").geq(col("visit_window_ts")), true)).as("n_visits"));
    // Age from birth year; where a birth year is missing, age at the latest visit plus the years since.
    Column fromBirthYear = year(col("index_date")).minus(col("latest.birth_year"));
    Column fromVisitAge = col("latest.age_at_visit")
        .plus(year(col("index_date")).minus(year(col("latest.visit_time"))));
    return perPair.select(col(PATIENT), col("index_date"), col("index_ts"), col("horizon_end_ts"),
        least(coalesce(fromBirthYear, fromVisitAge), lit(AGE_TOP_CODE)).cast("int").as("age"),
        col("latest.sex").as("sex"),
        col("n_visits").cast("int").as("n_visits_365d"));
  }

  /** Vital-sign aggregates over the lookback window, per (patient, index date) with any vital. */
  Dataset<Row> vitalFeatures(Dataset<Row> vitals, Dataset<Row> windows) {
    Dataset<Row> inWindow = vitals.join(broadcast(windows),
        knownBefore("index_ts").and(col("event_time").geq(col("lookback_ts"))));
    return inWindow.groupBy(col(PATIENT), col("index_date"))
        .agg(avg(valueOf(Codes.LOINC_SYSTOLIC_BP)).as("sbp_mean_180d"),
            max(valueOf(Codes.LOINC_SYSTOLIC_BP)).as("sbp_max_180d"),
            avg(valueOf(Codes.LOINC_DIASTOLIC_BP)).as("dbp_mean_180d"),
            avg(valueOf(Codes.LOINC_GLUCOSE)).as("glucose_mean_180d"),
            lastValueOf(Codes.LOINC_HBA1C).as("hba1c_last"),
            lastValueOf(Codes.LOINC_BMI).as("bmi_last"),
            count(lit(1)).cast("int").as("n_vitals_180d"));
  }

  private static Column valueOf(String loinc) {
    return when(col("code").equalTo(loinc), col("value").cast("double"));
  }

  /** The latest value of one code by event time (ties: later ingest, then event key). */
  private static Column lastValueOf(String loinc) {
    Column order = when(col("code").equalTo(loinc),
        struct(col("event_time"), col("ingest_time"), col("event_key")));
    // max_by skips rows whose ordering is null, i.e. rows of other codes.
    return max_by(valueOf(loinc), order);
  }

  /**
   * Every candidate with its features, label and {@link #STATUS}. {@code lastEventDay} is the last
   * event day present in safe.visits (null when it is empty): a label horizon must end on or before
   * it to be complete.
   */
  Dataset<Row> classified(Dataset<Row> visits, Dataset<Row> vitals, Dataset<Row> indexDates,
      LocalDate lastEventDay, String runId) {
    Dataset<Row> windows = windows(indexDates);
    Dataset<Row> rows = candidates(visits, windows)
        .join(vitalFeatures(vitals, windows), new String[] {PATIENT, "index_date"}, "left")
        .join(firstDiagnosis(visits), new String[] {PATIENT}, "left");
    // The horizon [index, index + h) is complete when its last day, index + h - 1, is <= lastEventDay.
    Column horizonIncomplete = lastEventDay == null
        ? lit(true)
        : date_add(col("index_date"), horizonDays).gt(lit(Date.valueOf(lastEventDay.plusDays(1))));
    Column status = when(col("first_dx_time").lt(col("index_ts")),
            lit(CohortStatus.PREVALENT.countName()))
        .when(horizonIncomplete, lit(CohortStatus.HORIZON_INCOMPLETE.countName()))
        .otherwise(lit(CohortStatus.KEPT.countName()));
    // Not prevalent, so a first diagnosis before the horizon's end is a new one inside it.
    Column label = when(col("first_dx_time").lt(col("horizon_end_ts")), 1).otherwise(0);
    return rows.select(col(PATIENT), col("index_date"), col("age"), col("sex"),
        col("sbp_mean_180d"), col("sbp_max_180d"), col("dbp_mean_180d"), col("glucose_mean_180d"),
        col("hba1c_last"), col("bmi_last"),
        coalesce(col("n_vitals_180d"), lit(0)).cast("int").as("n_vitals_180d"),
        col("n_visits_365d"),
        label.cast("int").as("label"),
        lit(horizonDays).cast("int").as("horizon_days"),
        lit(runId).as("features_run_id"),
        status.as(STATUS));
  }

  /** The columns of {@code features.chronic_risk}, in contract order. */
  static Dataset<Row> tableColumns(Dataset<Row> classified) {
    return classified.filter(col(STATUS).equalTo(CohortStatus.KEPT.countName())).drop(STATUS);
  }
}
