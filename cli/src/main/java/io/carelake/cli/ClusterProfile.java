package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cluster profile on one machine, from real components on loopback: PostgreSQL holding the
 * Iceberg JDBC catalog, HDFS holding the warehouse, a Spark standalone master with two workers,
 * a Flink session cluster, and the embedded Kafka broker. {@link #start} starts whatever is not
 * running (so it also repairs a profile that lost a process) and records the profile in the home's
 * one configuration file, which every job, the launcher and the DAGs read: {@code catalog.*} on
 * PostgreSQL, the warehouse, checkpoints, datasets and models on HDFS, and {@code launcher.*}, which
 * makes the launcher submit jobs with {@code spark-submit} and {@code flink run}.
 */
final class ClusterProfile {

  /** The profile's directories on HDFS. */
  static final String HDFS_ROOT = "/carelake";
  /** The NameNode's WebHDFS endpoint, read by the Airflow DAGs (carelake_airflow.health). */
  static final String WEBHDFS_URI = "airflow.webhdfs-uri";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final Launcher launcher;
  private final PrintStream out;
  private final ClusterState state;
  private final PostgresCatalog postgres;
  private final HdfsWarehouse hdfs;
  private final SparkStandalone spark;
  private final FlinkSession flink;
  private CarelakeConfig config;

  ClusterProfile(CarelakeConfig config, Launcher launcher, PrintStream out) {
    this.config = config;
    this.launcher = launcher;
    this.out = out;
    this.state = new ClusterState(config);
    this.postgres = new PostgresCatalog(state);
    this.hdfs = new HdfsWarehouse(state, launcher);
    this.spark = new SparkStandalone(state);
    this.flink = new FlinkSession(state);
  }

  /** Starts every component that is not running, waits for all, records the profile. */
  CarelakeConfig start() {
    refuseAnEmbeddedHome();
    Instant began = Instant.now();
    setUp();
    Distributions dists = new Distributions(launcher.repo());
    String newPassword = postgres.start();
    // the JVM services start side by side, then each is waited for
    hdfs.launch();
    spark.launch(dists.sparkHome());
    flink.launch(dists.flinkHome(), dists.hadoopClasspath());
    config = new EmbeddedKafka(config, out).start(config);
    hdfs.awaitReady();
    spark.awaitReady();
    flink.awaitReady();
    config = config.withSaved(settings(dists, newPassword),
        Set.copyOf(CarelakeConfig.SQLITE_ONLY_DEFAULTS));
    out.printf("cluster: ready in %.0f s; %s now names this profile%n",
        Duration.between(began, Instant.now()).toMillis() / 1000.0, config.file());
    status();
    return config;
  }

  /**
   * Starts again the Spark and Flink processes that are not running (a killed worker or
   * TaskManager) and waits until the master counts its workers and a TaskManager has registered.
   */
  void relaunch() {
    Distributions dists = new Distributions(launcher.repo());
    spark.launch(dists.sparkHome());
    flink.launch(dists.flinkHome(), dists.hadoopClasspath());
    spark.awaitReady();
    flink.awaitReady();
  }

  /** Stops everything this home's profile started; true when nothing of it is left running. */
  boolean stop() {
    List<String> stopped = new ArrayList<>();
    for (Daemon d : jvmDaemons()) {
      if (d.stop(Daemon.STOP_GRACE)) {
        stopped.add(d.name());
      }
    }
    if (postgres.daemon().running()) {
      postgres.stop();
      stopped.add("postgres");
    }
    EmbeddedKafka kafka = new EmbeddedKafka(config, out);
    if (kafka.process().isPresent()) {
      kafka.stop();
    }
    out.println("cluster: stopped " + (stopped.isEmpty() ? "nothing (not running)"
        : String.join(", ", stopped)));
    return running().isEmpty();
  }

  /** Prints each component's state; true when every one runs. */
  boolean status() {
    Map<String, String> addresses = addresses();
    boolean all = true;
    for (Daemon d : allDaemons()) {
      Optional<ProcessHandle> p = d.process();
      all &= p.isPresent();
      out.printf("  %-18s %-8s %-10s %s%n", d.name(), p.isPresent() ? "running" : "stopped",
          p.map(h -> "pid " + h.pid()).orElse(""), addresses.getOrDefault(d.name(), ""));
    }
    return all;
  }

  /** The names of this home's profile processes still running. */
  List<String> running() {
    return allDaemons().stream().filter(Daemon::running).map(Daemon::name).toList();
  }

  /** A process of the profile by name ({@code spark-worker-1}, {@code flink-taskmanager}, ...). */
  Daemon daemon(String name) {
    return allDaemons().stream().filter(d -> d.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No cluster process named '" + name
            + "' (known: " + allDaemons().stream().map(Daemon::name).toList() + ")"));
  }

  /** The Spark master's and Flink JobManager's HTTP addresses (status pages, JSON). */
  String sparkMasterUi() {
    return spark.masterUi();
  }

  /** Spark worker {@code n}'s RPC port (the driver's log names an executor's worker by it). */
  int sparkWorkerPort(int n) {
    return spark.workerPort(n);
  }

  String flinkRestUrl() {
    return flink.restUrl();
  }

  /** The JVM processes in the order they stop: users of a service before the service. */
  private List<Daemon> jvmDaemons() {
    List<Daemon> all = new ArrayList<>(List.of(flink.taskManager(), flink.jobManager()));
    List<Daemon> sparkDaemons = spark.daemons();
    for (int i = sparkDaemons.size() - 1; i >= 0; i--) {
      all.add(sparkDaemons.get(i));
    }
    all.add(hdfs.daemon());
    return all;
  }

  private List<Daemon> allDaemons() {
    List<Daemon> all = new ArrayList<>();
    all.add(postgres.daemon());
    all.add(hdfs.daemon());
    all.addAll(spark.daemons());
    all.addAll(flink.daemons());
    all.add(new Daemon("kafka", config.home().resolve("kafka").resolve("broker.pid"),
        new EmbeddedKafka(config, out).logFile(), config.home().toString()));
    return all;
  }

  private Map<String, String> addresses() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("postgres", postgres.jdbcUri());
    a.put("hdfs", hdfs.uri() + " (WebHDFS " + hdfs.webHdfs() + ")");
    a.put("spark-master", spark.masterUrl() + " (UI " + spark.masterUi() + ")");
    a.put("flink-jobmanager", flink.restUrl());
    a.put("kafka", config.kafkaBootstrapServers());
    return a;
  }

  /**
   * What the jobs, the launcher and the DAGs read from the one configuration: the catalog on
   * PostgreSQL, the warehouse and every file that executors or TaskManagers write on HDFS, and how
   * the launcher submits. Reports stay local: the driver writes them, and in client mode the driver
   * runs here ({@code reports.dir} may be any Hadoop URI on a cluster whose drivers run elsewhere).
   */
  private Map<String, String> settings(Distributions dists, String newPassword) {
    String fs = hdfs.uri() + HDFS_ROOT;
    Map<String, String> s = new LinkedHashMap<>();
    s.put(CarelakeConfig.CATALOG_TYPE, "jdbc");
    s.put(CarelakeConfig.CATALOG_URI, postgres.jdbcUri());
    s.put("catalog.jdbc.user", PostgresCatalog.ROLE);
    if (newPassword != null) {
      s.put("catalog.jdbc.password", newPassword);
    } else if (config.get("catalog.jdbc.password", "").isEmpty()) {
      throw new ConfigException("catalog.jdbc.password is missing from " + config.file() + ", but"
          + " the catalog's database in " + state.dir("postgres") + " exists: restore the key, or"
          + " remove " + state.dir() + " to start the profile afresh");
    }
    s.put(CarelakeConfig.CATALOG_WAREHOUSE, fs + "/warehouse");
    s.put(CarelakeConfig.INGEST_CHECKPOINT_DIR, fs + "/checkpoints/ingest");
    s.put(CarelakeConfig.DATASETS_DIR, fs + "/datasets");
    s.put(CarelakeConfig.MODELS_DIR, fs + "/models");
    // how the DAGs' Python checks (pyiceberg, no Hadoop client) read the warehouse's files
    s.put(WEBHDFS_URI, hdfs.webHdfs());
    s.put(CarelakeConfig.LAUNCHER_SPARK_MASTER, spark.masterUrl());
    s.put(CarelakeConfig.LAUNCHER_SPARK_HOME, dists.sparkHome().toString());
    s.put(CarelakeConfig.LAUNCHER_SPARK_CONF_DIR, spark.confDir().toString());
    s.put(CarelakeConfig.LAUNCHER_FLINK_HOME, dists.flinkHome().toString());
    s.put(CarelakeConfig.LAUNCHER_FLINK_CONF_DIR, flink.confDir().toString());
    return s;
  }

  /** A home whose embedded catalog holds tables would lose them from view: refuse. */
  private void refuseAnEmbeddedHome() {
    String uri = config.get(CarelakeConfig.CATALOG_URI, "");
    if (uri.startsWith("jdbc:sqlite:") && Files.exists(Path.of(uri.substring(12)))) {
      throw new ConfigException(config.home() + " already holds an embedded catalog ("
          + uri.substring(12) + "); start the cluster profile in a home of its own, e.g."
          + " --home " + config.home() + "-cluster");
    }
  }

  /** {@code bin/setup cluster}: PostgreSQL, the Spark and Flink distributions (idempotent). */
  private void setUp() {
    Path setup = launcher.repo().resolve("bin").resolve("setup");
    try {
      Process p = new ProcessBuilder("bash", setup.toString(), "cluster")
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean done = p.waitFor(30, TimeUnit.MINUTES);
      output.lines().filter(l -> !l.contains("is up to date")).forEach(out::println);
      if (!done || p.exitValue() != 0) {
        throw new ConfigException("bin/setup cluster failed (see above)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + setup + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during bin/setup cluster", e);
    }
  }

  /** GET a JSON document from a loopback status page; null when it does not answer (yet). */
  static JsonNode getJson(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
