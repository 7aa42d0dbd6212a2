package io.carelake.governance;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.SparkSessions;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Small local Spark for tests. Jobs open their own session through {@code JobMain} (which never
 * sets a master) and stop it when they end, so the master and the small-machine settings are given
 * as {@code spark.*} system properties, which every new {@code SparkConf} reads.
 */
final class TestSpark {

  static {
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.default.parallelism", "2");
    System.setProperty("spark.ui.enabled", "false");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  private TestSpark() {}

  /** A session on {@code cfg}'s catalog; any other session is stopped first (it would keep its catalog). */
  static SparkSession open(CarelakeConfig cfg) {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("govern-test");
    SparkSessions.catalogConf(cfg).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * A plain local session (no catalog) for tests that only need Spark and Deequ: the live session
   * when there is one, so that test classes running one after another in the same JVM share it;
   * a new one only when a job test stopped the previous one. Sessions are UTC, as the jobs run.
   */
  static SparkSession local() {
    SparkSession live = SparkSession.getActiveSession().getOrElse(() -> SparkSession
        .getDefaultSession().getOrElse(() -> null));
    SparkSession spark = live != null && !live.sparkContext().isStopped() ? live
        : SparkSession.builder().master("local[2]").appName("govern-test").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    return spark;
  }

  static void stop() {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The tables a govern run publishes. */
  static final List<String> PUBLISHED = List.of("curated.visits", "curated.vitals",
      "quarantine.visits", "quarantine.vitals");

  /** An Iceberg table of the session's {@code carelake} catalog, refreshed. */
  static org.apache.iceberg.Table iceberg(SparkSession spark, String table) {
    org.apache.iceberg.Table t = org.apache.iceberg.spark.Spark3Util
        .loadIcebergCatalog(spark, "carelake")
        .loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(table));
    t.refresh();
    return t;
  }

  /** Each of the published tables' refs (main and any audit branch) by name, as they are now. */
  static Map<String, Map<String, org.apache.iceberg.SnapshotRef>> publishedRefs(
      SparkSession spark) {
    Map<String, Map<String, org.apache.iceberg.SnapshotRef>> out = new java.util.HashMap<>();
    PUBLISHED.forEach(t -> out.put(t, Map.copyOf(iceberg(spark, t).refs())));
    return out;
  }

  /** The latest run of {@code job} in the ledger. */
  static Row latestRun(SparkSession spark, String job) {
    List<Row> runs = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = '" + job
        + "' ORDER BY ended_at DESC").collectAsList();
    if (runs.isEmpty()) {
      throw new AssertionError("no " + job + " run in governance.runs");
    }
    return runs.get(0);
  }

  static Map<String, Long> longMap(Row row, String field) {
    return scala.collection.JavaConverters.mapAsJavaMap(
        row.<scala.collection.Map<String, Long>>getAs(field));
  }
}
