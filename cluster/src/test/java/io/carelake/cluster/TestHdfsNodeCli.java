package io.carelake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobExit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdfs-node}: bad options and a --dir that is a file exit 2 before any node starts. */
class TestHdfsNodeCli {

  @TempDir Path dir;

  private static ToolRun run(String... args) {
    return ToolRun.of(HdfsNode::new, args);
  }

  @Test
  void badPortsAndAFileForDirExitTwoWithoutStartingANode() throws Exception {
    ToolRun samePorts = run("--dir", dir.toString(), "--port", "9000", "--http-port", "9000");
    assertThat(samePorts.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(samePorts.outcome().engineStarted()).isFalse();
    assertThat(samePorts.text()).contains("two different ports").contains("Usage: hdfs-node");

    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    ToolRun aFile = run("--dir", file.toString(), "--port", "9000", "--http-port", "9001");
    assertThat(aFile.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(aFile.outcome().engineStarted()).isFalse();
    assertThat(aFile.text()).startsWith("carelake hdfs-node: --dir " + file + " is a file");
    assertThat(Files.exists(dir.resolve(HdfsNode.READY_FILE))).isFalse();

    assertThat(run("--help").outcome().exit()).isEqualTo(JobExit.OK);
  }
}
