package io.carelake.features;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.CohortDefinition.Criterion;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The cohort of a definition as DataFrame stages: candidates and their target status, point-in-
 * time features of the eligible ones, and per outcome the prevalence exclusion, the label, the time
 * to event and censoring. Every row carries a {@link CohortStatus}; the job writes the kept ones.
 *
 * <p>Features of index instant t see a fact only when {@link Visibility} says so (by default it
 * happened before t and was available before t); windows are {@code [t - w days, t)}, so nothing
 * at the index instant itself is a feature. Sums are taken in decimals (exact, whatever the order
 * Spark adds them in) and finished in doubles, so the same inputs give byte-identical rows.
 */
final class CohortBuilder {

  static final String STATUS = "cohort_status";
  static final int AGE_TOP_CODE = 90;
  /** A vital's measurement (its number in the definition). */
  static final String MEASUREMENT = "_measurement";
  /** The nine sums of one measurement and window, in the order {@link PatientWindows} writes. */
  static final List<String> SUMS = List.of("n", "sy", "syy", "sx", "sxx", "sxy", "min", "max",
      "last");
  private static final long SECONDS_PER_DAY = 86_400L;

  private final CohortDefinition definition;
  private final Visibility visibility;

  CohortBuilder(CohortDefinition definition, Visibility visibility) {
    this.definition = definition;
    this.visibility = visibility;
  }

  private static String since(int days) {
    return "_since_" + days + "d";
  }

  /** Pairs with the window bounds every stage compares against (UTC midnights). */
  Dataset<Row> withBounds(Dataset<Row> pairs) {
    Dataset<Row> out = pairs;
    List<Integer> days = new ArrayList<>(definition.features().windowsDays());
    days.add(definition.target().lookbackDays());
    days.add(definition.target().minPriorObservationDays());
    for (int d : days.stream().distinct().toList()) {
      out = out.withColumn(since(d), date_sub(col(IndexDates.INDEX_DATE), d).cast("timestamp"));
    }
    return out;
  }

  // --- candidates, target, visit features ---------------------------------------------------------

  /**
   * Per candidate pair: visits in the target's lookback, the first visit known, the latest visit's
   * demographics, visit counts per window and type, history flags, and its target status (null
   * when eligible). {@code inner}: only pairs with a visit known at t are candidates (monthly
   * sampling), else every sampled pair is.
   */
  Dataset<Row> candidates(Dataset<Row> pairs, Dataset<Row> visits, boolean inner) {
    Dataset<Row> bounded = withBounds(pairs);
    Dataset<Row> joined = bounded.join(visits.withColumnRenamed(Facts.PATIENT, "_v_patient"),
        bounded.col(Facts.PATIENT).equalTo(col("_v_patient"))
            .and(visibility.visibleAt(bounded.col(IndexDates.INDEX_TS))), inner ? "inner" : "left");
    CohortDefinition.Target target = definition.target();
    CohortDefinition.Features f = definition.features();
    int longest = f.longestWindow();
    List<Column> aggs = new ArrayList<>();
    Column seen = col("_v_patient").isNotNull();
    aggs.add(count(when(seen.and(col("event_time").geq(col(since(target.lookbackDays())))), 1))
        .as("_lookback_visits"));
    aggs.add(min(col("event_time")).as("_first_visit_time"));
    aggs.add(max_by(struct(col("sex"), col("birth_year"), col("birth_year_band_years"),
            col("age_at_visit"), col("event_time").as("visit_time"), col("facility_id")),
        when(seen, struct(col("event_time"), col("event_key")))).as("_latest"));
    for (int w : f.windowsDays()) {
      aggs.add(count(when(seen.and(col("event_time").geq(col(since(w)))), 1)).cast("int")
          .as(FeatureNames.visits(w)));
    }
    for (String type : f.visitTypes()) {
      aggs.add(count(when(seen.and(col("event_time").geq(col(since(longest))))
          .and(col("visit_type").equalTo(type)), 1)).cast("int")
          .as(FeatureNames.visitsOfType(type, longest)));
    }
    for (CohortDefinition.HistoryFlag h : f.history()) {
      aggs.add(coalesce(max(when(seen.and(met(h.criterion())), 1)), lit(0)).cast("int")
          .as(h.name()));
    }
    Dataset<Row> grouped = joined.groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE),
            col(IndexDates.INDEX_TS))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    Column status = when(col("_lookback_visits").lt(target.minVisits()),
            lit(CohortStatus.NO_VISIT_IN_LOOKBACK.reason()))
        .when(col("_first_visit_time").isNull().or(col("_first_visit_time").gt(
            date_sub(col(IndexDates.INDEX_DATE), target.minPriorObservationDays())
                .cast("timestamp"))), lit(CohortStatus.SHORT_PRIOR_OBSERVATION.reason()));
    return demographics(grouped.withColumn(STATUS, status));
  }

  private static Column met(Criterion c) {
    if (c instanceof CohortDefinition.Diagnosis d) {
      return Phenotypes.diagnosed(d.codes());
    }
    if (c instanceof CohortDefinition.Prescription p) {
      return Phenotypes.prescribed(p.atcClasses());
    }
    throw new IllegalArgumentException("history flags are diagnoses or prescriptions, got " + c);
  }

  /**
   * Sex, age, age band, its generalisation flag and region from the latest visit known at t. Age
   * comes from the birth year (the middle of its band when k-anonymity widened it), else from the
   * age at that visit plus the years since; the band is 10 years wide, 90+ at the top. The flag is
   * true whenever the age is not exact to the year: a widened birth year, or an age that is a band's
   * lower bound (birth year withheld below the top code).
   */
  static Dataset<Row> demographics(Dataset<Row> grouped) {
    Column byear = col("_latest.birth_year");
    Column band = coalesce(col("_latest.birth_year_band_years"), lit(1));
    Column fromBirthYear = year(col(IndexDates.INDEX_DATE)).minus(byear)
        .minus(floor(band.minus(1).divide(2)));
    Column fromVisitAge = col("_latest.age_at_visit")
        .plus(year(col(IndexDates.INDEX_DATE)).minus(year(col("_latest.visit_time"))));
    // least() skips nulls: without the guard a visit whose age was suppressed would read as 90+
    Column raw = coalesce(fromBirthYear, fromVisitAge);
    Column age = when(raw.isNotNull(), least(raw, lit(AGE_TOP_CODE))).cast("int");
    Column ageBand = when(age.geq(AGE_TOP_CODE), lit(AGE_TOP_CODE + "+"))
        .when(age.isNotNull(), concat(floor(age.divide(10)).multiply(10).cast("string"), lit("-"),
            floor(age.divide(10)).multiply(10).plus(9).cast("string")));
    Column generalised = when(age.isNull(), lit(null).cast("boolean"))
        .when(byear.isNotNull(), band.gt(1))
        .otherwise(col("_latest.age_at_visit").lt(AGE_TOP_CODE));
    Column facility = col("_latest.facility_id");
    Column digits = regexp_extract(facility, "^[A-Za-z]*([0-9]{4})", 1);
    Column region = when(facility.isNull(), lit(null).cast("string"))
        .when(digits.equalTo(""), lit("other")).otherwise(digits);
    return grouped.withColumn("sex", col("_latest.sex"))
        .withColumn("age", age)
        .withColumn("age_band", ageBand)
        .withColumn("age_band_generalised", generalised)
        .withColumn("region", region)
        // no source says what kind of facility it is yet (clinic, hospital): reserved, null
        .withColumn("facility_type", lit(null).cast("string"))
        .drop("_latest");
  }

  // --- measurements -------------------------------------------------------------------------------

  /**
   * Window statistics of every measurement, per pair of {@code pairs} (pairs without a result in
   * reach: none; the caller's left join makes them count 0, missing 1).
   *
   * <p>One pass per patient instead of a join of facts to index dates: each patient's index dates
   * are gathered into one sorted array and attached to each of its facts (one row per fact, not
   * one per fact and index date); Spark evaluates, per fact and index date, the visibility rule
   * and the windows the fact falls in, as a bit mask ({@link PatientWindows#IN}: the rule is a
   * Spark expression, whatever rule the job was given); facts that feed nothing are dropped. The
   * facts are then grouped by patient (the join's partitioning already is: no further shuffle) and
   * {@link PatientWindows} adds each patient's facts into the exact sums of every (index date,
   * measurement, window) in Java longs. The sums are finished by {@link WindowStatistics} as
   * before, so the values are those of the join bit for bit.
   */
  Dataset<Row> measurements(Dataset<Row> pairs, Dataset<Row> vitals) {
    CohortDefinition.Features f = definition.features();
    List<CohortDefinition.Measurement> ms = f.measurements();
    List<Integer> windows = f.windowsDays();
    Dataset<Row> dates = pairs.groupBy(col(Facts.PATIENT).as("_d_patient"))
        .agg(array_sort(collect_set(col(IndexDates.INDEX_DATE))).as(PatientWindows.DATES))
        .withColumn(PatientWindows.INDEX_SECONDS, transform(col(PatientWindows.DATES),
            d -> unix_seconds(d.cast("timestamp"))));
    // per index date: 0 when the rule hides the fact, else bit w set when it is in window w
    Column in = transform(col(PatientWindows.DATES), d -> {
      Column bits = lit(0);
      for (int w = 0; w < windows.size(); w++) {
        bits = bits.plus(when(col("event_time").geq(date_sub(d, windows.get(w))
            .cast("timestamp")), lit(1 << w)).otherwise(lit(0)));
      }
      return when(visibility.visibleAt(d.cast("timestamp")), bits).otherwise(lit(0));
    });
    // values in units of 1e-4 and times in seconds, as whole numbers: every sum is exact, so the
    // statistics do not depend on the order facts are added in (nor does the audit's comparison
    // meet rounding); a value with more than four decimals is rounded to four
    Column units = org.apache.spark.sql.functions.round(col("value").multiply(WindowStatistics.VALUE_SCALE))
        .cast("decimal(18,0)").cast("long");
    Dataset<Row> facts = measured(vitals, ms)
        .join(dates, col(Facts.PATIENT).equalTo(col("_d_patient")))
        .select(col(Facts.PATIENT), col(PatientWindows.DATES), col(PatientWindows.INDEX_SECONDS),
            col(MEASUREMENT), expr("unix_micros(event_time)").as(PatientWindows.MICROS),
            col("event_key"), col("value"), units.as(PatientWindows.UNITS),
            unix_seconds(col("event_time")).as(PatientWindows.SECONDS), in.as(PatientWindows.IN))
        .where(exists(col(PatientWindows.IN), b -> b.gt(0)));
    PatientWindows perPatient = new PatientWindows(
        ms.stream().map(CohortDefinition.Measurement::name).toList(), windows);
    Dataset<Row> sums = facts.groupBy(col(Facts.PATIENT))
        .as(Encoders.STRING(), Encoders.row(facts.schema()))
        .flatMapGroups(perPatient, Encoders.row(perPatient.schema()));
    List<Column> out = new ArrayList<>(List.of(col(Facts.PATIENT), col(IndexDates.INDEX_DATE)));
    for (CohortDefinition.Measurement m : ms) {
      for (int w : windows) {
        out.addAll(WindowStatistics.statistics(m.name(), w));
      }
    }
    return sums.select(WindowStatistics.typed(ms, windows)).select(out.toArray(Column[]::new));
  }

  /**
   * Facts of the definition's measurements with the measurement's number ({@link #MEASUREMENT});
   * the rest (other codes, non-canonical units) can feed no statistic and are dropped. A LOINC code
   * belongs to one measurement at most (the definition loader refuses it twice).
   */
  static Dataset<Row> measured(Dataset<Row> vitals, List<CohortDefinition.Measurement> ms) {
    Column which = null;
    for (int i = 0; i < ms.size(); i++) {
      Column is = Facts.canonical(ms.get(i).loinc());
      which = which == null ? when(is, lit(i)) : which.when(is, lit(i));
    }
    return vitals.withColumn(MEASUREMENT, which).where(col(MEASUREMENT).isNotNull());
  }

  // --- outcomes -----------------------------------------------------------------------------------

  /**
   * Per eligible pair and outcome: prevalent (an event before t within the washout), the first
   * event in the time at risk, and the patient's observation end (the last record plus the
   * persistence window, at most the end of the data).
   */
  Dataset<Row> outcomes(SparkSession spark, Dataset<Row> eligible, Dataset<Row> events,
      Dataset<Row> lastRecords, LocalDate dataEnd) {
    CohortDefinition.TimeAtRisk tar = definition.timeAtRisk();
    Integer washout = definition.washout().priorOutcomeLookbackDays();
    Dataset<Row> pairs = eligible.select(Facts.PATIENT, IndexDates.INDEX_DATE, IndexDates.INDEX_TS)
        .crossJoin(broadcast(outcomeIds(spark)))
        .withColumn("_tar_start", date_add(col(IndexDates.INDEX_DATE), tar.startDays())
            .cast("timestamp"))
        .withColumn("_tar_end", date_add(col(IndexDates.INDEX_DATE), tar.endDays())
            .cast("timestamp"));
    Column before = col("_e_time").lt(col(IndexDates.INDEX_TS));
    if (washout != null) {
      before = before.and(col("_e_time").geq(date_sub(col(IndexDates.INDEX_DATE), washout)
          .cast("timestamp")));
    }
    Column inTar = col("_e_time").geq(col("_tar_start")).and(col("_e_time").lt(col("_tar_end")));
    Dataset<Row> e = events.select(col(Facts.PATIENT).as("_e_patient"),
        col(Phenotypes.OUTCOME).as("_e_outcome"), col("event_time").as("_e_time"));
    Dataset<Row> judged = pairs.join(e, pairs.col(Facts.PATIENT).equalTo(col("_e_patient"))
            .and(pairs.col(Phenotypes.OUTCOME).equalTo(col("_e_outcome"))), "left")
        .groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE), col(IndexDates.INDEX_TS),
            col(Phenotypes.OUTCOME), col("_tar_start"), col("_tar_end"))
        .agg(coalesce(max(when(before, true)), lit(false)).as("_prevalent"),
            min(when(inTar, col("_e_time"))).as("_outcome_time"));
    Dataset<Row> withEnd = judged.join(lastRecords, Facts.PATIENT);
    Column dataEndTs = lit(Date.valueOf(dataEnd)).cast("timestamp");
    Column observationEnd = least(
        date_add(to_date(col("_last_record")), definition.target().observationPersistenceDays() + 1)
            .cast("timestamp"), dataEndTs);
    Column observedDays = floor(unix_seconds(observationEnd).minus(unix_seconds(col("_tar_start")))
        .divide(SECONDS_PER_DAY)).cast("int");
    Column status = when(col("_prevalent"), lit(CohortStatus.PREVALENT.reason()))
        .when(col("_tar_end").gt(dataEndTs), lit(CohortStatus.TIME_AT_RISK_BEYOND_DATA.reason()))
        .when(col("_outcome_time").isNotNull(), lit(CohortStatus.KEPT.reason()))
        .when(observationEnd.geq(col("_tar_end")), lit(CohortStatus.KEPT.reason()))
        .when(observedDays.geq(tar.minDays()), lit(CohortStatus.KEPT.reason()))
        .otherwise(lit(CohortStatus.CENSORED_BEFORE_MIN_TIME_AT_RISK.reason()));
    Column timeToEvent = floor(unix_seconds(col("_outcome_time"))
        .minus(unix_seconds(col(IndexDates.INDEX_TS))).divide(SECONDS_PER_DAY)).cast("int");
    Column censored = col("_outcome_time").isNull().and(observationEnd.lt(col("_tar_end")));
    return withEnd.select(col(Facts.PATIENT), col(IndexDates.INDEX_DATE), col(Phenotypes.OUTCOME),
        status.as(STATUS),
        when(col("_outcome_time").isNotNull(), 1).otherwise(0).as("label"),
        timeToEvent.as("time_to_event_days"),
        censored.as("censored"),
        when(col("_outcome_time").isNotNull(), timeToEvent.minus(tar.startDays()))
            .otherwise(least(observedDays, lit(tar.lengthDays()))).as("time_at_risk_days"),
        to_date(observationEnd).as("observation_end_date"));
  }

  /**
   * What {@link #classify} gives: every candidate and outcome's status, the kept rows, and the
   * intermediate frames it persisted (both results read them), to unpersist when done.
   */
  record Classified(Dataset<Row> statuses, Dataset<Row> rows, List<Dataset<Row>> persisted) {

    void release() {
      persisted.forEach(Dataset::unpersist);
    }
  }

  /**
   * The whole cohort: {@code statuses} (patient, index date, outcome, status) for every candidate
   * and outcome, {@code rows} the kept ones with labels, demographics and features in table order
   * (without the run's provenance columns).
   */
  Classified classify(SparkSession spark, Dataset<Row> candidates, Dataset<Row> visits,
      Dataset<Row> vitals, Dataset<Row> events, LocalDate dataEnd) {
    Dataset<Row> eligible = candidates.where(col(STATUS).isNull());
    Dataset<Row> judged = outcomes(spark, eligible, events, lastRecords(visits, vitals), dataEnd)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> excluded = candidates.where(col(STATUS).isNotNull())
        .crossJoin(broadcast(outcomeIds(spark)))
        .select(Facts.PATIENT, IndexDates.INDEX_DATE, Phenotypes.OUTCOME, STATUS);
    Dataset<Row> statuses = excluded.unionByName(
        judged.select(Facts.PATIENT, IndexDates.INDEX_DATE, Phenotypes.OUTCOME, STATUS));

    // features only where a row is written: a pair kept for at least one outcome (a prevalent
    // pair's statistics would be computed and dropped)
    Dataset<Row> kept = judged.where(col(STATUS).equalTo(CohortStatus.KEPT.reason()));
    Dataset<Row> measured = measurements(kept, vitals).persist(StorageLevel.MEMORY_AND_DISK());
    String[] key = {Facts.PATIENT, IndexDates.INDEX_DATE};
    Dataset<Row> rows = kept.join(eligible, key).join(measured, key, "left");
    List<Column> out = new ArrayList<>();
    for (String c : List.of(Facts.PATIENT, IndexDates.INDEX_DATE, Phenotypes.OUTCOME, "label",
        "time_to_event_days", "censored", "time_at_risk_days", "observation_end_date", "sex",
        "age", "age_band", "age_band_generalised", "region", "facility_type")) {
      out.add(col(c));
    }
    CohortDefinition.Features f = definition.features();
    FeatureNames.visitColumns(f).forEach(c -> out.add(col(c)));
    FeatureNames.historyColumns(f).forEach(c -> out.add(col(c)));
    for (String c : FeatureNames.measurementColumns(f)) {
      // a pair without any result in reach has no measured row: count 0, missing 1
      out.add(c.contains("_count_") ? coalesce(col(c), lit(0)).as(c)
          : c.contains("_missing_") ? coalesce(col(c), lit(1)).as(c) : col(c));
    }
    return new Classified(statuses, rows.select(out.toArray(Column[]::new)),
        List.of(judged, measured));
  }

  private Dataset<Row> outcomeIds(SparkSession spark) {
    List<Row> rows = definition.outcomes().stream()
        .map(o -> org.apache.spark.sql.RowFactory.create(o.id())).toList();
    return spark.createDataFrame(rows,
        new StructType().add(Phenotypes.OUTCOME, DataTypes.StringType, false));
  }

  /** The last record of every patient (hindsight: it bounds follow-up, it feeds no feature). */
  static Dataset<Row> lastRecords(Dataset<Row> visits, Dataset<Row> vitals) {
    return visits.select(Facts.PATIENT, "event_time")
        .unionByName(vitals.select(Facts.PATIENT, "event_time"))
        .groupBy(Facts.PATIENT).agg(max("event_time").as("_last_record"));
  }
}
