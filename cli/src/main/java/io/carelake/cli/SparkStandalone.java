package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster profile's Spark: a standalone master and {@value #WORKERS} small workers (one core,
 * {@value #WORKER_MEMORY} each) started from the stock Spark 3.5 distribution that the pinned
 * pyspark carries ({@code bin/spark-class}; its pip package has no {@code sbin/start-*.sh}), on
 * 127.0.0.1. Jobs reach it through {@code spark-submit --master spark://127.0.0.1:<port>} with the
 * bundled jars unchanged; executor sizes live in the profile's {@code spark-defaults.conf}
 * ({@code launcher.spark.conf-dir}), where a deployment keeps them.
 */
final class SparkStandalone {

  static final int WORKERS = 2;
  static final String WORKER_MEMORY = "1g";
  private static final String MASTER_PORT = "spark.master-port";
  private static final String UI_PORT = "spark.master-ui-port";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final ClusterState state;

  SparkStandalone(ClusterState state) {
    this.state = state;
  }

  Daemon master() {
    return state.daemon("spark-master");
  }

  Daemon worker(int n) {
    return state.daemon("spark-worker-" + n);
  }

  List<Daemon> daemons() {
    List<Daemon> all = new ArrayList<>(List.of(master()));
    for (int n = 1; n <= WORKERS; n++) {
      all.add(worker(n));
    }
    return all;
  }

  /**
   * Worker {@code n}'s RPC port, chosen when it starts and recorded: the driver's log names the
   * worker an executor was granted on by it ({@code carelake cluster fault} finds the executor of
   * the worker it kills so).
   */
  int workerPort(int n) {
    return state.port("spark.worker-" + n + "-port");
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + state.port(MASTER_PORT);
  }

  /** The master's web UI, whose {@code /json/} says which workers and applications it has. */
  String masterUi() {
    return "http://127.0.0.1:" + state.port(UI_PORT);
  }

  /** {@code SPARK_CONF_DIR} of every submit: sizes and logging for this small machine. */
  Path confDir() {
    return state.dir("spark").resolve("conf");
  }

  /** Starts the master and the workers that are not running, from {@code sparkHome}. */
  void launch(Path sparkHome) {
    writeConf();
    if (!master().running()) {
      int port = state.choosePort(MASTER_PORT);
      int ui = state.choosePort(UI_PORT);
      master().start(sparkClass(sparkHome, "org.apache.spark.deploy.master.Master", "--host",
          "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(ui)),
          environment(sparkHome));
    }
    for (int n = 1; n <= WORKERS; n++) {
      if (!worker(n).running()) {
        Path work = state.dir("spark").resolve("worker-" + n);
        int port = state.choosePort("spark.worker-" + n + "-port");
        worker(n).start(sparkClass(sparkHome, "org.apache.spark.deploy.worker.Worker", "--host",
            "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(Ports.free()), "--cores", "1",
            "--memory", WORKER_MEMORY, "--work-dir", work.toString(), masterUrl()),
            environment(sparkHome));
      }
    }
  }

  /** Waits until the master counts every worker alive. */
  void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    int alive = -1;
    while (Instant.now().isBefore(deadline)) {
      for (Daemon d : daemons()) {
        if (!d.startedAndAlive()) {
          throw new IllegalStateException(d.name() + " exited during start-up; see " + d.logFile());
        }
      }
      JsonNode json = ClusterProfile.getJson(masterUi() + "/json/");
      alive = json == null ? -1 : json.path("aliveworkers").asInt(-1);
      if (alive == WORKERS) {
        return;
      }
      ClusterProfile.sleep(500);
    }
    throw new IllegalStateException("The Spark master at " + masterUrl() + " counts " + alive
        + " live worker(s) of " + WORKERS + " after " + READY_TIMEOUT.toMinutes() + " min; see "
        + master().logFile());
  }

  private static List<String> sparkClass(Path sparkHome, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(sparkHome.resolve("bin").resolve("spark-class")
        .toString(), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The daemons' environment: small heaps, loopback, this home's directories. */
  private Map<String, String> environment(Path sparkHome) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", confDir().toString());
    env.put("SPARK_LOG_DIR", state.logs().toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", state.dir("spark").resolve("tmp").toString());
    env.put("SPARK_DAEMON_MEMORY", "256m");
    // the home in the command line: how a later command knows the pid is still this daemon
    env.put("SPARK_DAEMON_JAVA_OPTS", "-Dcarelake.home=" + state.home());
    env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    return env;
  }

  /**
   * The profile's {@code spark-defaults.conf}: one executor of one core per worker, sized for this
   * machine, the same shuffle partitions as the embedded launcher uses, and everything on
   * loopback; plus the jobs' logging ({@code log4j2.properties}, warnings only).
   */
  private void writeConf() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("spark.driver.memory", "1g");
    defaults.put("spark.executor.memory", "768m");
    defaults.put("spark.executor.cores", "1");
    defaults.put("spark.cores.max", Integer.toString(WORKERS));
    defaults.put("spark.sql.shuffle.partitions", "8");
    defaults.put("spark.ui.enabled", "false");
    defaults.put("spark.driver.host", "127.0.0.1");
    defaults.put("spark.driver.bindAddress", "127.0.0.1");
    defaults.put("spark.local.dir", state.dir("spark").resolve("tmp").toString());
    StringBuilder text = new StringBuilder(
        "# carelake cluster profile: Spark defaults for this machine (written by cluster start)\n");
    defaults.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
    try (InputStream log = SparkStandalone.class.getClassLoader()
        .getResourceAsStream("carelake/log4j2-jobs.properties")) {
      Files.createDirectories(confDir());
      Files.writeString(confDir().resolve("spark-defaults.conf"), text, StandardCharsets.UTF_8);
      Files.write(confDir().resolve("log4j2.properties"), log.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + confDir() + ": " + e.getMessage(), e);
    }
  }
}
