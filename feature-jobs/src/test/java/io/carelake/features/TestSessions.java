package io.carelake.features;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** Small local Spark sessions over a temp carelake home (test code only sets a master). */
final class TestSessions {

  private TestSessions() {}

  /**
   * A fresh session over {@code cfg}'s catalog. Any session left open is stopped first: a reused one
   * would keep its catalog bound to another test's home.
   */
  static SparkSession open(CarelakeConfig cfg) {
    SparkSession.getDefaultSession().foreach(s -> { s.stop(); return null; });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("test-features")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false");
    SparkSessions.catalogConf(cfg).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
