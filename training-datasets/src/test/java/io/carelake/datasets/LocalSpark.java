package io.carelake.datasets;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.SparkSessions;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Small local Spark for tests. The jobs open their own session through {@code JobMain} (which never
 * sets a master) and stop it when they end, so the master and the small-machine settings are given
 * as {@code spark.*} system properties, which every new {@code SparkConf} reads.
 */
final class LocalSpark {

  static {
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.ui.enabled", "false");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  private LocalSpark() {}

  /** The active test session on the home's catalog, or a new one if a job stopped the last. */
  static SparkSession session(CarelakeConfig cfg) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("carelake-test");
    SparkSessions.catalogConf(cfg).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** Stops the active session, if any, so that the next test opens one on its own catalog. */
  static void stop() {
    if (SparkSession.getActiveSession().isDefined()) {
      SparkSession.getActiveSession().get().stop();
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The latest run of {@code job} in the ledger. */
  static Row latestRun(SparkSession spark, String job) {
    refreshRuns(spark);
    List<Row> runs = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = '" + job
        + "' ORDER BY ended_at DESC").collectAsList();
    if (runs.isEmpty()) {
      throw new AssertionError("no " + job + " run in governance.runs");
    }
    return runs.get(0);
  }

  static long runCount(SparkSession spark, String job) {
    refreshRuns(spark);
    return spark.sql("SELECT * FROM carelake.governance.runs WHERE job = '" + job + "'").count();
  }

  /**
   * Drops the session's cached governance.runs: a job that read the ledger through this session
   * (risk-dataset cites its features runs) cached it while its own row was still RUNNING, and the
   * ledger's later commits go through the Iceberg API, not through the session.
   */
  private static void refreshRuns(SparkSession spark) {
    if (spark.catalog().tableExists("carelake.governance.runs")) {
      spark.catalog().refreshTable("carelake.governance.runs");
    }
  }
}
