package io.carelake.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
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
  /** A vital's measurement (its number in the definition) and its rank in its patient's order. */
  static final String MEASUREMENT = "_measurement";
  static final String RANK = "_rank";
  private static final long SECONDS_PER_DAY = 86_400L;
  private static final double SLOPE_PER = 30 * SECONDS_PER_DAY;
  /** Values are summed in units of 1e-4 (see {@link #measurements}). */
  private static final double VALUE_SCALE = 10_000.0;

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
   * Window statistics of every measurement, per eligible pair (pairs without a result: none).
   *
   * <p>Shaped for speed, with the same sums: facts of no measurement are dropped before the join;
   * each fact carries its measurement's number and its rank in the patient's time order, so that
   * the join of facts to their index dates is grouped by (pair, measurement) with one window's nine
   * sums each (a hash aggregation: every buffer is a number, "last" is the value of the highest
   * rank), and only then turned into one row per pair, a measurement's columns beside another's.
   */
  Dataset<Row> measurements(Dataset<Row> eligible, Dataset<Row> vitals) {
    CohortDefinition.Features f = definition.features();
    int longest = f.longestWindow();
    List<CohortDefinition.Measurement> ms = f.measurements();
    Dataset<Row> bounded = withBounds(eligible.select(Facts.PATIENT, IndexDates.INDEX_DATE,
        IndexDates.INDEX_TS));
    Dataset<Row> facts = ranked(measured(vitals, ms));
    Dataset<Row> joined = bounded.join(facts.withColumnRenamed(Facts.PATIENT, "_v_patient"),
        bounded.col(Facts.PATIENT).equalTo(col("_v_patient"))
            .and(visibility.visibleAt(bounded.col(IndexDates.INDEX_TS)))
            .and(col("event_time").geq(bounded.col(since(longest)))));
    // values in units of 1e-4 and times in seconds, as whole decimals: every sum below is exact,
    // so the statistics do not depend on the order Spark adds rows in (nor does the audit's
    // comparison meet rounding); a value with more than four decimals is rounded to four
    Column value = org.apache.spark.sql.functions.round(col("value").multiply(VALUE_SCALE))
        .cast("decimal(18,0)");
    Column x = unix_seconds(col("event_time")).minus(unix_seconds(col(IndexDates.INDEX_TS)))
        .cast("decimal(12,0)");
    List<Column> aggs = new ArrayList<>();
    for (int w : f.windowsDays()) {
      Column in = col("event_time").geq(col(since(w)));
      String p = "_" + w + "_";
      aggs.add(count(when(in, 1)).as(p + "n"));
      aggs.add(sum(when(in, value)).as(p + "sy"));
      aggs.add(sum(when(in, value.multiply(value))).as(p + "syy"));
      aggs.add(sum(when(in, x)).as(p + "sx"));
      aggs.add(sum(when(in, x.multiply(x))).as(p + "sxx"));
      aggs.add(sum(when(in, x.multiply(value))).as(p + "sxy"));
      aggs.add(min(when(in, col("value"))).as(p + "min"));
      aggs.add(max(when(in, col("value"))).as(p + "max"));
      // the latest by (event_time, event_key): the highest rank; max_by skips null orderings
      aggs.add(max_by(col("value"), when(in, col(RANK))).as(p + "last"));
    }
    Dataset<Row> perMeasurement = joined.groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE),
            col(MEASUREMENT))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    // one row per pair: each measurement's sums under its own names (a pair's row of a
    // measurement is its only one: max picks it out of the other measurements' nulls)
    List<Column> wide = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      for (int w : f.windowsDays()) {
        for (String s : List.of("n", "sy", "syy", "sx", "sxx", "sxy", "min", "max", "last")) {
          String c = "_" + w + "_" + s;
          Column v = max(when(col(MEASUREMENT).equalTo(i), col(c)));
          // a pair with results of other measurements only has none of this one: count 0
          wide.add((s.equals("n") ? coalesce(v, lit(0L)) : v).as("_" + ms.get(i).name() + c));
        }
      }
    }
    Dataset<Row> sums = perMeasurement.groupBy(col(Facts.PATIENT), col(IndexDates.INDEX_DATE))
        .agg(wide.get(0), wide.subList(1, wide.size()).toArray(Column[]::new));
    List<Column> out = new ArrayList<>(List.of(col(Facts.PATIENT), col(IndexDates.INDEX_DATE)));
    for (CohortDefinition.Measurement m : ms) {
      for (int w : f.windowsDays()) {
        out.addAll(statistics(m.name(), w));
      }
    }
    return sums.select(out.toArray(Column[]::new));
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

  /**
   * Each fact's rank in its patient's (event_time, event_key) order ({@link #RANK}), the order
   * "last" takes: a number, so that the window sums are a hash aggregation, where the struct of the
   * order would force a sort of every joined row. Partitioned by patient, as the join is.
   */
  static Dataset<Row> ranked(Dataset<Row> facts) {
    return facts.withColumn(RANK, org.apache.spark.sql.functions.row_number().over(
        org.apache.spark.sql.expressions.Window.partitionBy(col(Facts.PATIENT))
            .orderBy(col("event_time"), col("event_key"))));
  }

  /**
   * The eight statistics of one measurement and window from its exact sums (values scaled by
   * {@link #VALUE_SCALE}): the differences {@code n syy - sy^2} and {@code n sxy - sx sy} are taken
   * in decimals, exactly (0 for a constant series), and only then divided in doubles.
   */
  private static List<Column> statistics(String m, int w) {
    String p = "_" + m + "_" + w + "_";
    Column count = col(p + "n");
    Column n = count.cast("decimal(20,0)");
    Column nd = count.cast("double");
    Column sy = col(p + "sy");
    Column sx = col(p + "sx");
    Column two = count.geq(2);
    Column spread = n.multiply(col(p + "syy")).minus(sy.multiply(sy)).cast("double");
    Column variance = spread.divide(nd.multiply(nd.minus(1))).divide(VALUE_SCALE * VALUE_SCALE);
    Column denominator = n.multiply(col(p + "sxx")).minus(sx.multiply(sx)).cast("double");
    Column slope = n.multiply(col(p + "sxy")).minus(sx.multiply(sy)).cast("double")
        .divide(denominator).divide(VALUE_SCALE).multiply(SLOPE_PER);
    return List.of(
        col(p + "last").as(FeatureNames.stat(m, "last", w)),
        when(count.gt(0), sy.cast("double").divide(nd).divide(VALUE_SCALE))
            .as(FeatureNames.stat(m, "mean", w)),
        col(p + "min").as(FeatureNames.stat(m, "min", w)),
        col(p + "max").as(FeatureNames.stat(m, "max", w)),
        when(two, sqrt(variance)).as(FeatureNames.stat(m, "sd", w)),
        when(two.and(denominator.gt(0)), slope).as(FeatureNames.stat(m, "slope", w)),
        count.cast("int").as(FeatureNames.stat(m, "count", w)),
        when(count.equalTo(0), 1).otherwise(0).as(FeatureNames.stat(m, "missing", w)));
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

    Dataset<Row> measured = measurements(eligible, vitals).persist(StorageLevel.MEMORY_AND_DISK());
    String[] key = {Facts.PATIENT, IndexDates.INDEX_DATE};
    Dataset<Row> rows = judged.where(col(STATUS).equalTo(CohortStatus.KEPT.reason()))
        .join(eligible, key).join(measured, key, "left");
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
