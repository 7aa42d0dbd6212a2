package io.carelake.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * carelake's runtime configuration: one properties file, {@code <home>/carelake.properties}, read by
 * every engine, job, the launcher and the DAGs.
 *
 * <p>Resolution order, last wins: built-in defaults → the file → environment variables. A key's
 * environment variable is {@code CARELAKE_} followed by the key upper-cased with dots and hyphens
 * turned into underscores ({@code kafka.bootstrap-servers} → {@code CARELAKE_KAFKA_BOOTSTRAP_SERVERS}).
 * On first use in a home, the file is written with its defaults so that users can read and edit it.
 *
 * <p>Secrets are never stored here: the pseudonymisation key is read from the file or environment
 * variable that {@link #DEID_KEY_FILE} and {@link #DEID_KEY_ENV} name.
 */
public final class CarelakeConfig {

  public static final String FILE_NAME = "carelake.properties";
  public static final String ENV_PREFIX = "CARELAKE_";
  /** Environment variable that points to the config file itself (cluster deployments). */
  public static final String CONFIG_ENV = "CARELAKE_CONFIG";
  public static final String HOME_ENV = "CARELAKE_HOME";
  public static final String HOME_DEFAULT = ".carelake";

  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
  public static final String KAFKA_BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:19092";
  public static final String KAFKA_TOPIC_VISITS = "kafka.topic.visits";
  public static final String KAFKA_TOPIC_VISITS_DEFAULT = "carelake.visits";
  public static final String KAFKA_TOPIC_VITALS = "kafka.topic.vitals";
  public static final String KAFKA_TOPIC_VITALS_DEFAULT = "carelake.vitals";
  public static final String KAFKA_TOPIC_PARTITIONS = "kafka.topic.partitions";
  public static final String KAFKA_TOPIC_PARTITIONS_DEFAULT = "2";
  public static final String KAFKA_CONSUMER_GROUP = "kafka.consumer-group";
  public static final String KAFKA_CONSUMER_GROUP_DEFAULT = "carelake-ingest";

  public static final String CATALOG_PREFIX = "catalog.";
  public static final String CATALOG_NAME = "catalog.name";
  public static final String CATALOG_NAME_DEFAULT = "carelake";
  public static final String CATALOG_TYPE = "catalog.type";
  public static final String CATALOG_TYPE_DEFAULT = "jdbc";
  public static final String CATALOG_URI = "catalog.uri";
  public static final String CATALOG_WAREHOUSE = "catalog.warehouse";

  public static final String SQLITE_URI_PREFIX = "jdbc:sqlite:";
  /**
   * Defaults that only a SQLite catalog wants: left out when {@code catalog.uri} names another
   * database (unless the file sets them), since every {@code catalog.jdbc.*} key reaches the driver.
   */
  public static final java.util.List<String> SQLITE_ONLY_DEFAULTS =
      java.util.List.of("catalog.jdbc.journal_mode", "catalog.jdbc.busy_timeout");

  public static final String INGEST_CHECKPOINT_DIR = "ingest.checkpoint-dir";
  public static final String INGEST_CHECKPOINT_INTERVAL = "ingest.checkpoint-interval-ms";
  public static final String INGEST_CHECKPOINT_INTERVAL_DEFAULT = "10000";
  public static final String INGEST_PARALLELISM = "ingest.parallelism";
  public static final String INGEST_PARALLELISM_DEFAULT = "2";

  public static final String REPORTS_DIR = "reports.dir";
  public static final String DATASETS_DIR = "datasets.dir";
  public static final String MODELS_DIR = "models.dir";

  public static final String DEID_KEY_FILE = "deid.key-file";
  public static final String DEID_KEY_ENV = "deid.key-env";
  public static final String DEID_KEY_ENV_DEFAULT = "CARELAKE_PSEUDONYM_KEY";
  public static final String DEID_KEY_ID = "deid.key-id";
  public static final String DEID_KEY_ID_DEFAULT = "k1";

  public static final String LAUNCHER_SPARK_MASTER = "launcher.spark.master";
  public static final String LAUNCHER_SPARK_MASTER_DEFAULT = "local[2]";
  public static final String LAUNCHER_JOB_HEAP = "launcher.job-heap";
  public static final String LAUNCHER_JOB_HEAP_DEFAULT = "3g";
  /**
   * More JVM options for the jobs the launcher runs in local JVMs, space-separated (no default:
   * none). The end-to-end tests set {@code -XX:TieredStopAtLevel=1}: their jobs are short JVMs
   * over small data, where the C2 compiler's work costs more CPU than it saves.
   */
  public static final String LAUNCHER_JOB_JVM_OPTIONS = "launcher.job-jvm-options";
  /**
   * Where the launcher's {@code spark-submit} and {@code flink run} come from when it submits jobs
   * to clusters instead of running them in local JVMs (the cluster profile writes them; no
   * default: unset, jobs run embedded), and the configuration directory each is given
   * ({@code SPARK_CONF_DIR}, {@code FLINK_CONF_DIR}).
   */
  public static final String LAUNCHER_SPARK_HOME = "launcher.spark.home";
  public static final String LAUNCHER_SPARK_CONF_DIR = "launcher.spark.conf-dir";
  public static final String LAUNCHER_FLINK_HOME = "launcher.flink.home";
  public static final String LAUNCHER_FLINK_CONF_DIR = "launcher.flink.conf-dir";

  private final Path home;
  private final Path file;
  private final Map<String, String> values;
  /** The environment the values were resolved with: a rewrite of the file resolves with it again. */
  private final Map<String, String> env;

  private CarelakeConfig(Path home, Path file, Map<String, String> values, Map<String, String> env) {
    this.home = home;
    this.file = file;
    this.values = values;
    this.env = env;
  }

  /** Loads {@code <home>/carelake.properties} with the process environment, writing defaults on first use. */
  public static CarelakeConfig load(Path home) {
    return load(home, System.getenv());
  }

  public static CarelakeConfig load(Path home, Map<String, String> env) {
    Path absHome = home.toAbsolutePath().normalize();
    Path file = absHome.resolve(FILE_NAME);
    try {
      Files.createDirectories(absHome);
      if (!Files.exists(file)) {
        write(file, defaults(absHome));
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot create " + file + ": " + e.getMessage()
          + " (check that the home directory is writable, or pass --home DIR)", e);
    }
    return fromFile(absHome, file, env);
  }

  /**
   * Loads an explicit config file (cluster deployments, where there is no local home): nothing is
   * written, and keys missing from the file fall back to defaults computed for {@code home}.
   */
  public static CarelakeConfig loadFile(Path file, Map<String, String> env) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Config file not found: " + file
          + " (pass --config with the path of a carelake.properties file)");
    }
    Path home = file.toAbsolutePath().getParent();
    return fromFile(home, file.toAbsolutePath(), env);
  }

  /**
   * Resolves the configuration the way every command does: {@code --config FILE} (or
   * {@code CARELAKE_CONFIG}) if given, else {@code --home DIR} (or {@code CARELAKE_HOME}, else
   * {@code ./.carelake}).
   */
  public static CarelakeConfig resolve(Path homeOption, Path configOption, Map<String, String> env) {
    if (configOption != null) {
      return loadFile(configOption, env);
    }
    if (env.get(CONFIG_ENV) != null && homeOption == null) {
      return loadFile(Path.of(env.get(CONFIG_ENV)), env);
    }
    Path home = homeOption != null ? homeOption
        : Path.of(env.getOrDefault(HOME_ENV, HOME_DEFAULT));
    return load(home, env);
  }

  private static CarelakeConfig fromFile(Path home, Path file, Map<String, String> env) {
    Map<String, String> merged = new TreeMap<>(defaults(home));
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    for (String key : props.stringPropertyNames()) {
      merged.put(key, props.getProperty(key).trim());
    }
    if (!merged.getOrDefault(CATALOG_URI, "").startsWith(SQLITE_URI_PREFIX)) {
      // a catalog on another database: SQLite's connection settings would reach its driver
      SQLITE_ONLY_DEFAULTS.stream().filter(k -> !props.containsKey(k)).forEach(merged::remove);
    }
    for (String key : merged.keySet().toArray(String[]::new)) {
      String override = env.get(envName(key));
      if (override != null) {
        merged.put(key, override.trim());
      }
    }
    return new CarelakeConfig(home, file, merged, env);
  }

  /** The defaults for an embedded home: everything under one local directory. */
  public static Map<String, String> defaults(Path home) {
    Path h = home.toAbsolutePath().normalize();
    Map<String, String> d = new LinkedHashMap<>();
    d.put(KAFKA_BOOTSTRAP_SERVERS, KAFKA_BOOTSTRAP_SERVERS_DEFAULT);
    d.put(KAFKA_TOPIC_VISITS, KAFKA_TOPIC_VISITS_DEFAULT);
    d.put(KAFKA_TOPIC_VITALS, KAFKA_TOPIC_VITALS_DEFAULT);
    d.put(KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_PARTITIONS_DEFAULT);
    d.put(KAFKA_CONSUMER_GROUP, KAFKA_CONSUMER_GROUP_DEFAULT);
    d.put(CATALOG_NAME, CATALOG_NAME_DEFAULT);
    d.put(CATALOG_TYPE, CATALOG_TYPE_DEFAULT);
    d.put(CATALOG_URI, SQLITE_URI_PREFIX + h.resolve("catalog.db"));
    d.put(CATALOG_WAREHOUSE, h.resolve("warehouse").toUri().toString());
    // SQLite is shared by Spark and Flink processes: WAL lets readers run beside one writer, and
    // the busy timeout makes a second writer wait instead of failing with SQLITE_BUSY.
    d.put("catalog.jdbc.journal_mode", "WAL");
    d.put("catalog.jdbc.busy_timeout", "30000");
    d.put("catalog.jdbc.schema-version", "V1");
    d.put(INGEST_CHECKPOINT_DIR, h.resolve("checkpoints").resolve("ingest").toUri().toString());
    d.put(INGEST_CHECKPOINT_INTERVAL, INGEST_CHECKPOINT_INTERVAL_DEFAULT);
    d.put(INGEST_PARALLELISM, INGEST_PARALLELISM_DEFAULT);
    d.put(REPORTS_DIR, h.resolve("reports").toString());
    d.put(DATASETS_DIR, h.resolve("datasets").toString());
    d.put(MODELS_DIR, h.resolve("models").toString());
    d.put(DEID_KEY_FILE, h.resolve("secrets").resolve("pseudonym.key").toString());
    d.put(DEID_KEY_ENV, DEID_KEY_ENV_DEFAULT);
    d.put(DEID_KEY_ID, DEID_KEY_ID_DEFAULT);
    d.put(LAUNCHER_SPARK_MASTER, LAUNCHER_SPARK_MASTER_DEFAULT);
    d.put(LAUNCHER_JOB_HEAP, LAUNCHER_JOB_HEAP_DEFAULT);
    return d;
  }

  /** {@code kafka.bootstrap-servers} → {@code CARELAKE_KAFKA_BOOTSTRAP_SERVERS}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public Path home() {
    return home;
  }

  public Path file() {
    return file;
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null || value.isEmpty()) {
      throw new ConfigException("Missing configuration key '" + key + "' in " + file
          + " (set it there or in the environment variable " + envName(key) + ")");
    }
    return value;
  }

  public String get(String key, String fallback) {
    String value = values.get(key);
    return value == null || value.isEmpty() ? fallback : value;
  }

  public int getInt(String key) {
    String value = get(key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException("Configuration key '" + key + "' in " + file
          + " must be a whole number, got '" + value + "'");
    }
  }

  public Duration getMillis(String key) {
    String value = get(key);
    try {
      return Duration.ofMillis(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new ConfigException("Configuration key '" + key + "' in " + file
          + " must be a number of milliseconds, got '" + value + "'");
    }
  }

  public String kafkaBootstrapServers() {
    return get(KAFKA_BOOTSTRAP_SERVERS);
  }

  public String visitsTopic() {
    return get(KAFKA_TOPIC_VISITS);
  }

  public String vitalsTopic() {
    return get(KAFKA_TOPIC_VITALS);
  }

  public String catalogName() {
    return get(CATALOG_NAME);
  }

  /**
   * The Iceberg catalog properties: every {@code catalog.*} key except {@code catalog.name}, with
   * the prefix removed ({@code catalog.uri} → {@code uri}, {@code catalog.jdbc.busy_timeout} →
   * {@code jdbc.busy_timeout}). Spark receives them as {@code spark.sql.catalog.<name>.*}, Flink and
   * plain Java through {@code CatalogUtil.buildIcebergCatalog}.
   */
  public Map<String, String> catalogProperties() {
    Map<String, String> props = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(CATALOG_PREFIX) && !k.equals(CATALOG_NAME)) {
        props.put(k.substring(CATALOG_PREFIX.length()), v);
      }
    });
    return Collections.unmodifiableMap(props);
  }

  /** All values, with anything that looks like a credential masked: safe to print or log. */
  public Map<String, String> redacted() {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, isSecretKey(k) ? "****" : v));
    return out;
  }

  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("token")
        || k.contains("credential") || k.endsWith(".key");
  }

  /** Returns a copy with {@code key} set, and writes it to the file (the broker records its address). */
  public CarelakeConfig withSaved(String key, String value) {
    return withSaved(Map.of(key, value), java.util.Set.of());
  }

  /**
   * Returns the configuration with {@code set} written into the file and {@code removed} taken out
   * of it, re-read the usual way (defaults, file, environment): how a profile (the cluster
   * profile's {@code catalog.*}, {@code launcher.*}) records itself in the one configuration.
   */
  public CarelakeConfig withSaved(Map<String, String> set, java.util.Set<String> removed) {
    Map<String, String> fileValues = new TreeMap<>();
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    props.stringPropertyNames().forEach(k -> fileValues.put(k, props.getProperty(k)));
    removed.forEach(fileValues::remove);
    fileValues.putAll(set);
    try {
      write(file, fileValues);
    } catch (IOException e) {
      throw new ConfigException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return fromFile(home, file, env);
  }

  /**
   * Writes keys in a stable order, atomically, so that a crash never leaves half a file. A file
   * that holds a credential (e.g. {@code catalog.jdbc.password}) is readable by its owner only,
   * from the moment it is created.
   */
  private static void write(Path file, Map<String, String> values) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    boolean secret = values.entrySet().stream()
        .anyMatch(e -> isSecretKey(e.getKey()) && !e.getValue().isEmpty());
    if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write("# carelake runtime configuration. Every engine, job and DAG reads this file.\n");
      w.write("# Override any key with the environment variable CARELAKE_<KEY> (dots and hyphens\n");
      w.write("# as underscores). Point catalog.* at a REST, Hive or JDBC catalog for a cluster.\n");
      for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
        w.write(escapeKey(e.getKey()) + "=" + escapeValue(e.getValue()) + "\n");
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String escapeKey(String key) {
    return key.replace(":", "\\:").replace("=", "\\=");
  }

  private static String escapeValue(String value) {
    StringBuilder sb = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
