package io.carelake.evaluation;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** Small local Spark sessions, optionally over a temp carelake home (only test code sets a master). */
public final class TestSessions {

  private TestSessions() {}

  /**
   * A fresh session, mounting {@code cfg}'s catalog when it is not null. Any session left open is
   * stopped first: a reused one would keep its catalog bound to another test's home.
   */
  public static SparkSession open(CarelakeConfig cfg) {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder builder = SparkSession.builder().master("local[2]")
        .appName("test-evaluation")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC");
    if (cfg != null) {
      SparkSessions.catalogConf(cfg).forEach(builder::config);
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
