package io.carelake.cluster;

import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.Tool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import picocli.CommandLine;
import sun.misc.Signal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cluster profile's HDFS: one NameNode and one DataNode on loopback, from Hadoop's own
 * {@code MiniDFSCluster} (hadoop-client-minicluster, the release of the shaded client every job
 * uses), in this JVM. Its data lives under {@code --dir} and survives restarts: the storage is
 * formatted on the first start only. Table locations in Iceberg metadata name the NameNode's
 * address, so the launcher keeps {@code --port} fixed for a home. Writes {@code <dir>/ready} once
 * both nodes serve, and stops cleanly on SIGTERM.
 *
 * <p>Runs on {@link Tool}: ports out of range or equal, or a {@code --dir} that is a file, exit 2
 * before any node starts; a node that fails exits 1.
 */
@Command(name = "hdfs-node", mixinStandardHelpOptions = true,
    description = "Run an HDFS NameNode and DataNode on 127.0.0.1 until stopped (SIGTERM).")
public final class HdfsNode extends Tool {

  /** The file that says the nodes serve: the launcher waits for it. */
  public static final String READY_FILE = "ready";

  @Option(names = "--dir", required = true, paramLabel = "DIR",
      description = "Where the NameNode's metadata and the DataNode's blocks live.")
  Path dir;

  @Option(names = "--port", required = true, description = "The NameNode's RPC port (hdfs://127.0.0.1:PORT).")
  int port;

  @Option(names = "--http-port", required = true, description = "The NameNode's HTTP port (WebHDFS).")
  int httpPort;

  HdfsNode(PrintStream out, PrintStream err) {
    super("hdfs-node", out, err);
  }

  public static void main(String[] args) {
    System.exit(new HdfsNode(System.out, System.err).execute(args));
  }

  @Override
  public void checkOptions(CommandLine cli) {
    if (port < 1 || port > 65535 || httpPort < 1 || httpPort > 65535 || port == httpPort) {
      throw new CommandLine.ParameterException(cli,
          "--port and --http-port must be two different ports in 1-65535");
    }
  }

  /** {@code --dir} is a directory or is still to be made. */
  @Override
  protected void check() {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--dir " + dir + " is a file; give the directory that"
          + " holds (or is to hold) the HDFS storage");
    }
  }

  @Override
  protected JobExit call() throws Exception {
    // Hadoop's web layer (Jersey) logs through java.util.logging, at INFO and WARNING, about its
    // own resource classes: nothing an operator can act on
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
    Path base = dir.toAbsolutePath();
    Files.createDirectories(base);
    Files.deleteIfExists(base.resolve(READY_FILE));
    // MiniDFSCluster keeps the NameNode's storage in <base>/name-0-1 and the blocks in
    // <base>/data: a VERSION file there means a formatted file system whose blocks are kept
    boolean format = !Files.isRegularFile(base.resolve("name-0-1").resolve("current")
        .resolve("VERSION"));
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(configuration(base), base.toFile())
        .nameNodePort(port)
        .nameNodeHttpPort(httpPort)
        .numDataNodes(1)
        .checkDataNodeHostConfig(true)
        .format(format)
        .build();
    cluster.waitActive();
    // after a restart the NameNode stays read-only until the DataNode reports its blocks
    while (cluster.getNameNode().isInSafeMode()) {
      Thread.sleep(200);
    }
    // SIGTERM stops the nodes from this thread, not from a JVM shutdown hook: MiniDFSCluster's
    // shutdown removes hooks of its own, which a JVM already shutting down refuses
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    markReady(base, cluster);
    out.printf("hdfs: NameNode hdfs://127.0.0.1:%d (WebHDFS http://127.0.0.1:%d), "
        + "DataNode %s, storage %s%s%n", port, httpPort,
        cluster.getDataNodes().get(0).getDatanodeId().getXferAddr(), base,
        format ? " (formatted)" : "");
    out.flush();
    stop.await();
    Files.deleteIfExists(base.resolve(READY_FILE));
    // node by node: MiniDFSCluster.shutdown() would also delete the storage when the JVM exits
    cluster.shutdownDataNodes();
    cluster.shutdownNameNodes();
    out.println("hdfs: stopped");
    return JobExit.OK;
  }

  /**
   * One DataNode, so one replica; permissions off, because every process of the profile (Spark
   * executors, Flink TaskManagers, WebHDFS readers) runs as whichever local user started it.
   */
  static Configuration configuration(Path base) {
    Configuration conf = new HdfsConfiguration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
    conf.setInt(DFSConfigKeys.DFS_NAMENODE_SAFEMODE_EXTENSION_KEY, 0);
    conf.setBoolean(DFSConfigKeys.DFS_PERMISSIONS_ENABLED_KEY, false);
    // WebHDFS (on by default) is how Python readers reach the warehouse
    conf.setBoolean("dfs.webhdfs.enabled", true);
    // everything on loopback: the DataNode registers as 127.0.0.1, which WebHDFS redirects name
    conf.set(DFSConfigKeys.DFS_DATANODE_HOST_NAME_KEY, "127.0.0.1");
    conf.set(DFSConfigKeys.DFS_DATANODE_ADDRESS_KEY, "127.0.0.1:0");
    conf.set(DFSConfigKeys.DFS_DATANODE_HTTP_ADDRESS_KEY, "127.0.0.1:0");
    conf.set(DFSConfigKeys.DFS_DATANODE_IPC_ADDRESS_KEY, "127.0.0.1:0");
    // a small machine: few handler threads
    conf.setInt(DFSConfigKeys.DFS_NAMENODE_HANDLER_COUNT_KEY, 4);
    conf.setInt(DFSConfigKeys.DFS_DATANODE_HANDLER_COUNT_KEY, 4);
    return conf;
  }

  private void markReady(Path base, MiniDFSCluster cluster) throws IOException {
    Path tmp = base.resolve(READY_FILE + ".tmp");
    Files.writeString(tmp, "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "\n",
        StandardCharsets.UTF_8);
    Files.move(tmp, base.resolve(READY_FILE), StandardCopyOption.ATOMIC_MOVE);
  }
}
