package io.carelake.ingestion;

import io.carelake.core.config.CarelakeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything the ingest job reads from the carelake configuration, resolved once at start. Keys
 * that only ingestion uses are declared here, each with its default beside it.
 *
 * @param kafkaClient extra Kafka client properties ({@code kafka.client.*} with the prefix
 *     removed, e.g. {@code kafka.client.security.protocol}) for the source and the offset checks
 */
public record IngestSettings(
    String bootstrapServers,
    String visitsTopic,
    String vitalsTopic,
    String consumerGroup,
    Map<String, String> kafkaClient,
    String checkpointDir,
    Duration checkpointInterval,
    int parallelism,
    Duration dedupTtl,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    int maxOpenFiles,
    int maxExtraColumns) {

  /** How long an event id is remembered for deduplication. */
  public static final String DEDUP_TTL = "ingest.dedup-ttl-ms";
  public static final String DEDUP_TTL_DEFAULT = String.valueOf(Duration.ofDays(7).toMillis());
  /** How far behind the newest event time the watermark trails. Later events are still written. */
  public static final String MAX_OUT_OF_ORDERNESS = "ingest.max-out-of-orderness-ms";
  public static final String MAX_OUT_OF_ORDERNESS_DEFAULT =
      String.valueOf(Duration.ofMinutes(5).toMillis());
  /**
   * A Kafka partition from which nothing was read for this long stops holding the completeness
   * watermark back (see {@code flink.CompletenessWatermark}).
   */
  public static final String IDLE_TIMEOUT = "ingest.idle-timeout-ms";
  public static final String IDLE_TIMEOUT_DEFAULT = String.valueOf(Duration.ofMinutes(30).toMillis());
  /**
   * Data files one writer subtask keeps open per raw event table; opening one more closes the one
   * written least recently. Bounds memory in a catch-up over many days (a few MiB per file).
   */
  public static final String MAX_OPEN_FILES = "ingest.max-open-files";
  public static final String MAX_OPEN_FILES_DEFAULT = "8";
  /**
   * Distinct columns producers' unknown fields may add to one raw table; a message that would add
   * more becomes a dead letter ({@code TOO_MANY_EXTRA_COLUMNS}).
   */
  public static final String MAX_EXTRA_COLUMNS = "ingest.max-extra-columns";
  public static final String MAX_EXTRA_COLUMNS_DEFAULT = "64";
  public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

  public static IngestSettings from(CarelakeConfig config) {
    int parallelism = config.getInt(CarelakeConfig.INGEST_PARALLELISM);
    if (parallelism < 1) {
      throw new IllegalArgumentException("Configuration key '" + CarelakeConfig.INGEST_PARALLELISM
          + "' in " + config.file() + " must be at least 1, got " + parallelism);
    }
    Duration interval = config.getMillis(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL);
    if (interval.toMillis() < 10) {
      throw new IllegalArgumentException("Configuration key '"
          + CarelakeConfig.INGEST_CHECKPOINT_INTERVAL + "' in " + config.file()
          + " must be at least 10 ms (checkpointing is always on: Iceberg commits on checkpoints)");
    }
    Map<String, String> client = new TreeMap<>();
    config.redacted().keySet().stream()
        .filter(k -> k.startsWith(KAFKA_CLIENT_PREFIX))
        .forEach(k -> client.put(k.substring(KAFKA_CLIENT_PREFIX.length()), config.get(k)));
    return new IngestSettings(
        config.kafkaBootstrapServers(),
        config.visitsTopic(),
        config.vitalsTopic(),
        config.get(CarelakeConfig.KAFKA_CONSUMER_GROUP),
        client,
        config.get(CarelakeConfig.INGEST_CHECKPOINT_DIR),
        interval,
        parallelism,
        millis(config, DEDUP_TTL, DEDUP_TTL_DEFAULT),
        millis(config, MAX_OUT_OF_ORDERNESS, MAX_OUT_OF_ORDERNESS_DEFAULT),
        millis(config, IDLE_TIMEOUT, IDLE_TIMEOUT_DEFAULT),
        atLeastOne(config, MAX_OPEN_FILES, MAX_OPEN_FILES_DEFAULT),
        atLeastOne(config, MAX_EXTRA_COLUMNS, MAX_EXTRA_COLUMNS_DEFAULT));
  }

  private static Duration millis(CarelakeConfig config, String key, String fallback) {
    String value = config.get(key, fallback);
    try {
      return Duration.ofMillis(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Configuration key '" + key + "' in " + config.file()
          + " must be a number of milliseconds, got '" + value + "'");
    }
  }

  private static int atLeastOne(CarelakeConfig config, String key, String fallback) {
    String value = config.get(key, fallback);
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("Configuration key '" + key + "' in " + config.file()
        + " must be a whole number of at least 1, got '" + value + "'");
  }

  public List<String> topics() {
    return List.of(visitsTopic, vitalsTopic);
  }

  /** Properties for Kafka admin clients: bootstrap servers plus {@code kafka.client.*}. */
  public Properties adminProperties() {
    Properties props = new Properties();
    props.putAll(kafkaClient);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }
}
