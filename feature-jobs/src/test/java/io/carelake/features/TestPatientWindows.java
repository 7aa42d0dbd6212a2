package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.DefinitionLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's per-patient pass ({@link CohortBuilder#measurements}) gives the same rows, value for
 * value (doubles compared exactly), as the straightforward join of every fact to every index date
 * ({@link ReferenceMeasurements}), on 100,000 generated vitals of 400 patients shaped to meet the
 * edges: facts at index instants and window edges and a second before them, results reported days
 * later (past an index date) or without a record time, ties of event time broken by keys whose
 * UTF-16 and code-point orders differ, values with more than four decimals, negative values, a
 * non-canonical unit, a code of no measurement, per-patient index dates besides the month starts,
 * and a patient with index dates but no fact. Under the point-in-time rule and under a leaky one:
 * the pass evaluates whatever rule the job was given.
 */
class TestPatientWindows {

  static final int ROWS = 100_000;
  static final int PATIENTS = 400;

  @TempDir static Path home;
  static SparkSession spark;
  static CohortDefinition definition;
  static Dataset<Row> vitals;
  static Dataset<Row> pairs;

  @BeforeAll
  static void generate() {
    spark = TestSessions.open(CarelakeConfig.load(home));
    definition = DefinitionLoader.builtIn();
    String[][] codes = {{"8480-6", "mm[Hg]", "120", "25"}, {"8462-4", "mm[Hg]", "78", "12"},
        {"2339-0", "mmol/L", "5.6", "1.4"}, {"2345-7", "mmol/L", "5.6", "1.4"},
        {"4548-4", "%", "5.8", "0.9"}, {"39156-5", "kg/m2", "24", "4"},
        {"29463-7", "kg", "65", "12"}, {"8280-0", "cm", "84", "10"},
        {"8663-7", "{pack}/d", "0.0", "0.3"}, {"12345-6", "mg", "1", "1"}};
    StringBuilder code = new StringBuilder("CASE CAST(id % 10 AS INT)");
    StringBuilder unit = new StringBuilder("CASE CAST(id % 10 AS INT)");
    StringBuilder value = new StringBuilder("CASE CAST(id % 10 AS INT)");
    for (int i = 0; i < codes.length; i++) {
      code.append(" WHEN ").append(i).append(" THEN '").append(codes[i][0]).append("'");
      unit.append(" WHEN ").append(i).append(" THEN '").append(codes[i][1]).append("'");
      value.append(" WHEN ").append(i).append(" THEN ").append(codes[i][2]).append(" + ")
          .append(codes[i][3]).append(" * (pmod(hash(id, 7), 200001) - 100000) / 100000.0");
    }
    // an index instant or a window's first instant (or the second before it), else anywhere in
    // 2024-01-01 .. 2025-07-03; every third time cut to the hour, so that times tie
    String edge = "to_timestamp('2025-0' || CAST(1 + pmod(hash(id, 2), 6) AS STRING) || '-01')"
        + " - make_interval(0, 0, 0, element_at(array(0, 30, 90, 365), 1 + pmod(hash(id, 4), 4)))"
        + " - make_interval(0, 0, 0, 0, 0, 0, pmod(hash(id, 6), 2))";
    String anywhere = "timestamp_seconds(unix_seconds(TIMESTAMP '2024-01-01 00:00:00')"
        + " + pmod(hash(id, 3), 550 * 86400))";
    String t = "CASE WHEN id % 17 = 0 THEN " + edge + " WHEN id % 3 = 0 THEN date_trunc('HOUR', "
        + anywhere + ") ELSE " + anywhere + " END";
    Dataset<Row> generated = spark.range(ROWS).selectExpr(
        "CASE WHEN id % 31 = 0 THEN concat('k', CAST(id AS STRING), '\uFF5A')"
            + " WHEN id % 37 = 0 THEN concat('k', CAST(id AS STRING), '\uD835\uDD38')"
            + " ELSE concat('s', CAST(id AS STRING)) END AS event_key",
        "concat('p', CAST(pmod(hash(id, 1), " + PATIENTS + ") AS STRING)) AS patient_pseudonym",
        "'k1' AS key_id", t + " AS event_time", "'F11010501' AS facility_id",
        "CASE WHEN id % 101 = 2 THEN '2339-0' ELSE " + code + " END END AS code",
        "CAST(CASE WHEN id % 2 = 0 THEN round(" + value + " END, 5) ELSE round(" + value
            + " END, 1) END AS DOUBLE) AS value",
        "CASE WHEN id % 101 = 2 THEN 'mg/dL' ELSE " + unit + " END END AS unit",
        "'clinic' AS source", "id")
        .selectExpr("*",
            "CASE WHEN id % 11 = 0 THEN CAST(NULL AS TIMESTAMP)"
                + " WHEN id % 7 = 0 THEN event_time + make_interval(0, 0, 0, CAST(id % 5 AS INT))"
                + " WHEN id % 13 = 0 THEN event_time ELSE event_time + INTERVAL 10 MINUTES END"
                + " AS record_time",
            "CASE WHEN id % 11 = 0 THEN event_time + make_interval(0, 0, 0, CAST(id % 3 AS INT))"
                + " ELSE event_time + INTERVAL 1 HOUR END AS ingest_time")
        .drop("id");
    // two results at one instant whose keys order differently by UTF-16 unit and by code point
    Dataset<Row> tie = spark.sql("SELECT * FROM VALUES"
        + " ('k\uFF5A', 'pTie', 'k1', TIMESTAMP '2025-02-10 08:00:00', 'F11010501', '8480-6',"
        + " 131.0, 'mm[Hg]', 'clinic', TIMESTAMP '2025-02-10 08:05:00',"
        + " TIMESTAMP '2025-02-10 09:00:00'),"
        + " ('k\uD835\uDD38', 'pTie', 'k1', TIMESTAMP '2025-02-10 08:00:00', 'F11010501', '8480-6',"
        + " 132.0, 'mm[Hg]', 'clinic', TIMESTAMP '2025-02-10 08:05:00',"
        + " TIMESTAMP '2025-02-10 09:00:00')"
        + " AS t(event_key, patient_pseudonym, key_id, event_time, facility_id, code, value, unit,"
        + " source, record_time, ingest_time)");
    vitals = Facts.vitals(generated.unionByName(tie), Clock.AVAILABLE).cache();
    // every patient (and pTie, and pNone without a fact) at the six month starts; every fifth
    // patient also on a day of its own in March or April
    pairs = spark.sql("SELECT patient_pseudonym, index_date FROM (SELECT concat('p', CAST(id AS"
        + " STRING)) AS patient_pseudonym FROM range(" + PATIENTS + ") UNION ALL SELECT 'pTie'"
        + " UNION ALL SELECT 'pNone') LATERAL VIEW explode(sequence(DATE '2025-01-01',"
        + " DATE '2025-06-01', INTERVAL 1 MONTH)) AS index_date"
        + " UNION ALL SELECT concat('p', CAST(id AS STRING)), date_add(DATE '2025-03-15',"
        + " CAST(id % 40 AS INT)) FROM range(0, " + PATIENTS + ", 5)")
        .withColumn(IndexDates.INDEX_TS, col(IndexDates.INDEX_DATE).cast("timestamp")).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The point-in-time comparison, made once for both tests (the reference join is slow). */
  static synchronized Map<String, Row> pointInTime() {
    if (pointInTime == null) {
      pointInTime = compare(Visibility.POINT_IN_TIME);
    }
    return pointInTime;
  }

  static Map<String, Row> pointInTime;

  @Test
  void thePerPatientPassEqualsTheJoinUnderThePointInTimeRule() {
    Map<String, Row> got = pointInTime();
    // the fixture reaches what it is meant to: statistics of every kind, and the tie's last
    assertThat(got.values()).anySatisfy(r -> assertThat(r.<Object>getAs("sbp_sd_30d")).isNotNull());
    assertThat(got.values()).anySatisfy(r -> assertThat(r.<Object>getAs("hba1c_slope_365d"))
        .isNotNull());
    assertThat(got.values()).anySatisfy(r -> assertThat(r.<Integer>getAs("waist_missing_30d"))
        .isEqualTo(1));
    // Spark orders keys by code point: U+1D538 comes after U+FF5A, though its UTF-16 unit does not
    assertThat(got.get("pTie|2025-03-01").<Double>getAs("sbp_last_30d")).isEqualTo(132.0);
    assertThat(got).doesNotContainKey("pNone|2025-03-01");
  }

  @Test
  void thePerPatientPassFollowsALeakyRuleAsTheJoinDoes() {
    Map<String, Row> leaky = compare(t -> col("event_time").leq(t));
    assertThat(leaky).isNotEqualTo(pointInTime());
  }

  /** Both ways under one rule: the same keys, and every column of every row equal. */
  static Map<String, Row> compare(Visibility rule) {
    CohortBuilder builder = new CohortBuilder(definition, rule);
    Map<String, Row> got = byKey(builder.measurements(pairs, vitals));
    Map<String, Row> want = byKey(ReferenceMeasurements.of(definition, rule, pairs, vitals));
    assertThat(got.keySet()).isEqualTo(want.keySet());
    assertThat(got.size()).isGreaterThan(PATIENTS * 6);
    List<String> differences = new ArrayList<>();
    for (String key : new TreeSet<>(want.keySet())) {
      Row g = got.get(key);
      Row w = want.get(key);
      // the same columns of the same types (the left join that uses them makes all nullable)
      assertThat(g.schema().fields()).extracting(f -> f.name() + " " + f.dataType())
          .containsExactlyElementsOf(java.util.Arrays.stream(w.schema().fields())
              .map(f -> f.name() + " " + f.dataType()).toList());
      for (String c : w.schema().fieldNames()) {
        Object a = g.getAs(c);
        Object b = w.getAs(c);
        if (a == null ? b != null : !a.equals(b)) {
          differences.add(key + " " + c + ": " + a + " (per patient) vs " + b + " (join)");
        }
      }
    }
    assertThat(differences).as("first: %s", differences.stream().limit(5).toList()).isEmpty();
    return got;
  }

  static Map<String, Row> byKey(Dataset<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      String key = r.getAs(Facts.PATIENT) + "|" + r.getAs(IndexDates.INDEX_DATE);
      assertThat(out.put(key, r)).as("one row per pair: %s", key).isNull();
    }
    return out;
  }
}
