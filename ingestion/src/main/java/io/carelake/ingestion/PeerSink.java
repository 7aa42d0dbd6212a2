package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The benchmark's peer: Apache Iceberg's own Kafka Connect sink connector
 * ({@code org.apache.iceberg.connect.IcebergSinkConnector}) in a standalone Kafka Connect worker,
 * reading the same topics into tables {@code peer.visits} / {@code peer.vitals} of the same
 * catalog, with its commit interval ({@code iceberg.control.commit.interval-ms}) equal to our
 * checkpoint interval. It stores the envelopes as they are (JSON converter without schemas,
 * tables created from the first records, columns added as new fields appear): no validation, no
 * dedup, no dead letters, no day partitions — less work than ours.
 *
 * <p>The worker runs in a JVM of its own, on the classpath Maven resolved for the
 * {@code bench-peer} module ({@code bench-peer/target/classpath.txt}: Kafka Connect's runtime,
 * Iceberg's connector and the same Iceberg, Parquet and SQLite driver versions), with the
 * benchmark JVM's heap size, so nothing of it meets the Flink job's classpath.
 */
final class PeerSink {

  static final String CONNECTOR = "org.apache.iceberg.connect.IcebergSinkConnector";
  static final String WORKER = "org.apache.kafka.connect.cli.ConnectStandalone";

  /** What the peer did: rows committed, events/s over its wall time and in its stride. */
  record Result(long rows, double wallRate, double steadyRate) {}

  private PeerSink() {}

  /** {@code bench-peer/target/classpath.txt} of the repository this code runs from. */
  static Path classpathFile() {
    String repo = System.getenv("CARELAKE_REPO");
    if (repo == null) {
      repo = System.getProperty("carelake.repo", "..");
    }
    return Path.of(repo).toAbsolutePath().normalize().resolve("bench-peer").resolve("target")
        .resolve("classpath.txt");
  }

  /**
   * Runs the peer over {@code topics} (visits, vitals) until its tables hold {@code events} rows,
   * stops the worker and measures. {@code dir} holds the worker's files and log.
   */
  static Result run(Path dir, CarelakeConfig cfg, IngestSettings settings, String controlPrefix,
      long events, long commitIntervalMs, PrintStream progress) throws Exception {
    Path classpath = classpathFile();
    if (!Files.isRegularFile(classpath)) {
      throw new IllegalStateException("The peer's classpath " + classpath + " is missing: build"
          + " the repository first (mvn -q package -DskipTests)");
    }
    Files.createDirectories(dir);
    Map<String, TableName> tables = new LinkedHashMap<>();
    tables.put(settings.visitsTopic(), TableName.of("peer", "visits"));
    tables.put(settings.vitalsTopic(), TableName.of("peer", "vitals"));
    List<String> cmd = new ArrayList<>(List.of(javaExecutable(),
        "-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m",
        "-Dlog4j2.configurationFile=" + log4j(dir).toUri(),
        "-cp", Files.readString(classpath, StandardCharsets.UTF_8).trim(), WORKER,
        worker(dir, settings).toString()));
    try (Admin admin = Admin.create(settings.adminProperties())) {
      List<NewTopic> control = new ArrayList<>();
      for (Map.Entry<String, TableName> e : tables.entrySet()) {
        String topic = controlTopic(controlPrefix, e.getValue());
        control.add(new NewTopic(topic, 1, (short) 1));
        cmd.add(connector(dir, cfg, settings, e.getKey(), e.getValue(), topic, commitIntervalMs)
            .toString());
      }
      admin.createTopics(control).all().get(60, TimeUnit.SECONDS);
    }
    Catalog catalog = CatalogFactory.open(cfg);
    // the connector's tasks would race to create the namespace (the JDBC catalog then fails one)
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(Namespace.of("peer"))) {
      namespaces.createNamespace(Namespace.of("peer"));
    }
    Path log = dir.resolve("connect.log");
    long t0 = System.nanoTime();
    Process worker = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            new java.io.File("/dev/null"))).start();
    double seconds;
    long rows;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10)
          + TimeUnit.MILLISECONDS.toNanos(events / 2);
      while ((rows = rows(catalog, tables.values())) < events) {
        if (!worker.isAlive()) {
          throw new IllegalStateException("The Kafka Connect worker of the peer exited ("
              + worker.exitValue() + "); see " + log + ":\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The peer committed " + rows + " of " + events
              + " rows in time; see " + log);
        }
        Thread.sleep(200);
      }
      seconds = (System.nanoTime() - t0) / 1e9;
    } finally {
      worker.destroy(); // SIGTERM: the worker stops its connectors
      if (!worker.waitFor(30, TimeUnit.SECONDS)) {
        worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    List<Table> loaded = new ArrayList<>();
    for (TableName name : tables.values()) {
      loaded.add(catalog.loadTable(CatalogFactory.identifier(name)));
    }
    progress.printf(Locale.ROOT, "[bench] peer (Iceberg Kafka Connect sink) committed %,d rows in"
        + " %.2f s including the worker's start-up%n", rows, seconds);
    return new Result(rows, rows / seconds, IngestBench.steadyRate(loaded));
  }

  /** The per-table control topic of the connector writing {@code table}. */
  static String controlTopic(String prefix, TableName table) {
    return prefix + ".peer-control-" + table.name();
  }

  private static long rows(Catalog catalog, Iterable<TableName> tables) {
    long total = 0;
    for (TableName name : tables) {
      var id = CatalogFactory.identifier(name);
      if (catalog.tableExists(id)) {
        Snapshot s = catalog.loadTable(id).currentSnapshot();
        total += s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
      }
    }
    return total;
  }

  private static Path worker(Path dir, IngestSettings settings) throws IOException {
    Properties p = new Properties();
    settings.kafkaClient().forEach(p::setProperty);
    settings.kafkaClient().forEach((k, v) -> {
      p.setProperty("consumer." + k, v);
      p.setProperty("producer." + k, v);
    });
    p.setProperty("bootstrap.servers", settings.bootstrapServers());
    p.setProperty("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.setProperty("value.converter.schemas.enable", "false");
    p.setProperty("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    p.setProperty("listeners", "http://127.0.0.1:0");
    p.setProperty("consumer.auto.offset.reset", "earliest");
    return store(p, dir.resolve("worker.properties"));
  }

  private static Path connector(Path dir, CarelakeConfig cfg, IngestSettings settings,
      String topic, TableName table, String controlTopic, long commitIntervalMs)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("name", "peer-" + table.name());
    p.setProperty("connector.class", CONNECTOR);
    p.setProperty("tasks.max", Integer.toString(settings.parallelism()));
    p.setProperty("topics", topic);
    p.setProperty("iceberg.tables", table.toString());
    p.setProperty("iceberg.tables.auto-create-enabled", "true");
    p.setProperty("iceberg.tables.evolve-schema-enabled", "true");
    p.setProperty("iceberg.tables.schema-force-optional", "true");
    // the table properties ours have: format 2, zstd
    CatalogFactory.TABLE_DEFAULTS.forEach((k, v) ->
        p.setProperty("iceberg.tables.auto-create-props." + k, v));
    p.setProperty("iceberg.control.topic", controlTopic);
    p.setProperty("iceberg.control.commit.interval-ms", Long.toString(commitIntervalMs));
    p.setProperty("iceberg.catalog", cfg.catalogName());
    cfg.catalogProperties().forEach((k, v) -> p.setProperty("iceberg.catalog." + k, v));
    return store(p, dir.resolve("connector-" + table.name() + ".properties"));
  }

  private static Path log4j(Path dir) throws IOException {
    Path file = dir.resolve("log4j2.properties");
    Files.writeString(file, String.join("\n",
        "rootLogger.level = WARN",
        "rootLogger.appenderRef.out.ref = out",
        "appender.out.type = Console",
        "appender.out.name = out",
        "appender.out.layout.type = PatternLayout",
        "appender.out.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n",
        "logger.iceberg.name = org.apache.iceberg.connect",
        "logger.iceberg.level = INFO", ""), StandardCharsets.UTF_8);
    return file;
  }

  private static Path store(Properties p, Path file) throws IOException {
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "written by carelake bench ingest (the peer)");
    }
    return file;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
