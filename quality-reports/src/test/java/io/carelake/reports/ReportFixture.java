package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;

/**
 * A small carelake home for the report's tests: raw tables with planted identifiers, quarantine
 * and dead letters, a ledger of runs for 2025-03-01 (and the two days before, for the trends) whose
 * input and output snapshots chain evaluate back to raw, check results with GB/T 36344 mappings,
 * privacy results, a key registry, an iteration and its metrics, and a waiver file.
 */
final class ReportFixture implements AutoCloseable {

  static final Interval FEB_27 = interval("2025-02-27", "2025-02-28");
  static final Interval FEB_28 = interval("2025-02-28", "2025-03-01");
  static final Interval MARCH_1 = interval("2025-03-01", "2025-03-02");
  static final Interval MARCH_2 = interval("2025-03-02", "2025-03-03");

  /** Identifiers planted in the source tables, in several typed forms: none may reach a report. */
  static final List<String> PHI = List.of("11010519491231002X", "110105 19491231 002X",
      "１１０１０５１９４９１２３１００２Ｘ", "王秀英", "13912345678", "139-1234-5678",
      "+86 139 1234 5678", "幸福路88号", "wang.xiuying@example.cn");
  /** The key's fingerprint and file, as deidentify records them: the report names the key id only. */
  static final String KEY_FINGERPRINT = "f1ngerpr1nt0a7c3";
  static final String KEY_SOURCE = "/secret/keys/deid-k1.key";

  /** Fake snapshot ids of tables the fixture does not create (the ledger cites them). */
  static final long SAFE_VISITS = 9001;
  static final long SAFE_VITALS = 9002;
  static final long FEATURES = 9101;
  static final long PREDICTIONS = 9201;
  static final long ITERATIONS = 9202;
  /** The risk dataset it-1 was trained on, and the older one of it-0. */
  static final long DATASET = 9150;
  static final long DATASET_OLD = 9140;
  /** The features snapshot the older dataset was built from: no run in the ledger wrote it. */
  static final long FEATURES_UNKNOWN = 9100;
  static final String COHORT_HASH = "cd".repeat(32);

  /** What the fixture recorded, for the assertions. */
  record Fixture(String ingestFirst, String ingestLatest, String governOld, String govern,
      String deidentify, String features, String trainOld, String train, String evaluate,
      String governFeb27, String governFeb28, long rawVisitsSnapshot, long rawVitalsFirstSnapshot,
      long rawVitalsSnapshot, long curatedVisitsSnapshot, long evaluationSnapshot,
      Path waivers, String riskDataset, String riskOld, String trainFeb) {}

  /** How the fixture's ledger differs from a consistent pipeline. */
  enum Variant { CONSISTENT, DEIDENTIFY_LOSES_A_ROW, GOVERN_MISSES_RAW_ROWS }

  private final SparkSession spark;
  private final CarelakeConfig config;
  private final Path home;
  /** Runs the fixture begun and left RUNNING; their heartbeats stop in {@link #close}. */
  private final List<ActiveRun> running = new ArrayList<>();

  ReportFixture(SparkSession spark, CarelakeConfig config, Path home) {
    this.spark = spark;
    this.config = config;
    this.home = home;
  }

  static Interval interval(String start, String end) {
    return new Interval(LocalDate.parse(start), LocalDate.parse(end));
  }

  /** A session as the tests use it: the job runs in it (and leaves it running). */
  static SparkSession session(CarelakeConfig config) {
    SparkSession.Builder builder = SparkSession.builder().appName("test-report")
        .master("local[2]")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false");
    io.carelake.spark.SparkSessions.catalogConf(config).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** Stops the heartbeats of the runs left RUNNING (their rows stay RUNNING). */
  @Override
  public void close() {
    running.forEach(ActiveRun::close);
    running.clear();
  }

  Catalog catalog() {
    return Spark3Util.loadIcebergCatalog(spark, config.catalogName());
  }

  Fixture build(Variant variant) throws Exception {
    String c = config.catalogName();
    Catalog catalog = catalog();
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS, TableSchemas.RAW_VISITS,
        TableSchemas.rawVisitsSpec());
    StringBuilder visits = new StringBuilder();
    // v1..v5 on 2025-03-01, v6 on 2025-03-02 (outside the interval); every identifier planted
    for (int i = 1; i <= 6; i++) {
      visits.append(i == 1 ? "" : ", ").append(String.format(
          "('v%d', TIMESTAMP '2025-03-0%d 0%d:00:00', 1, '11010519491231002X', '王秀英', '2',"
              + " DATE '1949-12-31', '139-1234-5678', '北京市朝阳区幸福路88号', 'f1', 'c1',"
              + " 'outpatient', array('I10'), '王秀英 头痛 110105 19491231 002X',"
              + " '电话 +86 139 1234 5678 wang.xiuying@example.cn １１０１０５１９４９１２３１００２Ｘ',"
              + " array(named_struct('drug', 'amlodipine', 'dose', '5 mg', 'frequency', 'qd',"
              + " 'days', 30)), 'carelake.visits', 0, %dL, TIMESTAMP '2025-03-01 09:00:00',"
              + " NULL)",
          i, i == 6 ? 2 : 1, i, i));
    }
    spark.sql("INSERT INTO " + Tables.RAW_VISITS.in(c) + " VALUES " + visits);

    spark.sql("CREATE TABLE " + Tables.RAW_VITALS.in(c) + " (event_id string, event_time"
        + " timestamp, resident_id string, code string, value double) USING iceberg"
        + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    spark.sql("INSERT INTO " + Tables.RAW_VITALS.in(c) + " VALUES"
        + " ('m1', TIMESTAMP '2025-03-01 08:00:00', '11010519491231002X', '8480-6', 120.0),"
        + " ('m2', TIMESTAMP '2025-03-01 08:00:00', '11010519491231002X', '8462-4', 80.0),"
        + " ('m3', TIMESTAMP '2025-03-01 08:05:00', '11010519491231002X', '8480-6', 400.0),"
        + " ('m4', TIMESTAMP '2025-03-01 08:05:00', '11010519491231002X', '8462-4', 85.0)");
    long rawVitalsFirst = snapshot(catalog, Tables.RAW_VITALS);
    // A merge-on-read delete: the snapshot summary still says 4 records, the table holds 3.
    spark.sql("DELETE FROM " + Tables.RAW_VITALS.in(c) + " WHERE event_id = 'm2'");

    CatalogFactory.createIfMissing(catalog, Tables.RAW_DEAD_LETTERS,
        TableSchemas.RAW_DEAD_LETTERS, TableSchemas.deadLettersSpec());
    // 7 NOT_JSON, 5 MISSING_FIELD, 2 BAD_TIMESTAMP on 2025-03-01, one more on 2025-03-05
    List<String> dead = new ArrayList<>();
    String[][] codes = {{"NOT_JSON", "7"}, {"MISSING_FIELD", "5"}, {"BAD_TIMESTAMP", "2"}};
    int offset = 100;
    for (String[] code : codes) {
      for (int i = 0; i < Integer.parseInt(code[1]); i++) {
        dead.add(deadLetter(offset++, code[0], "2025-03-01 09:00:01"));
      }
    }
    dead.add(deadLetter(offset, "NOT_JSON", "2025-03-05 09:00:01"));
    spark.sql("INSERT INTO " + Tables.RAW_DEAD_LETTERS.in(c) + " VALUES " + String.join(", ", dead));

    spark.sql("CREATE TABLE " + Tables.CURATED_VISITS.in(c) + " USING iceberg AS SELECT *,"
        + " 'govern-x' AS governance_run_id FROM " + Tables.RAW_VISITS.in(c)
        + " WHERE event_id NOT IN ('v5', 'v6')");

    long rawVisitsSnapshot = snapshot(catalog, Tables.RAW_VISITS);
    long rawVitalsSnapshot = snapshot(catalog, Tables.RAW_VITALS);
    long curatedVisitsSnapshot = snapshot(catalog, Tables.CURATED_VISITS);
    long governIn = variant == Variant.GOVERN_MISSES_RAW_ROWS ? 7 : 8;

    RunLedger ledger = new RunLedger(catalog);
    String governFeb27 = record(ledger, Run.start("govern", FEB_27).rows(10, 9, 1));
    String governFeb28 = record(ledger, Run.start("govern", FEB_28).rows(12, 12, 0));
    String ingestFirst = record(ledger, Run.start("ingest", null).rows(8, 6, 2)
        .count("events_read", 8).count("dead_letters", 1).count("duplicates", 1)
        .output("raw.vitals", rawVitalsFirst));
    String ingestLatest = record(ledger, Run.start("ingest", null).rows(3, 3, 0)
        .count("events_read", 3).count("dead_letters", 0).count("duplicates", 0)
        .output("raw.visits", rawVisitsSnapshot));
    String governOld = record(ledger, Run.start("govern", MARCH_1).rows(5, 5, 0));
    record(ledger, Run.start("govern", MARCH_2).rows(9, 9, 0));
    String govern = record(ledger, Run.start("govern", MARCH_1).rows(governIn, governIn - 1, 1)
        .specHash("5pec0hash").count("quarantined_visits", 1)
        .input("raw.visits", rawVisitsSnapshot).input("raw.vitals", rawVitalsSnapshot)
        .output("curated.visits", curatedVisitsSnapshot));
    String deidentify = record(ledger, Run.start("deidentify", MARCH_1).rows(governIn - 1,
        variant == Variant.DEIDENTIFY_LOSES_A_ROW ? governIn - 2 : governIn - 1, 0)
        .specHash("a0".repeat(32)).parameter("key_id", "k1")
        .parameter("key_fingerprint", KEY_FINGERPRINT).parameter("key_source", KEY_SOURCE)
        .parameter("release_model", "agreement").parameter("k", 5)
        .parameter("date_shift_days", 30).parameter("policy", "carelake/deid/policy.yaml")
        .parameter("quasi_identifiers", "sex,birth_date,facility_id,event_time")
        .count("privacy.leaks_staged", 0).count("privacy.resident_id_mentions", 0)
        .count("privacy.leaks_published", 0).count("date_shifted.visits.rows", 4)
        .count("date_shifted.vitals.rows", 3)
        .input("curated.visits", curatedVisitsSnapshot)
        .output("safe.visits", SAFE_VISITS).output("safe.vitals", SAFE_VITALS));
    String features = record(ledger, Run.start("features", MARCH_1).rows(10, 7, 3)
        .count("prevalent", 2).count("horizon_incomplete", 1).specHash(COHORT_HASH)
        .input("safe.visits", SAFE_VISITS).input("safe.vitals", SAFE_VITALS)
        .output("features.chronic_risk", FEATURES));
    // the model half: a risk dataset built from the features (a run of an earlier interval: it is
    // not one of this interval's stages), an older dataset whose features run the ledger lacks,
    // and the train runs of it-0 (older) and it-1
    String riskDataset = record(ledger, Run.start("risk-dataset", FEB_28).rows(7, 7, 0)
        .specHash(COHORT_HASH).input("features.chronic_risk", FEATURES)
        .output("datasets.chronic_risk", DATASET));
    String riskOld = record(ledger, Run.start("risk-dataset", FEB_27).rows(5, 5, 0)
        .specHash(COHORT_HASH)
        .input("features.chronic_risk", FEATURES_UNKNOWN)
        .output("datasets.chronic_risk", DATASET_OLD));
    String trainFeb = record(ledger, Run.start("train", FEB_27).rows(5, 5, 0)
        .specHash(COHORT_HASH).input("datasets.chronic_risk", DATASET_OLD)
        .output("models.iterations", ITERATIONS - 10));
    String trainOld = record(ledger, Run.start("train", MARCH_1).rows(7, 7, 0)
        .specHash(COHORT_HASH).input("datasets.chronic_risk", DATASET)
        .input("features.chronic_risk", FEATURES)
        .output("models.predictions", PREDICTIONS).output("models.iterations", ITERATIONS));
    // A failed run whose message quotes values and markup: masked, then escaped in the page.
    Run trainRun = Run.start("train", MARCH_1).rows(0, 0, 0);
    ledger.record(trainRun.failed("cannot parse '王秀英' <b>bold</b> from 13912345678 at"
        + " 北京市朝阳区幸福路88号"));
    String train = trainRun.id();

    spark.sql("CREATE TABLE " + Tables.QUARANTINE_VISITS.in(c) + " USING iceberg AS SELECT *,"
        + " array('resident_id_check_digit') AS failed_rules, array('bad check digit') AS reasons,"
        + " '" + govern + "' AS governance_run_id FROM " + Tables.RAW_VISITS.in(c)
        + " WHERE event_id = 'v5'");
    // vitals: 6 implausible values (shown), 5 in a non-canonical unit (hidden with the 2 below,
    // so that the 2 cannot be worked out), 2 with a BMI that does not add up (suppressed)
    List<String> q = new ArrayList<>();
    String[][] rules = {{"vitals-value-plausible", "6"}, {"vitals-unit-canonical", "5"},
        {"vitals-bmi-consistent", "2"}};
    int n = 0;
    for (String[] rule : rules) {
      for (int i = 0; i < Integer.parseInt(rule[1]); i++) {
        q.add(String.format("('q%d', TIMESTAMP '2025-03-01 10:00:00', '11010519491231002X',"
            + " 400.0, array('%s'), array('%s: out of range'), '%s')", n++, rule[0], rule[0],
            govern));
      }
    }
    q.add(String.format("('q-old', TIMESTAMP '2025-03-01 10:00:00', '11010519491231002X', 1.0,"
        + " array('vitals-value-plausible'), array('old'), '%s')", governOld));
    spark.sql("CREATE TABLE " + Tables.QUARANTINE_VITALS.in(c) + " (event_id string, event_time"
        + " timestamp, resident_id string, value double, failed_rules array<string>, reasons"
        + " array<string>, governance_run_id string) USING iceberg");
    spark.sql("INSERT INTO " + Tables.QUARANTINE_VITALS.in(c) + " VALUES " + String.join(", ", q));

    checkResults(c, govern, governOld, governFeb27, governFeb28, rawVisitsSnapshot);
    privacy(c, deidentify);

    spark.sql("CREATE TABLE " + Tables.MODELS_ITERATIONS.in(c) + " (iteration_id string,"
        + " model_type string, features array<string>, params map<string,string>,"
        + " interval_start date, interval_end date, train_rows bigint, test_rows bigint,"
        + " train_positive bigint, test_positive bigint, null_label_rows bigint,"
        + " feature_snapshot_id bigint, model_path string, run_id string, trained_at timestamp,"
        + " outcome string, code_version string, definition_hash string, dataset_id string,"
        + " dataset_snapshot_id bigint) USING iceberg");
    spark.sql("INSERT INTO " + Tables.MODELS_ITERATIONS.in(c) + " VALUES ('it-1',"
        + " 'logistic_regression', array('age', 'sbp_mean_90d'), map('reg_param', '0.01'),"
        + " DATE '2025-03-01', DATE '2025-03-02', 480, 120, 96, 30, 0, " + FEATURES + ", '/m',"
        + " '" + trainOld + "', TIMESTAMP '2025-03-02 01:00:00', 'hypertension', 'c0de1',"
        + " '" + COHORT_HASH + "', 'ds-1', " + DATASET + "),"
        + " ('it-0', 'logistic_regression', array('age'), map('reg_param', '0.1'),"
        + " DATE '2025-02-27', DATE '2025-02-28', 300, 80, 60, 20, 0, " + FEATURES_UNKNOWN
        + ", '/m0', '" + trainFeb + "', TIMESTAMP '2025-02-28 01:00:00', 'hypertension',"
        + " 'c0de0', '" + COHORT_HASH + "', 'ds-0', " + DATASET_OLD + ")");
    modelTables(c, riskDataset, riskOld);
    Run evaluateRun = Run.start("evaluate", MARCH_1).rows(120, 120, 0)
        .parameter("confidence", 0.95).parameter("gate", true)
        .input("models.predictions", PREDICTIONS).input("models.iterations", ITERATIONS);
    evaluationTables(c, evaluateRun.id());
    for (TableName t : List.of(Tables.EVALUATION_RESULTS, Tables.EVALUATION_CURVES,
        Tables.EVALUATION_SUBGROUP_GAPS, Tables.EVALUATION_COMPARISONS,
        Tables.EVALUATION_GATE_DECISIONS)) {
      evaluateRun.output(t.toString(), snapshot(catalog, t));
    }
    long evaluationSnapshot = snapshot(catalog, Tables.EVALUATION_RESULTS);
    String evaluate = record(ledger, evaluateRun);
    // a govern run of the interval still going (a live lease, held by this process): the report
    // must not pick it, cite it or count it, and must say that it is running
    running.add(ledger.begin(Run.start("govern", MARCH_1)));

    Path waivers = home.resolve("waivers.yaml");
    Files.writeString(waivers, """
        # waivers of the fixture: one in force, one expired, one for a rule that passes
        waivers:
          - rule: resident_id_check_digit
            scope: {table: raw.visits, from: 2025-01-01, until: 2025-12-31}
            approver: data steward QA-7
            reason: the clinic re-keys its ids on 2025-03-05; the typo rows are quarantined
            expires: 2099-12-31
          - rule: visits_timeliness
            scope: {table: "*"}
            approver: data steward QA-7
            reason: historical replay, the events are months old by design
            expires: 2020-01-01
          - rule: sbp_range
            scope: {table: raw.visits}
            approver: data steward QA-7
            reason: accepted while the device fleet is recalibrated
            expires: 2099-12-31
        """, StandardCharsets.UTF_8);

    return new Fixture(ingestFirst, ingestLatest, governOld, govern, deidentify, features,
        trainOld, train, evaluate, governFeb27, governFeb28, rawVisitsSnapshot, rawVitalsFirst,
        rawVitalsSnapshot, curatedVisitsSnapshot, evaluationSnapshot, waivers, riskDataset,
        riskOld, trainFeb);
  }

  /**
   * The tables an evaluate run with --gate writes (the columns of model-evaluation's
   * EvaluationTables), with rows of the run and one row of another run that must not be shown:
   * whole-split metrics with both interval methods, an operating point with a flag, a subgroup
   * cell and a suppressed one, two calibration bins (and a decision-curve point, not a bin), a
   * subgroup gap, a paired comparison and a rejected gate decision.
   */
  private void evaluationTables(String c, String run) {
    spark.sql("CREATE TABLE " + Tables.EVALUATION_RESULTS.in(c) + " (run_id string,"
        + " iteration_id string, outcome string, split string, subgroup_dimension string,"
        + " subgroup_value string, metric string, operating_point string, threshold double,"
        + " value double, ci_low double, ci_high double, ci_method string, ci_level double,"
        + " n bigint, n_positive bigint, n_patients bigint, resamples int,"
        + " resamples_undefined int, seed bigint, flags array<string>, suppressed boolean,"
        + " spec_sha256 string, predictions_snapshot_id bigint) USING iceberg");
    String whole = "'hypertension', 'test', 'all', 'all', ";
    String tail = ", 2000, 0, 20251206L, array(), false, 'e5', " + PREDICTIONS + ")";
    spark.sql("INSERT INTO " + Tables.EVALUATION_RESULTS.in(c) + " VALUES"
        + " ('" + run + "', 'it-1', " + whole + "'auroc', NULL, NULL, 0.72, 0.61, 0.83,"
        + " 'cluster-bootstrap-bca', 0.95, 120, 30, 80" + tail + ","
        + " ('" + run + "', 'it-1', " + whole + "'auroc', NULL, NULL, 0.72, 0.62, 0.82,"
        + " 'obuchowski', 0.95, 120, 30, 80" + tail + ","
        + " ('" + run + "', 'it-1', " + whole + "'brier', NULL, NULL, 0.18, 0.15, 0.21,"
        + " 'cluster-bootstrap-bca', 0.95, 120, 30, 80" + tail + ","
        + " ('" + run + "', 'it-1', " + whole + "'sensitivity', 'threshold=0.2', 0.2, 0.7, 0.52,"
        + " 0.86, 'cluster-bootstrap-percentile', 0.95, 120, 30, 80, 2000, 3, 20251206L,"
        + " array('few_events', 'undefined_in_resamples'), false, 'e5', " + PREDICTIONS + "),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'sex', 'F', 'auroc', NULL, NULL,"
        + " 0.74, 0.6, 0.86, 'cluster-bootstrap-bca', 0.95, 70, 18, 45" + tail + ","
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'region', 'north', 'auroc', NULL,"
        + " NULL, NULL, NULL, NULL, 'cluster-bootstrap-bca', 0.95, NULL, NULL, NULL, 2000, 0,"
        + " 20251206L, array(), true, 'e5', " + PREDICTIONS + "),"
        + " ('evaluate-other', 'it-0', " + whole + "'auroc', NULL, NULL, 0.5, 0.4, 0.6,"
        + " 'obuchowski', 0.95, 100, 20, 70" + tail);
    spark.sql("CREATE TABLE " + Tables.EVALUATION_CURVES.in(c) + " (run_id string,"
        + " iteration_id string, outcome string, split string, curve string, point int,"
        + " x double, y double, ci_low double, ci_high double, ci_method string,"
        + " ci_level double, n bigint, n_positive bigint, method string, spec_sha256 string)"
        + " USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_CURVES.in(c) + " VALUES"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'calibration_binned', 1, 0.15,"
        + " 0.1875, 0.08, 0.31, 'cluster-bootstrap-percentile', 0.95, 48, 9, 'uniform', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'calibration_binned', 0, 0.05,"
        + " 0.0417, 0.0, 0.12, 'cluster-bootstrap-percentile', 0.95, 72, 3, 'uniform', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_model', 0, 0.01, 0.2,"
        + " NULL, NULL, NULL, 0.95, 120, 30, NULL, 'e5'),"
        // the smoothed calibration curve with its band, and the rest of the decision curves
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'calibration_smoothed', 0, 0.04,"
        + " 0.035, 0.01, 0.07, 'cluster-bootstrap-percentile', 0.95, 40, NULL, 'LOWESS', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'calibration_smoothed', 1, 0.12,"
        + " 0.14, 0.09, 0.2, 'cluster-bootstrap-percentile', 0.95, 40, NULL, 'LOWESS', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'calibration_smoothed', 2, 0.3,"
        + " 0.27, 0.18, 0.37, 'cluster-bootstrap-percentile', 0.95, 40, NULL, 'LOWESS', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_model', 1, 0.2, 0.0625,"
        + " 0.031, 0.094, 'cluster-bootstrap-percentile', 0.95, 120, 30, 'net benefit', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_treat_all', 0, 0.01,"
        + " 0.2424, 0.17, 0.31, 'cluster-bootstrap-percentile', 0.95, 120, 30, 'treat all',"
        + " 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_treat_all', 1, 0.2,"
        + " 0.0625, -0.03, 0.15, 'cluster-bootstrap-percentile', 0.95, 120, 30, 'treat all',"
        + " 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_treat_none', 0, 0.01, 0.0,"
        + " NULL, NULL, NULL, 0.95, 120, 30, 'treat none', 'e5'),"
        + " ('" + run + "', 'it-1', 'hypertension', 'test', 'decision_treat_none', 1, 0.2, 0.0,"
        + " NULL, NULL, NULL, 0.95, 120, 30, 'treat none', 'e5')");
    spark.sql("CREATE TABLE " + Tables.EVALUATION_SUBGROUP_GAPS.in(c) + " (run_id string,"
        + " iteration_id string, outcome string, split string, subgroup_dimension string,"
        + " metric string, subgroup_value string, reference_value string, difference double,"
        + " ci_low double, ci_high double, ci_method string, ci_level double, z double,"
        + " p_value double, p_holm double, significant boolean, spec_sha256 string)"
        + " USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_SUBGROUP_GAPS.in(c) + " VALUES ('" + run
        + "', 'it-1', 'hypertension', 'test', 'sex', 'auroc', 'M', 'F', -0.04, -0.19, 0.11,"
        + " 'cluster-bootstrap-percentile', 0.95, -0.52, 0.6, 1.0, false, 'e5')");
    spark.sql("CREATE TABLE " + Tables.EVALUATION_COMPARISONS.in(c) + " (run_id string,"
        + " iteration_id string, baseline_id string, outcome string, split string,"
        + " metric string, value_iteration double, value_baseline double, difference double,"
        + " ci_low double, ci_high double, ci_method string, ci_level double, p_value double,"
        + " n bigint, n_positive bigint, n_patients bigint, rows_only_in_iteration bigint,"
        + " rows_only_in_baseline bigint, rows_label_mismatch bigint, resamples int,"
        + " resamples_undefined int, seed bigint, spec_sha256 string,"
        + " predictions_snapshot_id bigint) USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_COMPARISONS.in(c) + " VALUES ('" + run
        + "', 'it-1', 'it-0', 'hypertension', 'test', 'auroc', 0.72, 0.69, 0.03, -0.05, 0.11,"
        + " 'obuchowski', 0.95, 0.45, 120, 30, 80, 0, 0, 0, NULL, NULL, NULL, 'e5', "
        + PREDICTIONS + ")");
    spark.sql("CREATE TABLE " + Tables.EVALUATION_GATE_DECISIONS.in(c) + " (run_id string,"
        + " iteration_id string, outcome string, split string, alias string,"
        + " comparator_id string, comparator_kind string, decision string, criteria"
        + " array<struct<id:string, scope:string, metric:string, interval:string, rule:string,"
        + " status:string, subgroup:string, value:double, ci_low:double, ci_high:double,"
        + " detail:string>>, reasons array<string>, spec_name string, spec_version string,"
        + " spec_sha256 string, ci_level double, decided_at timestamp) USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_GATE_DECISIONS.in(c) + " VALUES ('" + run
        + "', 'it-1', 'hypertension', 'test', 'champion', 'it-0', 'champion', 'rejected',"
        + " array(named_struct('id', 'auroc-non-inferior', 'scope', 'difference', 'metric',"
        + " 'auroc', 'interval', 'obuchowski', 'rule', 'lower bound >= -0.02', 'status',"
        + " 'fail', 'subgroup', CAST(NULL AS string), 'value', 0.03, 'ci_low', -0.05,"
        + " 'ci_high', 0.11, 'detail', 'lower bound -0.05 < -0.02'),"
        + " named_struct('id', 'subgroup-auroc-floor', 'scope', 'subgroups', 'metric',"
        + " 'auroc', 'interval', 'cluster-bootstrap-bca', 'rule', 'lower bound >= 0.6',"
        + " 'status', 'not_applicable', 'subgroup', 'region=north', 'value',"
        + " CAST(NULL AS double), 'ci_low', CAST(NULL AS double), 'ci_high',"
        + " CAST(NULL AS double), 'detail', 'suppressed cell: not assessed')),"
        + " array('auroc-non-inferior failed: the lower bound -0.05 is below -0.02',"
        + " 'subgroup-auroc-floor not applicable for region=north: the cell is suppressed'),"
        + " 'carelake-default', '1', '" + "e5".repeat(32) + "', 0.95,"
        + " TIMESTAMP '2025-03-02 02:00:00')");
    // the decision of an earlier evaluate run that made it-0 champion (the registry links to it)
    spark.sql("INSERT INTO " + Tables.EVALUATION_GATE_DECISIONS.in(c) + " VALUES ('evaluate-feb',"
        + " 'it-0', 'hypertension', 'test', 'champion', NULL, NULL, 'promoted',"
        + " array(named_struct('id', 'auroc-floor', 'scope', 'iteration', 'metric', 'auroc',"
        + " 'interval', 'cluster-bootstrap-bca', 'rule', 'lower bound >= 0.6', 'status', 'pass',"
        + " 'subgroup', CAST(NULL AS string), 'value', 0.7, 'ci_low', 0.62, 'ci_high', 0.78,"
        + " 'detail', 'lower bound 0.62 >= 0.6')),"
        + " array('no champion yet: every iteration criterion passed'), 'carelake-default', '1',"
        + " '" + "e5".repeat(32) + "', 0.95, TIMESTAMP '2025-02-28 02:00:00')");
  }

  /**
   * The rest of the model half, with the columns their writers give them (risk-dataset's
   * datasets.chronic_risk_datasets, evaluate's models.registry, evaluate-lm's lm tables, the
   * corpus job's datasets.item_contamination): two risk datasets; the registry's champion it-0,
   * promoted by a gate decision of an earlier evaluate run, and challenger it-1, whose decision
   * is not in evaluation.gate_decisions; one language model's accuracies (30 of 40 right, Wilson
   * interval at 95 %), its exact McNemar comparison (2 of 7 discordant pairs, p = 58/128) and the
   * contamination flags of its 40 items (4 flagged).
   */
  private void modelTables(String c, String riskDataset, String riskOld) {
    spark.sql("CREATE TABLE " + Tables.DATASETS_RISK_REGISTRY.in(c) + " (dataset_id string,"
        + " interval_start date, interval_end date, cohort_definition string,"
        + " cohort_definition_hash string, features_snapshot_id bigint, run_id string,"
        + " created_at timestamp) USING iceberg");
    String dataset = ", DATE '2024-03-01', DATE '2025-03-01', 'chronic-risk', '" + COHORT_HASH
        + "', ";
    spark.sql("INSERT INTO " + Tables.DATASETS_RISK_REGISTRY.in(c) + " VALUES ('ds-1'" + dataset
        + FEATURES + ", '" + riskDataset + "', TIMESTAMP '2025-03-01 00:00:00'), ('ds-0'"
        + dataset + FEATURES_UNKNOWN + ", '" + riskOld + "', TIMESTAMP '2025-02-28 00:00:00')");
    spark.sql("CREATE TABLE " + Tables.MODELS_REGISTRY.in(c) + " (outcome string, alias string,"
        + " version bigint, iteration_id string, previous_iteration_id string,"
        + " decision_run_id string, spec_sha256 string, moved_at timestamp) USING iceberg");
    spark.sql("INSERT INTO " + Tables.MODELS_REGISTRY.in(c) + " VALUES"
        + " ('hypertension', 'champion', 1, 'it-0', NULL, 'evaluate-feb', '" + "e5".repeat(32)
        + "', TIMESTAMP '2025-02-28 02:00:00'),"
        + " ('hypertension', 'challenger', 1, 'it-1', NULL, 'evaluate-lost', '"
        + "e5".repeat(32) + "', TIMESTAMP '2025-03-02 03:00:00')");
    spark.sql("CREATE TABLE " + Tables.EVALUATION_LM_RESULTS.in(c) + " (run_id string,"
        + " iteration_id string, item_set string, item_set_sha256 string, answers_sha256 string,"
        + " subset string, scope string, subject string, n_items bigint, correct bigint,"
        + " unparseable bigint, unanswered bigint, accuracy double, ci_low double,"
        + " ci_high double, ci_method string, ci_level double, contamination_source string,"
        + " flags array<string>) USING iceberg");
    String lm = "('evaluate-lm-1', 'lm-1', 'cmb-exam', '" + "c0".repeat(32) + "', '"
        + "a5".repeat(32) + "', ";
    spark.sql("INSERT INTO " + Tables.EVALUATION_LM_RESULTS.in(c) + " VALUES"
        + lm + "'all', 'micro', NULL, 40, 30, 1, 0, 0.75, 0.598061, 0.858129, 'wilson', 0.95,"
        + " 'datasets.item_contamination', array('unparseable_answers')),"
        + lm + "'all', 'subject', 'cardiology', 20, 16, 0, 0, 0.8, 0.583983, 0.919333,"
        + " 'wilson', 0.95, 'datasets.item_contamination', array()),"
        + lm + "'all', 'macro', NULL, 40, 30, 1, 0, 0.75, 0.6, 0.87, 'bootstrap-percentile',"
        + " 0.95, 'datasets.item_contamination', array('unparseable_answers')),"
        + lm + "'clean', 'micro', NULL, 36, 27, 1, 0, 0.75, 0.589303, 0.862538, 'wilson',"
        + " 0.95, 'datasets.item_contamination', array('unparseable_answers'))");
    spark.sql("CREATE TABLE " + Tables.EVALUATION_LM_COMPARISONS.in(c) + " (run_id string,"
        + " iteration_id string, other_iteration_id string, item_set string,"
        + " item_set_sha256 string, subset string, n_items bigint, both_correct bigint,"
        + " only_iteration bigint, only_other bigint, neither bigint,"
        + " accuracy_iteration double, accuracy_other double, difference double,"
        + " p_value double, method string) USING iceberg");
    spark.sql("INSERT INTO " + Tables.EVALUATION_LM_COMPARISONS.in(c) + " VALUES"
        + " ('evaluate-lm-1', 'lm-1', 'lm-0', 'cmb-exam', '" + "c0".repeat(32) + "', 'all', 40,"
        + " 25, 5, 2, 8, 0.75, 0.675, 0.075, 0.453125, 'mcnemar-exact')");
    spark.sql("CREATE TABLE " + Tables.DATASETS_ITEM_CONTAMINATION.in(c) + " USING iceberg AS"
        + " SELECT '" + "c0".repeat(32) + "' AS item_set_sha256, concat('item-', id) AS item_id,"
        + " id < 4 AS contaminated, 'ngram-13' AS method, CAST(NULL AS double) AS score,"
        + " 'corpus-1' AS corpus_run_id, 9301L AS corpus_snapshot_id FROM range(40)");
  }

  private static String deadLetter(int offset, String code, String ingestTime) {
    return "('carelake.visits', 0, " + offset + "L, TIMESTAMP '" + ingestTime + "',"
        + " CAST('{\"patient\":{\"name\":\"王秀英\",\"phone\":\"13912345678\"}' AS BINARY), 40, '"
        + code + "', 'could not read the message at offset 40', NULL, TIMESTAMP '" + ingestTime
        + "')";
  }

  /** Check results of the picked govern run, a superseded one and the two days before. */
  private void checkResults(String c, String govern, String governOld, String feb27,
      String feb28, long rawVisitsSnapshot) {
    spark.sql("CREATE TABLE " + Tables.GOVERNANCE_CHECK_RESULTS.in(c) + " (run_id string,"
        + " rule_id string, `table` string, `column` string, rule_type string, severity string,"
        + " status string, numerator bigint, denominator bigint, threshold double, message"
        + " string, spec_version string, spec_hash string, input_snapshot_id bigint,"
        + " interval_start date, interval_end date, dimension string, indicator string,"
        + " kahn string, clause string, rationale string, change string) USING iceberg");
    String row = "('%s', '%s', '%s', '%s', '%s', '%s', '%s', %s, %d, %s, '%s', '3', 'hash1', "
        + rawVisitsSnapshot + ", DATE '2025-03-01', DATE '2025-03-02', '%s', '%s', '%s',"
        + " 'clause of %s', 'rationale of %s', %s)";
    List<String> rows = new ArrayList<>();
    rows.add(String.format(row, govern, "sbp_range", "raw.visits", "value", "range", "block",
        "PASS", "0", 5, "0.0", "all in range", "accuracy", "content_correctness", "plausibility",
        "sbp_range", "sbp_range", "NULL"));
    rows.add(String.format(row, govern, "resident_id_check_digit", "raw.visits", "resident_id",
        "pattern", "block", "FAIL", "1", 5, "0.0", "1 of 5 rows has a wrong check digit",
        "accuracy", "format_compliance", "conformance", "GB 11643", "ids", "'NEW'"));
    rows.add(String.format(row, govern, "device_id_present", "raw.vitals", "device_id",
        "completeness", "warn", "NOT_APPLICABLE", "0", 0, "0.05", "no home-device rows",
        "completeness", "element", "completeness", "presence", "devices", "NULL"));
    rows.add(String.format(row, govern, "note_length", "raw.visits", "note", "length", "warn",
        "ERROR", "NULL", 5, "0.0", "rule could not run on value 王秀英 13912345678",
        "normativity", "data_standard", "conformance", "length", "notes", "'PERSISTING'"));
    rows.add(String.format(row, govern, "visits_timeliness", "raw.visits", "event_time",
        "timeliness", "warn", "WARN", "2", 5, "0.05", "late", "timeliness", "point_timeliness",
        "plausibility", "GB/T 36344 timeliness", "late events", "'NEW'"));
    rows.add(String.format(row, governOld, "old_rule", "raw.visits", "value", "range", "block",
        "PASS", "0", 5, "0.0", "from the superseded run", "accuracy", "content_correctness",
        "plausibility", "old", "old", "NULL"));
    // the two days before: accuracy 0.9 then 1.0 on raw.visits, completeness 1.0 on raw.vitals
    rows.add(String.format(row, feb27, "sbp_range", "raw.visits", "value", "range", "block",
        "FAIL", "1", 10, "0.0", "x", "accuracy", "content_correctness", "plausibility", "s", "s",
        "'NEW'"));
    rows.add(String.format(row, feb27, "device_id_present", "raw.vitals", "device_id",
        "completeness", "warn", "PASS", "0", 4, "0.05", "x", "completeness", "element",
        "completeness", "d", "d", "NULL"));
    rows.add(String.format(row, feb28, "sbp_range", "raw.visits", "value", "range", "block",
        "PASS", "0", 12, "0.0", "x", "accuracy", "content_correctness", "plausibility", "s", "s",
        "'RESOLVED'"));
    spark.sql("INSERT INTO " + Tables.GOVERNANCE_CHECK_RESULTS.in(c) + " VALUES "
        + String.join(", ", rows));
  }

  /** privacy_results of the deidentify run (and an older one), and the key registry. */
  private void privacy(String c, String deidentify) {
    spark.sql("CREATE TABLE " + Tables.GOVERNANCE_PRIVACY_RESULTS.in(c) + " (run_id string,"
        + " job string, interval_start date, interval_end date, `table` string, k int,"
        + " max_suppression double, quasi_identifiers string, records bigint,"
        + " records_generalised bigint, records_suppressed bigint, classes bigint,"
        + " min_class_size bigint, prosecutor_risk_max double, prosecutor_risk_mean double,"
        + " information_loss double, date_shift_days int, status string,"
        + " recorded_at timestamp, release_model string, max_class_risk double,"
        + " records_by_level map<string,bigint>, class_sizes map<string,bigint>) USING iceberg");
    spark.sql("INSERT INTO " + Tables.GOVERNANCE_PRIVACY_RESULTS.in(c) + " VALUES"
        + " ('" + deidentify + "', 'deidentify', DATE '2025-03-01', DATE '2025-03-02',"
        + " 'safe.visits', 5, 0.25, 'sex,birth_year,age_at_visit,facility_id', 40, 12, 4, 5, 6,"
        + " 0.1666666667, 0.125, 0.2, 30, 'PASSED', TIMESTAMP '2025-03-02 02:00:00', 'agreement',"
        + " 0.2, map('0', 24L, '1', 8L, '2', 4L, '3', 0L, '4', 4L),"
        + " map('1', 0L, '2', 0L, '3-4', 0L, '5-9', 4L, '10-19', 1L, '20-49', 0L, '50+', 0L)),"
        + " ('" + deidentify + "', 'deidentify', DATE '2025-03-01', DATE '2025-03-02',"
        + " 'safe.vitals', 5, 0.25, 'facility_id', 30, 3, 1, NULL, NULL, NULL, NULL, 0.1, 30,"
        + " 'PASSED', TIMESTAMP '2025-03-02 02:00:00', 'agreement', 0.2, NULL, NULL),"
        + " ('deidentify-older', 'deidentify', DATE '2025-03-01', DATE '2025-03-02',"
        + " 'safe.visits', 3, 0.25, 'x', 99, 0, 0, 1, 1, 1.0, 1.0, 0.0, 0, 'BLOCKED',"
        + " TIMESTAMP '2025-03-01 02:00:00', 'enclave', 0.3333, NULL, NULL)");
    spark.sql("CREATE TABLE " + Tables.GOVERNANCE_PSEUDONYM_KEYS.in(c) + " (key_id string,"
        + " fingerprint string, first_run_id string, first_used_at timestamp) USING iceberg");
    spark.sql("INSERT INTO " + Tables.GOVERNANCE_PSEUDONYM_KEYS.in(c) + " VALUES ('k1', '"
        + KEY_FINGERPRINT + "', 'deidentify-first', TIMESTAMP '2025-01-02 03:04:05')");
  }

  private static String record(RunLedger ledger, Run run) {
    ledger.record(run.succeeded());
    return run.id();
  }

  static long snapshot(Catalog catalog, TableName name) {
    return catalog.loadTable(CatalogFactory.identifier(name)).currentSnapshot().snapshotId();
  }

  // ---------------------------------------------------------------- running the job

  /** A report run as the launcher runs it: exit code, its files, its JSON. */
  record Result(int exitCode, Path indexHtml, String reportRunId, String html, JsonNode json,
      byte[] jsonBytes, String stderr) {}

  /**
   * Runs the report job through {@link JobMain} and reads back what it wrote; every report.json
   * is validated against the shipped JSON Schema here, so each test's reports are.
   */
  static Result runReport(Path home, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--home", home.toString(),
        "--interval-start", "2025-03-01", "--interval-end", "2025-03-02"));
    args.addAll(List.of(extra));
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      exit = JobMain.run(new ReportJob(), args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String err = errors.toString(StandardCharsets.UTF_8);
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("stdout; stderr was:%n%s", err).isNotEmpty();
    String last = lines.get(lines.size() - 1);
    assertThat(last).startsWith("report: ");
    Path index = Path.of(last.substring("report: ".length()));
    assertThat(index).isAbsolute().exists().hasFileName("index.html");
    assertThat(index.getParent().getParent()).isEqualTo(home.resolve("reports"));

    Path json = index.resolveSibling("report.json");
    Path latest = home.resolve("reports").resolve("latest");
    assertThat(latest.resolve("index.html")).hasSameBinaryContentAs(index);
    assertThat(latest.resolve("report.json")).hasSameBinaryContentAs(json);

    byte[] jsonBytes = Files.readAllBytes(json);
    assertThat(ReportSchema.violations(jsonBytes)).as("report.json against %s",
        ReportSchema.RESOURCE).isEmpty();
    JsonNode tree = new ObjectMapper().readTree(jsonBytes);
    assertThat(tree.get("report_id").asText()).isEqualTo(index.getParent().getFileName().toString());
    return new Result(exit, index, tree.get("report_run_id").asText(),
        Files.readString(index, StandardCharsets.UTF_8), tree, jsonBytes, err);
  }

  /** No planted identifier, nor the key's fingerprint or file, in either file. */
  static void assertNoPhi(Result result) {
    String json = new String(result.jsonBytes(), StandardCharsets.UTF_8);
    for (String value : PHI) {
      assertThat(json).as("report.json").doesNotContain(value);
      assertThat(result.html()).as("index.html").doesNotContain(value);
    }
    for (String secret : List.of(KEY_FINGERPRINT, KEY_SOURCE)) {
      assertThat(json).as("report.json").doesNotContain(secret);
      assertThat(result.html()).as("index.html").doesNotContain(secret);
    }
  }
}
