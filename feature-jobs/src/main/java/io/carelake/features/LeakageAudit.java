package io.carelake.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.carelake.core.events.Codes;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.CohortDefinition.Criterion;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The leakage audit: recomputes a seeded sample of feature rows from the patients' history alone,
 * in plain Java (its own code, not the job's Spark expressions), and compares every feature. A fact
 * may count at index instant t only if it happened before t and was available before t; any value
 * that differs is a finding, with the facts at or after the index (or not yet available) that
 * could explain it. The job fails, and publishes nothing, on any finding.
 *
 * <p>The sample is the {@code n} (patient, index date) pairs with the smallest
 * {@code xxhash64(seed, patient, index date)}: the same data and seed always audit the same rows.
 * What reaches the driver is bounded by the sample: its pairs' feature rows and its patients'
 * facts.
 */
final class LeakageAudit {

  /** Relative tolerance for doubles: the job sums in decimals, the audit in doubles. */
  static final double TOLERANCE = 1e-6;
  private static final long DAY = 86_400L;

  /** One fact of a sampled patient. */
  record Fact(String patient, String eventKey, Instant eventTime, Instant available, String code,
      Double value, String unit, String visitType, List<String> diagnoses, List<String> atc,
      String sex, Integer birthYear, Integer birthYearBand, Integer ageAtVisit) {

    boolean visibleAt(Instant t) {
      return eventTime.isBefore(t) && available.isBefore(t);
    }
  }

  /** What the audit found: rows checked, features compared and every difference. */
  record Result(int rowsChecked, long valuesCompared, List<String> findings) {
    boolean passed() {
      return findings.isEmpty();
    }
  }

  private final CohortDefinition definition;

  LeakageAudit(CohortDefinition definition) {
    this.definition = definition;
  }

  /**
   * Audits a sample of {@code rows} (the job's kept rows: features are the same for every outcome
   * of a pair) against {@code visits} and {@code vitals} as {@link Facts} shapes them.
   */
  Result run(Dataset<Row> rows, Dataset<Row> visits, Dataset<Row> vitals, int sampleSize,
      long seed) {
    if (sampleSize <= 0) {
      return new Result(0, 0, List.of());
    }
    // the sample's keys first (a few hundred rows), then only their rows and their patients' facts
    List<Row> keys = rows.select(Facts.PATIENT, IndexDates.INDEX_DATE).distinct()
        .orderBy(xxhash64(lit(seed), col(Facts.PATIENT), col(IndexDates.INDEX_DATE)),
            col(Facts.PATIENT), col(IndexDates.INDEX_DATE))
        .limit(sampleSize).collectAsList();
    Set<String> patients = new HashSet<>();
    Set<String> wanted = new HashSet<>();
    for (Row k : keys) {
      patients.add(k.getString(0));
      wanted.add(k.getString(0) + "|" + k.getDate(1));
    }
    if (patients.isEmpty()) {
      return new Result(0, 0, List.of());
    }
    Map<String, Row> byKey = new java.util.TreeMap<>();
    Dataset<Row> sampled = broadcast(patientFrame(rows.sparkSession(), patients));
    for (Row r : semiJoin(rows, sampled).collectAsList()) {
      String key = r.<String>getAs(Facts.PATIENT) + "|" + r.<java.sql.Date>getAs(IndexDates.INDEX_DATE);
      if (wanted.contains(key)) {
        byKey.putIfAbsent(key, r);
      }
    }
    List<Row> sample = new ArrayList<>(byKey.values());
    Map<String, List<Fact>> visitsOf = byPatient(semiJoin(visits, sampled).collectAsList(), true);
    Map<String, List<Fact>> vitalsOf = byPatient(semiJoin(vitals, sampled).collectAsList(), false);
    List<String> findings = new ArrayList<>();
    long compared = 0;
    for (Row r : sample) {
      String patient = r.getAs(Facts.PATIENT);
      LocalDate date = r.<java.sql.Date>getAs(IndexDates.INDEX_DATE).toLocalDate();
      Map<String, Object> expected = recompute(date,
          visitsOf.getOrDefault(patient, List.of()), vitalsOf.getOrDefault(patient, List.of()));
      for (Map.Entry<String, Object> e : expected.entrySet()) {
        compared++;
        Object got = r.getAs(e.getKey());
        if (!same(got, e.getValue())) {
          findings.add(finding(patient, date, e.getKey(), got, e.getValue(),
              visitsOf.getOrDefault(patient, List.of()), vitalsOf.getOrDefault(patient, List.of())));
        }
      }
    }
    return new Result(sample.size(), compared, findings);
  }

  /** The sampled patients as a one-column frame (a few hundred keys, from the driver). */
  private static Dataset<Row> patientFrame(SparkSession spark, Set<String> patients) {
    List<Row> keys = patients.stream().sorted().map(p -> RowFactory.create(p)).toList();
    return spark.createDataFrame(keys,
        new StructType().add(Facts.PATIENT, DataTypes.StringType, false));
  }

  /** Rows of the sampled patients only: a semi-join on their keys (broadcast, a few hundred). */
  private static Dataset<Row> semiJoin(Dataset<Row> df, Dataset<Row> sampled) {
    return df.join(sampled, df.col(Facts.PATIENT).equalTo(sampled.col(Facts.PATIENT)),
        "left_semi");
  }

  private static Map<String, List<Fact>> byPatient(List<Row> rows, boolean visits) {
    Map<String, List<Fact>> out = new HashMap<>();
    for (Row r : rows) {
      Fact f = visits
          ? new Fact(r.getAs(Facts.PATIENT), r.getAs("event_key"), instant(r, "event_time"),
              instant(r, "available_time"), null, null, null, r.getAs("visit_type"),
              r.getList(r.fieldIndex("diagnoses")), r.getList(r.fieldIndex("atc")), r.getAs("sex"),
              r.getAs("birth_year"), r.getAs("birth_year_band_years"), r.getAs("age_at_visit"))
          : new Fact(r.getAs(Facts.PATIENT), r.getAs("event_key"), instant(r, "event_time"),
              instant(r, "available_time"), r.getAs("code"), r.getAs("value"), r.getAs("unit"),
              null, List.of(), List.of(), null, null, null, null);
      out.computeIfAbsent(f.patient(), k -> new ArrayList<>()).add(f);
    }
    return out;
  }

  private static Instant instant(Row r, String column) {
    Timestamp t = r.getAs(column);
    return t == null ? Instant.MAX : t.toInstant();
  }

  /** Every feature of one pair, from the history alone (column name → value). */
  Map<String, Object> recompute(LocalDate date, List<Fact> visits, List<Fact> vitals) {
    Instant t = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    CohortDefinition.Features f = definition.features();
    // sorted: findings come in column order, the same on every run
    Map<String, Object> out = new java.util.TreeMap<>();
    List<Fact> seenVisits = visits.stream().filter(v -> v.visibleAt(t)).toList();
    for (int w : f.windowsDays()) {
      Instant since = t.minusSeconds(w * DAY);
      out.put(FeatureNames.visits(w), (int) seenVisits.stream()
          .filter(v -> !v.eventTime().isBefore(since)).count());
    }
    Instant longest = t.minusSeconds(f.longestWindow() * DAY);
    for (String type : f.visitTypes()) {
      out.put(FeatureNames.visitsOfType(type, f.longestWindow()), (int) seenVisits.stream()
          .filter(v -> !v.eventTime().isBefore(longest) && type.equals(v.visitType())).count());
    }
    for (CohortDefinition.HistoryFlag h : f.history()) {
      out.put(h.name(), seenVisits.stream().anyMatch(v -> met(h.criterion(), v)) ? 1 : 0);
    }
    seenVisits.stream().max(Comparator.comparing(Fact::eventTime).thenComparing(Fact::eventKey))
        .ifPresent(latest -> {
          out.put("sex", latest.sex());
          Integer age = age(date, latest);
          out.put("age", age);
        });
    for (CohortDefinition.Measurement m : f.measurements()) {
      for (int w : f.windowsDays()) {
        Instant since = t.minusSeconds(w * DAY);
        List<Fact> in = vitals.stream().filter(v -> v.visibleAt(t)
            && !v.eventTime().isBefore(since) && canonical(m, v)).toList();
        statistics(m.name(), w, t, in, out);
      }
    }
    return out;
  }

  private static boolean met(Criterion c, Fact visit) {
    if (c instanceof CohortDefinition.Diagnosis d) {
      return visit.diagnoses().stream().anyMatch(d.codes()::matches);
    }
    CohortDefinition.Prescription p = (CohortDefinition.Prescription) c;
    return visit.atc().stream().anyMatch(a -> p.atcClasses().stream().anyMatch(a::startsWith));
  }

  private static boolean canonical(CohortDefinition.Measurement m, Fact v) {
    if (!m.loinc().contains(v.code())) {
      return false;
    }
    String unit = Codes.CANONICAL_UNIT.get(v.code());
    return unit == null || unit.equals(v.unit());
  }

  /** Age at the index date, as features state it (see CohortBuilder.demographics). */
  private static Integer age(LocalDate date, Fact latest) {
    Integer age = null;
    if (latest.birthYear() != null) {
      int band = latest.birthYearBand() == null ? 1 : latest.birthYearBand();
      age = date.getYear() - latest.birthYear() - (band - 1) / 2;
    } else if (latest.ageAtVisit() != null) {
      age = latest.ageAtVisit() + date.getYear()
          - latest.eventTime().atZone(ZoneOffset.UTC).getYear();
    }
    return age == null ? null : Math.min(age, CohortBuilder.AGE_TOP_CODE);
  }

  /** The eight window statistics, two-pass (means first), as their definitions say. */
  private static void statistics(String m, int w, Instant t, List<Fact> in,
      Map<String, Object> out) {
    int n = in.size();
    out.put(FeatureNames.stat(m, "count", w), n);
    out.put(FeatureNames.stat(m, "missing", w), n == 0 ? 1 : 0);
    if (n == 0) {
      for (String s : List.of("last", "mean", "min", "max", "sd", "slope")) {
        out.put(FeatureNames.stat(m, s, w), null);
      }
      return;
    }
    double mean = in.stream().mapToDouble(Fact::value).average().orElseThrow();
    double meanX = in.stream().mapToDouble(v -> seconds(v, t)).average().orElseThrow();
    double ss = 0;
    double sxx = 0;
    double sxy = 0;
    for (Fact v : in) {
      double dy = v.value() - mean;
      double dx = seconds(v, t) - meanX;
      ss += dy * dy;
      sxx += dx * dx;
      sxy += dx * dy;
    }
    out.put(FeatureNames.stat(m, "last", w), in.stream()
        .max(Comparator.comparing(Fact::eventTime).thenComparing(Fact::eventKey))
        .orElseThrow().value());
    out.put(FeatureNames.stat(m, "mean", w), mean);
    out.put(FeatureNames.stat(m, "min", w), in.stream().mapToDouble(Fact::value).min().orElseThrow());
    out.put(FeatureNames.stat(m, "max", w), in.stream().mapToDouble(Fact::value).max().orElseThrow());
    out.put(FeatureNames.stat(m, "sd", w), n < 2 ? null : Math.sqrt(ss / (n - 1)));
    out.put(FeatureNames.stat(m, "slope", w), n < 2 || sxx == 0 ? null
        : sxy / sxx * 30 * DAY);
  }

  private static double seconds(Fact v, Instant t) {
    return v.eventTime().getEpochSecond() - t.getEpochSecond();
  }

  static boolean same(Object got, Object expected) {
    if (got == null || expected == null) {
      return got == null && expected == null;
    }
    if (got instanceof Number g && expected instanceof Number e) {
      double a = g.doubleValue();
      double b = e.doubleValue();
      return Math.abs(a - b) <= TOLERANCE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
    return got.equals(expected);
  }

  /** One finding, with the facts not known at the index that touch this feature. */
  private String finding(String patient, LocalDate date, String column, Object got,
      Object expected, List<Fact> visits, List<Fact> vitals) {
    Instant t = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    List<Fact> relevant = vitals;
    for (CohortDefinition.Measurement m : definition.features().measurements()) {
      if (column.startsWith(m.name() + "_")) {
        relevant = vitals.stream().filter(v -> m.loinc().contains(v.code())).toList();
      }
    }
    if (!column.contains("_") || column.startsWith("n_visits") || column.equals("age")
        || column.equals("sex") || isHistory(column)) {
      relevant = visits;
    }
    List<Fact> unknown = relevant.stream().filter(v -> !v.visibleAt(t)
        && v.eventTime().isAfter(t.minusSeconds(definition.features().longestWindow() * DAY)))
        .sorted(Comparator.comparing(Fact::eventTime)).toList();
    String who = patient.length() > 12 ? patient.substring(0, 12) + "…" : patient;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%s at index %s (patient %s): the job wrote %s, the history gives %s", column, date, who,
        got, expected));
    if (unknown.isEmpty()) {
      sb.append("; no fact at or after the index explains it");
    } else {
      Fact first = unknown.get(0);
      sb.append(String.format(Locale.ROOT, "; %d fact(s) not known at the index, e.g. %s%s at %s"
              + " available %s", unknown.size(), first.code() == null ? "visit " : first.code(),
          first.code() == null ? first.eventKey().substring(0, Math.min(8, first.eventKey()
              .length())) : "", first.eventTime(), first.available()));
    }
    return sb.toString();
  }

  private boolean isHistory(String column) {
    return definition.features().history().stream().anyMatch(h -> h.name().equals(column));
  }
}
