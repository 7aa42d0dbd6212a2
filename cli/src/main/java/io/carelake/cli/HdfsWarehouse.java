package io.carelake.cli;

import io.carelake.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster profile's HDFS: the {@code cluster} module's {@code HdfsNode} (a NameNode and a
 * DataNode from Hadoop's mini cluster) in a JVM of its own, storage under
 * {@code <home>/cluster/hdfs}. The NameNode's port is chosen once per home and kept: every table
 * location in the catalog names it.
 */
final class HdfsWarehouse {

  private static final String PORT = "hdfs.port";
  private static final String HTTP_PORT = "hdfs.http-port";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final ClusterState state;
  private final Launcher launcher;
  private final Path dir;

  HdfsWarehouse(ClusterState state, Launcher launcher) {
    this.state = state;
    this.launcher = launcher;
    this.dir = state.dir("hdfs");
  }

  Daemon daemon() {
    return state.daemon("hdfs");
  }

  /** {@code hdfs://127.0.0.1:<port>}: the file system's URI, the warehouse's authority. */
  String uri() {
    return "hdfs://127.0.0.1:" + state.port(PORT);
  }

  /** WebHDFS on the NameNode's HTTP port: how Python readers (pyiceberg) reach the files. */
  String webHdfs() {
    return "http://127.0.0.1:" + state.port(HTTP_PORT);
  }

  /** Launches the node when it is not running; {@link #awaitReady} waits for it. */
  void launch() {
    if (daemon().running()) {
      return;
    }
    int port = state.port(PORT);
    if (port == 0) {
      port = Ports.free();
      state.port(PORT, port);
    } else if (!Ports.isFree(port)) {
      throw new ConfigException("The NameNode port " + port + " of " + state.home() + " is taken by"
          + " another program; the tables' locations name it (hdfs://127.0.0.1:" + port + "/...),"
          + " so free it and run cluster start again");
    }
    int http = state.choosePort(HTTP_PORT);
    List<String> cmd = new ArrayList<>();
    cmd.add(Launcher.javaExecutable());
    cmd.add("-Xmx384m");
    cmd.addAll(Launcher.jvmOpens());
    cmd.add("-Dcarelake.home=" + state.home());
    cmd.add("-cp");
    cmd.add(launcher.classpath("cluster"));
    cmd.add("io.carelake.cluster.HdfsNode");
    cmd.addAll(List.of("--dir", dir.toString(), "--port", Integer.toString(port), "--http-port",
        Integer.toString(http)));
    try {
      Files.deleteIfExists(dir.resolve("ready"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    daemon().start(cmd, Map.of());
  }

  /** Waits until the node has written its ready file (both nodes serve, safe mode left). */
  void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (!Files.exists(dir.resolve("ready"))) {
      if (!daemon().running()) {
        throw new IllegalStateException("HDFS exited during start-up; see " + daemon().logFile());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("HDFS did not become ready in "
            + READY_TIMEOUT.toMinutes() + " min; see " + daemon().logFile());
      }
      ClusterProfile.sleep(500);
    }
  }
}
