package io.carelake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hdfs-node}: bad options and a --dir that is a file exit 2 before any node starts. */
class TestHdfsNodeCli {

  @TempDir Path dir;

  private record Ran(JobRuntime.Outcome outcome, String text) {}

  private static Ran run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    JobRuntime.Outcome outcome = new HdfsNode(stream, stream).outcome(args);
    return new Ran(outcome, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badPortsAndAFileForDirExitTwoWithoutStartingANode() throws Exception {
    Ran samePorts = run("--dir", dir.toString(), "--port", "9000", "--http-port", "9000");
    assertThat(samePorts.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(samePorts.outcome().engineStarted()).isFalse();
    assertThat(samePorts.text()).contains("two different ports").contains("Usage: hdfs-node");

    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Ran aFile = run("--dir", file.toString(), "--port", "9000", "--http-port", "9001");
    assertThat(aFile.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(aFile.outcome().engineStarted()).isFalse();
    assertThat(aFile.text()).startsWith("carelake hdfs-node: --dir " + file + " is a file");
    assertThat(Files.exists(dir.resolve(HdfsNode.READY_FILE))).isFalse();

    assertThat(run("--help").outcome().exit()).isEqualTo(JobExit.OK);
  }
}
