package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Small local Spark for the Spark modules' tests (this module's test-jar; the modules that used to
 * keep a copy each depend on it). Jobs open their own session through {@link JobMain} (which never
 * sets a master) and use a session that already exists, so the master and the small-machine
 * settings are {@code spark.*} system properties, which every new {@code SparkConf} reads. A
 * session is bound to one home's catalog: a test on another home stops it ({@link #open}).
 */
public final class LocalSpark {

  static {
    System.setProperty("spark.master", "local[2]");
    // a small machine: Spark's default of 200 shuffle partitions is for clusters
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.default.parallelism", "2");
    System.setProperty("spark.ui.enabled", "false");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  private LocalSpark() {}

  /**
   * The live session, or a new one on the home's catalog when a job stopped the last (a live
   * session keeps the catalog it was opened on: tests of one home share it).
   */
  public static SparkSession session(CarelakeConfig cfg) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]")
        .appName("carelake-test");
    SparkSessions.catalogConf(cfg).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** A new session on {@code cfg}'s catalog; any other session is stopped first. */
  public static SparkSession open(CarelakeConfig cfg) {
    stop();
    SparkSession spark = session(cfg);
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * A plain session (no catalog) for tests that need only Spark: the live one when there is one, so
   * that test classes running one after another in the same JVM share it. UTC, as the jobs run.
   */
  public static SparkSession live() {
    SparkSession live = SparkSession.getActiveSession().getOrElse(() -> SparkSession
        .getDefaultSession().getOrElse(() -> null));
    SparkSession spark = live != null && !live.sparkContext().isStopped() ? live
        : SparkSession.builder().master("local[2]").appName("carelake-test").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    return spark;
  }

  /** Stops the active and the default session, so that the next test opens one on its catalog. */
  public static void stop() {
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

  /** The latest run of {@code job} in the ledger. */
  public static Row latestRun(SparkSession spark, String job) {
    refreshRuns(spark);
    List<Row> runs = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = '" + job
        + "' ORDER BY ended_at DESC").collectAsList();
    if (runs.isEmpty()) {
      throw new AssertionError("no " + job + " run in governance.runs");
    }
    return runs.get(0);
  }

  /** How many runs of {@code job} the ledger holds. */
  public static long runCount(SparkSession spark, String job) {
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
