package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The embedded default's Kafka: one real broker in KRaft combined mode (broker + controller),
 * started from the Maven artifacts on the launcher's own classpath as a child process, with its
 * data, config, pid and log under {@code <home>/kafka/}. Its bootstrap address is written to
 * {@code kafka.bootstrap-servers} in the config file, so every other command finds it.
 */
public final class EmbeddedKafka {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Daemon.STOP_GRACE;

  private final Path dir;
  private final PrintStream out;

  public EmbeddedKafka(CarelakeConfig config, PrintStream out) {
    this.dir = config.home().resolve("kafka");
    this.out = out;
  }

  public Path logFile() {
    return dir.resolve("broker.log");
  }

  Path pidFile() {
    return dir.resolve("broker.pid");
  }

  /** The running broker's process, if its pid file names a live process of this home's broker. */
  public Optional<ProcessHandle> process() {
    return daemon().process();
  }

  /** The broker as a background process of this home (its command line names the home's log). */
  private Daemon daemon() {
    return new Daemon("kafka", pidFile(), dir.resolve("broker.out"), logFile().toString());
  }

  /**
   * Starts the broker if it is not running, waits until it serves requests, creates the topics and
   * records the bootstrap address. Returns the (possibly updated) config.
   */
  public CarelakeConfig start(CarelakeConfig config) {
    if (process().isPresent()) {
      String bootstrap = config.kafkaBootstrapServers();
      out.println("kafka: already running (pid " + process().get().pid() + ") at " + bootstrap);
      awaitReady(bootstrap, Duration.ofSeconds(30));
      ensureTopics(config);
      return config;
    }
    try {
      Files.createDirectories(dir);
      int port = choosePort(config.kafkaBootstrapServers());
      String bootstrap = "127.0.0.1:" + port;
      for (int attempt = 1; ; attempt++) {
        bootstrap = "127.0.0.1:" + port;
        Path props = writeServerProperties(port, Ports.free());
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("meta.properties"))) {
          format(props);
        }
        launch(props);
        try {
          awaitReady(bootstrap, READY_TIMEOUT);
          break;
        } catch (PortTaken e) {
          // another home's broker took the port between the check and the bind (two homes
          // starting at once): this broker cannot listen there; start it on a free port
          daemon().stop(Duration.ofSeconds(10));
          if (attempt == 3) {
            throw e;
          }
          port = Ports.free();
        }
      }
      config = config.withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
      ensureTopics(config);
      out.println("kafka: broker ready at " + bootstrap + " (KRaft, pid "
          + process().map(ProcessHandle::pid).orElse(-1L) + ", log " + logFile() + ")");
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /** Stops the broker cleanly (SIGTERM, then a forced kill after 30 s). */
  public boolean stop() {
    Optional<ProcessHandle> p = process();
    if (p.isEmpty()) {
      out.println("kafka: not running");
      return false;
    }
    Instant began = Instant.now();
    daemon().stop(STOP_TIMEOUT);
    out.println("kafka: stopped (pid " + p.get().pid() + ")"
        + (Duration.between(began, Instant.now()).compareTo(STOP_TIMEOUT) >= 0
            ? " after " + STOP_TIMEOUT.toSeconds() + " s, forcibly" : ""));
    return true;
  }

  /** Topic name → total messages (sum of end offsets). */
  public Map<String, Long> messageCounts(CarelakeConfig config) {
    try (Admin admin = admin(config.kafkaBootstrapServers())) {
      Set<String> topics = Set.of(config.visitsTopic(), config.vitalsTopic());
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
          .get(15, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      described.values().forEach(d -> d.partitions().forEach(
          p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
      Map<String, Long> counts = new java.util.TreeMap<>();
      admin.listOffsets(request).all().get(15, TimeUnit.SECONDS)
          .forEach((tp, info) -> counts.merge(tp.topic(), info.offset(), Long::sum));
      return counts;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read topic offsets from "
          + config.kafkaBootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  private int choosePort(String configured) {
    int preferred = 19092;
    int colon = configured.lastIndexOf(':');
    if (colon > 0) {
      try {
        preferred = Integer.parseInt(configured.substring(colon + 1).trim());
      } catch (NumberFormatException ignored) {
        // fall back to the default port
      }
    }
    return Ports.preferring(preferred);
  }

  private Path writeServerProperties(int port, int controllerPort) throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:"
        + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toString());
    p.setProperty("num.partitions", "2");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Keep everything: the demo replays topics, and retention must never drop unread events.
    p.setProperty("log.retention.ms", "-1");
    p.setProperty("message.max.bytes", String.valueOf(2 * 1024 * 1024));
    Path file = dir.resolve("server.properties");
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "carelake embedded Kafka broker (KRaft combined mode); rewritten at each start");
    }
    return file;
  }

  private List<String> javaCommand(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Launcher.javaExecutable());
    cmd.add(heap);
    cmd.add("-Dcarelake.broker.log=" + logFile());
    cmd.add("-Dlog4j2.configurationFile=" + brokerLogConfig());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    return cmd;
  }

  private Path brokerLogConfig() {
    try (var in = EmbeddedKafka.class.getClassLoader()
        .getResourceAsStream("carelake/log4j2-broker.properties")) {
      Path target = dir.resolve("log4j2-broker.properties");
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("carelake/log4j2-broker.properties missing from the build", e);
    }
  }

  private void format(Path props) throws IOException {
    List<String> cmd = javaCommand("-Xmx256m");
    cmd.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
        "-c", props.toString(), "--ignore-formatted"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
        .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Formatting the Kafka log directory failed; see "
            + dir.resolve("format.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
    }
  }

  private void launch(Path props) {
    List<String> cmd = new ArrayList<>(javaCommand("-Xmx768m"));
    cmd.add("kafka.Kafka");
    cmd.add(props.toString());
    daemon().start(cmd, Map.of());
  }

  private void awaitReady(String bootstrap, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      if (process().isEmpty()) {
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        if (Ports.listening(port)) {
          throw new PortTaken("the broker exited during start-up and another process listens on "
              + bootstrap);
        }
        throw new IllegalStateException("The Kafka broker exited during start-up; see "
            + logFile() + " and " + dir.resolve("broker.out"));
      }
      String answered = null;
      try (Admin admin = admin(bootstrap)) {
        var cluster = admin.describeCluster();
        if (!cluster.nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          answered = cluster.clusterId().get(5, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        last = e;
      }
      if (answered != null) {
        String ours = clusterId();
        if (ours == null || ours.equals(answered)) {
          return;
        }
        // never take another broker for ours: its topics would receive this home's events
        throw new PortTaken(bootstrap + " answers as Kafka cluster " + answered + ", not this"
            + " home's broker (cluster " + ours + "): another broker holds the port");
      }
      sleep(500);
    }
    throw new IllegalStateException("The Kafka broker at " + bootstrap + " did not become ready in "
        + timeout.toSeconds() + " s (" + (last == null ? "no answer" : last.getMessage())
        + "); see " + logFile());
  }

  /** Another broker answers on the port this home's broker was to use. */
  static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }

  /** The cluster id this home's storage was formatted with (null before the first format). */
  private String clusterId() {
    Path meta = dir.resolve("data").resolve("meta.properties");
    if (!Files.exists(meta)) {
      return null;
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(meta)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + meta, e);
    }
    return p.getProperty("cluster.id");
  }

  /** Creates the visits and vitals topics when missing. */
  public void ensureTopics(CarelakeConfig config) {
    int partitions = config.getInt(CarelakeConfig.KAFKA_TOPIC_PARTITIONS);
    try (Admin admin = admin(config.kafkaBootstrapServers())) {
      Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : List.of(config.visitsTopic(), config.vitalsTopic())) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, partitions, (short) 1)
              .configs(Map.of("retention.ms", "-1", "max.message.bytes", "2097152")));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        out.println("kafka: created topics " + missing.stream().map(NewTopic::name).toList()
            + " with " + partitions + " partitions");
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create topics on " + config.kafkaBootstrapServers()
          + ": " + e.getMessage(), e);
    }
  }

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return Admin.create(p);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
