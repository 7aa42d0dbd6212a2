package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster profile's Flink: a session cluster (one JobManager, one TaskManager with two slots)
 * from the stock Flink 2.1 distribution in PyPI's PyFlink packages, started with its own
 * {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} in the foreground (so that the launcher
 * holds their pids), on 127.0.0.1. The ingestion jar is submitted with {@code flink run}, which
 * finds the cluster through this profile's configuration directory ({@code launcher.flink.conf-dir}).
 * Hadoop's shaded client jars are the cluster's {@code HADOOP_CLASSPATH} (HDFS checkpoints, Iceberg).
 */
final class FlinkSession {

  private static final String REST_PORT = "flink.rest-port";
  private static final String RPC_PORT = "flink.rpc-port";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final ClusterState state;

  FlinkSession(ClusterState state) {
    this.state = state;
  }

  Daemon jobManager() {
    return state.daemon("flink-jobmanager");
  }

  Daemon taskManager() {
    return state.daemon("flink-taskmanager");
  }

  List<Daemon> daemons() {
    return List.of(jobManager(), taskManager());
  }

  /** {@code FLINK_CONF_DIR} of the cluster and of {@code flink run}. */
  Path confDir() {
    return state.dir("flink").resolve("conf");
  }

  /** The JobManager's REST address (web UI, job status, {@code flink run}). */
  String restUrl() {
    return "http://127.0.0.1:" + state.port(REST_PORT);
  }

  /**
   * What the cluster's processes and {@code flink run} need in their environment: the profile's
   * configuration directory, logs beside the profile's other logs, and Hadoop's client jars.
   */
  static Map<String, String> environment(Path confDir, Path logDir, String hadoopClasspath) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLINK_CONF_DIR", confDir.toString());
    env.put("FLINK_LOG_DIR", logDir.toString());
    env.put("FLINK_PID_DIR", logDir.toString());
    env.put("HADOOP_CLASSPATH", hadoopClasspath);
    env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    return env;
  }

  /** Starts the JobManager and the TaskManager that are not running, from {@code flinkHome}. */
  void launch(Path flinkHome, String hadoopClasspath) {
    Map<String, String> env = environment(confDir(), state.logs(), hadoopClasspath);
    if (!jobManager().running()) {
      writeConf(flinkHome, state.choosePort(REST_PORT), state.choosePort(RPC_PORT));
      jobManager().start(List.of(flinkHome.resolve("bin").resolve("jobmanager.sh").toString(),
          "start-foreground"), env);
    }
    if (!taskManager().running()) {
      taskManager().start(List.of(flinkHome.resolve("bin").resolve("taskmanager.sh").toString(),
          "start-foreground"), env);
    }
  }

  /** Waits until a TaskManager has registered with the JobManager. */
  void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    int taskManagers = -1;
    while (Instant.now().isBefore(deadline)) {
      for (Daemon d : daemons()) {
        if (!d.startedAndAlive()) {
          throw new IllegalStateException(d.name() + " exited during start-up; see " + d.logFile());
        }
      }
      JsonNode overview = ClusterProfile.getJson(restUrl() + "/overview");
      taskManagers = overview == null ? -1 : overview.path("taskmanagers").asInt(-1);
      if (taskManagers >= 1) {
        return;
      }
      ClusterProfile.sleep(500);
    }
    throw new IllegalStateException("The Flink JobManager at " + restUrl() + " has "
        + Math.max(taskManagers, 0) + " TaskManager(s) after " + READY_TIMEOUT.toMinutes()
        + " min; see " + jobManager().logFile() + " and " + taskManager().logFile());
  }

  /**
   * The profile's {@code config.yaml}: the distribution's logging files and JVM options, loopback
   * addresses, this home's ports, sizes for this machine, and heartbeats short enough that a lost
   * TaskManager is noticed in seconds.
   */
  private void writeConf(Path flinkHome, int restPort, int rpcPort) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("env.java.opts.all", distributionJavaOptions(flinkHome) + " " + String.join(" ",
        Launcher.jvmOpens()) + " -Dcarelake.home=" + state.home());
    conf.put("jobmanager.rpc.address", "127.0.0.1");
    conf.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    conf.put("jobmanager.bind-host", "127.0.0.1");
    conf.put("jobmanager.memory.process.size", "1024m");
    conf.put("jobmanager.execution.failover-strategy", "region");
    conf.put("taskmanager.host", "127.0.0.1");
    conf.put("taskmanager.bind-host", "127.0.0.1");
    conf.put("taskmanager.numberOfTaskSlots", "2");
    conf.put("taskmanager.memory.process.size", "1600m");
    conf.put("parallelism.default", "2");
    conf.put("rest.address", "127.0.0.1");
    conf.put("rest.bind-address", "127.0.0.1");
    conf.put("rest.port", Integer.toString(restPort));
    conf.put("heartbeat.interval", "2000");
    conf.put("heartbeat.timeout", "15000");
    conf.put("env.pid.dir", state.logs().toString());
    conf.put("env.log.dir", state.logs().toString());
    StringBuilder yaml = new StringBuilder(
        "# carelake cluster profile: Flink session cluster (written by cluster start)\n");
    conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    try {
      Files.createDirectories(confDir());
      try (var files = Files.list(flinkHome.resolve("conf"))) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (name.equals("log4j-cli.properties")) {
            // flink run's console: the stock file shows Hadoop's INFO lines (codec pools), which
            // no user can act on; warnings still show
            Files.writeString(confDir().resolve(name), Files.readString(f, StandardCharsets.UTF_8)
                .replace("logger.hadoop.level = INFO", "logger.hadoop.level = WARN"),
                StandardCharsets.UTF_8);
          } else if (name.startsWith("log")) {
            Files.copy(f, confDir().resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      Files.writeString(confDir().resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + confDir() + ": " + e.getMessage(), e);
    }
  }

  /** The distribution's own JVM options (its JDK 17 module openings), from its config.yaml. */
  private static String distributionJavaOptions(Path flinkHome) {
    try {
      String yaml = Files.readString(flinkHome.resolve("conf").resolve("config.yaml"),
          StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("(?m)^\\s+opts:\\s*\\n\\s+all:\\s*(.+)$").matcher(yaml);
      return m.find() ? m.group(1).trim() : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
