package io.carelake.deid;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.SparkSessions;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Small local Spark for the deidentify tests. Jobs open their own session through JobMain (which
 * never sets a master) and stop it when they end, so the master and the small-machine settings
 * are {@code spark.*} system properties, which every new SparkConf reads.
 */
final class DeidSpark {

  static {
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.sql.shuffle.partitions", "2");
    System.setProperty("spark.ui.enabled", "false");
    System.setProperty("spark.driver.host", "127.0.0.1");
  }

  private DeidSpark() {}

  /** The active session on the home's catalog, or a new one if a job stopped the last. */
  static SparkSession session(CarelakeConfig cfg) {
    SparkSession.Builder builder = SparkSession.builder().master("local[2]")
        .appName("carelake-deid-test");
    SparkSessions.catalogConf(cfg).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** Stops the active session, so that the next test's home gets a fresh catalog. */
  static void stop() {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  static Row latestRun(SparkSession spark, String job) {
    List<Row> runs = spark.sql("SELECT * FROM carelake.governance.runs WHERE job = '" + job
        + "' ORDER BY ended_at DESC").collectAsList();
    if (runs.isEmpty()) {
      throw new AssertionError("no " + job + " run in governance.runs");
    }
    return runs.get(0);
  }
}
