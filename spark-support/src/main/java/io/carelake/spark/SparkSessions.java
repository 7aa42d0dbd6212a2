package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the session every job runs in. The master is never set here: {@code spark-submit} (or the
 * launcher, through {@code -Dspark.master}) decides where the job runs.
 */
public final class SparkSessions {

  private SparkSessions() {}

  public static SparkSession create(CarelakeConfig config, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    catalogConf(config).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** The Spark conf that mounts the carelake Iceberg catalog, from the {@code catalog.*} keys. */
  public static Map<String, String> catalogConf(CarelakeConfig config) {
    String prefix = "spark.sql.catalog." + config.catalogName();
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    conf.put("spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    config.catalogProperties().forEach((k, v) -> conf.put(prefix + "." + k, v));
    // Days are UTC days everywhere: partitions, intervals and features agree.
    conf.put("spark.sql.session.timeZone", "UTC");
    return conf;
  }
}
