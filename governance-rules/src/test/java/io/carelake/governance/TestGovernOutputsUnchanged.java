package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's guard: govern's outputs at about 10^5 rows stay row for row what they were before
 * the job was optimised. The raw slice (100,000 vitals from the bench's generator, varied so that
 * every quarantining vitals rule and most warn rules fire, and 10,000 visits, about half of the
 * patients', with bad ids, sexes, visit types, ICD-10 codes and birth dates) is governed once with
 * the shipped specs; each output table is reduced to its row count and an order-free digest (the
 * sum of a 64-bit hash of every row, without the run's ids, timestamps and snapshot ids; doubles of
 * the check results and metrics rounded to 9 decimals, since a sum's last bits may depend on how
 * the rows were partitioned). The expected digests were recorded with the implementation before
 * issue 18's change (commit 1525b53, main): any change to a published row, a quarantine reason,
 * a check verdict, a Deequ constraint or a metric shows up as a different digest.
 */
class TestGovernOutputsUnchanged {

  static final String START = "2025-01-01";
  static final String END = "2025-01-02";

  /** table -> "rows:digest", as the implementation before issue 18 wrote them. */
  static final Map<String, String> RECORDED = Map.of(
      "curated.visits", "4423:271402135341474598874",
      "curated.vitals", "98447:-989578579839192398950",
      "quarantine.visits", "4277:-472921937463601535545",
      "quarantine.vitals", "1553:6559945924781499956",
      "governance.check_results", "29:16026775770240534427",
      "governance.metrics", "33:44562105682068344678");

  /** Columns that name the run or the moment, not the result. */
  static final List<String> RUN_COLUMNS = List.of(GovernedTables.RUN_ID, "run_id", "checked_at",
      "computed_at", "input_snapshot_id");

  @TempDir static Path home;

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop();
  }

  @Test
  void governsAHundredThousandRowsExactlyAsBeforeTheOptimisation() throws Exception {
    LocalSpark.stop();
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    SparkSession spark = LocalSpark.open(cfg);
    Catalog catalog = CatalogFactory.open(cfg);
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS, TableSchemas.RAW_VISITS,
        TableSchemas.rawVisitsSpec());
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VITALS, TableSchemas.RAW_VITALS,
        TableSchemas.rawVitalsSpec());
    vitals(spark, 100_000).writeTo(Tables.RAW_VITALS.in(cfg.catalogName())).append();
    visits(spark, 10_000).writeTo(Tables.RAW_VISITS.in(cfg.catalogName())).append();

    int exit = JobMain.run(new GovernJob(), new String[] {"--home", home.toString(),
        "--interval-start", START, "--interval-end", END});
    assertThat(exit).isEqualTo(JobMain.EXIT_OK);

    spark = LocalSpark.open(cfg);
    // Deequ measured both tables in the pass of the curated write, never in a scan of its own
    assertThat(TestSpark.longMap(LocalSpark.latestRun(spark, "govern"), "counts"))
        .doesNotContainKey("deequ.own_scans");
    Map<String, String> digests = new LinkedHashMap<>();
    for (String table : RECORDED.keySet().stream().sorted().toList()) {
      digests.put(table, digest(spark.table(cfg.catalogName() + "." + table)));
    }
    // every table has rows: the digests compare something
    digests.forEach((table, d) -> assertThat(d).as(table).doesNotStartWith("0:"));
    assertThat(digests).isEqualTo(new java.util.TreeMap<>(RECORDED));
  }

  /**
   * An interval longer than a week is written with Iceberg's hash distribution (a shuffle before
   * the writers), so the metrics Deequ needs are observed in a shuffle's map stage rather than in
   * the writing stage: they still arrive, and agree with the rows written (the audit reconciles
   * them). The standard fixture over [2025-02-25, 2025-03-07) holds its 22 + 34 rows of
   * [03-01, 03-03) plus the four written just outside that: visit v90 (good), v91 (bad check
   * character), vital s90 (SBP 400) — so 2 + 1 visits and 6 + 1 vitals are quarantined.
   */
  @Test
  void aBackfillIntervalIsMeasuredInTheSamePass(@TempDir Path backfillHome) throws Exception {
    LocalSpark.stop();
    CarelakeConfig cfg = CarelakeConfig.load(backfillHome, Map.of());
    RawFixture.standard().create(cfg, LocalSpark.open(cfg));
    int exit = JobMain.run(new GovernJob(), new String[] {"--home", backfillHome.toString(),
        "--interval-start", "2025-02-25", "--interval-end", "2025-03-07"});
    assertThat(exit).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.open(cfg);
    Map<String, Long> counts = TestSpark.longMap(LocalSpark.latestRun(spark, "govern"), "counts");
    assertThat(counts).doesNotContainKey("deequ.own_scans")
        .containsEntry("raw.visits.rows", 24L).containsEntry("raw.vitals.rows", 35L)
        .containsEntry("curated.visits.rows", 21L).containsEntry("quarantine.visits.rows", 3L)
        .containsEntry("curated.vitals.rows", 28L).containsEntry("quarantine.vitals.rows", 7L);
  }

  /** "rows:sum of xxhash64 of each row" over the result columns, independent of row order. */
  static String digest(Dataset<Row> table) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      if (RUN_COLUMNS.contains(f.name())) {
        continue;
      }
      Column c = functions.col(f.name());
      cols.add(f.dataType().equals(DataTypes.DoubleType) ? functions.round(c, 9) : c);
    }
    Row r = table.agg(functions.count(functions.lit(1)), functions.sum(
        functions.xxhash64(cols.toArray(Column[]::new)).cast("decimal(38,0)"))).first();
    return r.getLong(0) + ":" + (r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString());
  }

  /**
   * The bench's synthetic vitals, varied by row number: blank facility (required, block, 0.1 %),
   * a wrong check character, a non-canonical unit, an unknown source, an imported facility (the
   * check character is not checked), a home reading without a device, a late ingest.
   */
  static Dataset<Row> vitals(SparkSession spark, long n) {
    Dataset<Row> base = GovernBench.synthetic(spark, n)
        .withColumn("n", functions.expr("CAST(substring(event_id, 7) AS BIGINT)"));
    Map<String, String> changed = new LinkedHashMap<>();
    changed.put("facility_id", "CASE WHEN n % 1009 = 3 THEN ' ' WHEN n % 13 = 0"
        + " THEN concat('his:', facility_id) ELSE facility_id END");
    changed.put("resident_id", "CASE WHEN n % 211 = 7 THEN concat(substring(resident_id, 1, 17),"
        + " CASE WHEN substring(resident_id, 18, 1) = '1' THEN '2' ELSE '1' END)"
        + " ELSE resident_id END");
    changed.put("unit", "CASE WHEN n % 997 = 5 THEN 'mg/dL' ELSE unit END");
    changed.put("source", "CASE WHEN n % 1499 = 11 THEN 'kiosk' ELSE source END");
    changed.put("device_id", "CASE WHEN n % 51 = 0 THEN NULL ELSE device_id END");
    changed.put("ingest_time", "CASE WHEN n % 401 = 0 THEN ingest_time + INTERVAL 20 DAYS"
        + " ELSE ingest_time END");
    return castTo(base.selectExpr(Arrays.stream(base.columns()).filter(c -> !c.equals("n"))
        .map(c -> changed.containsKey(c) ? changed.get(c) + " AS " + c : c)
        .toArray(String[]::new)), SparkSchemaUtil.convert(TableSchemas.RAW_VITALS));
  }

  /** Visits of every other bench patient (the vitals of the rest fail referential integrity). */
  static Dataset<Row> visits(SparkSession spark, long n) {
    Dataset<Row> ids = GovernBench.synthetic(spark, 2000).selectExpr("resident_id").distinct();
    Dataset<Row> patients = ids.selectExpr("resident_id",
        "row_number() OVER (ORDER BY resident_id) AS p").filter("p % 2 = 0");
    Dataset<Row> rows = spark.range(n).selectExpr("id", "CAST(id % 500 AS INT) + 1 AS p2")
        .join(patients.selectExpr("resident_id", "CAST(p / 2 AS INT) AS p2"), "p2");
    return castTo(rows.selectExpr(
        "concat('visit-', id) AS event_id",
        "timestamp_seconds(unix_seconds(TIMESTAMP '2025-01-01 00:00:00+00:00')"
            + " + pmod(id * 7919, 86400)) AS event_time",
        "1 AS schema_version",
        "CASE WHEN id % 97 = 1 THEN concat(substring(resident_id, 1, 17), CASE WHEN"
            + " substring(resident_id, 18, 1) = '1' THEN '2' ELSE '1' END) ELSE resident_id END"
            + " AS resident_id",
        "'name' AS patient_name",
        "element_at(array('1', '2', '1', '2', '9', '0', '1', '2', '1', 'x'),"
            + " CAST(id % 10 AS INT) + 1) AS sex",
        "CASE WHEN id % 89 = 2 THEN NULL WHEN id % 307 = 3 THEN DATE '2030-01-01'"
            + " ELSE date_add(DATE '1940-01-01', CAST(id * 37 % 20000 AS INT)) END AS birth_date",
        "'13800000000' AS phone",
        "'address' AS address",
        "CASE WHEN id % 11 = 0 THEN 'his:F002' ELSE 'F001' END AS facility_id",
        "'D01' AS clinician_id",
        "element_at(array('outpatient', 'follow_up', 'chronic_review', 'emergency', 'home_visit',"
            + " 'inpatient', 'walk_in'), CAST(id % 7 AS INT) + 1) AS visit_type",
        "element_at(array(array('I10'), array('E11.9', 'E78.5'), CAST(array() AS array<string>),"
            + " array('I10', 'XYZ'), array('D98.1'), array('R51', 'E11.65'), array('J06.9')),"
            + " CAST(id % 7 AS INT) + 1) AS diagnoses",
        "'complaint' AS chief_complaint",
        "'note' AS note",
        "array(named_struct('drug', 'd', 'dose', '5 mg', 'frequency', 'qd', 'days', 30))"
            + " AS prescriptions",
        "'carelake.visits' AS kafka_topic",
        "0 AS kafka_partition",
        "id AS kafka_offset",
        "timestamp_seconds(unix_seconds(TIMESTAMP '2025-01-01 00:00:00+00:00')"
            + " + pmod(id * 7919, 86400) + CASE WHEN id % 53 = 0 THEN 2000000 ELSE 300 END)"
            + " AS ingest_time",
        "CAST(NULL AS TIMESTAMP) AS record_time"), SparkSchemaUtil.convert(TableSchemas.RAW_VISITS));
  }

  private static Dataset<Row> castTo(Dataset<Row> df, StructType target) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : target.fields()) {
      cols.add(functions.col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }
}
