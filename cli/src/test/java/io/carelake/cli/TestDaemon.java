package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A background process found again from its pid file, and only when its command line is ours. */
class TestDaemon {

  @TempDir Path dir;

  @Test
  void aStartedProcessIsFoundByItsPidFileAndStoppedWithWhatItStarted() throws Exception {
    String marker = dir.resolve("home").toString();
    Daemon daemon = new Daemon("sleeper", dir.resolve("run/sleeper.pid"),
        dir.resolve("logs/sleeper.log"), marker);
    // bash stays the parent of a child sleep, as a Spark worker is of its executors
    daemon.start(List.of("bash", "-c", "sleep 120 & echo started; wait", marker), Map.of());
    try {
      ProcessHandle p = awaitRunning(daemon);
      awaitLog(daemon, "started");
      List<ProcessHandle> children = p.descendants().toList();
      assertThat(children).isNotEmpty();
      assertThat(daemon.stop(Duration.ofSeconds(5))).isTrue();
      assertThat(p.isAlive()).isFalse();
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      assertThat(dir.resolve("run/sleeper.pid")).doesNotExist();
      assertThat(daemon.running()).isFalse();
      assertThat(daemon.stop(Duration.ofSeconds(1))).isFalse();
    } finally {
      daemon.process().ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aPidThatNowBelongsToAnotherProgramIsNotTakenForOurs() throws Exception {
    Path pid = Files.createDirectories(dir.resolve("run")).resolve("kafka.pid");
    // this test's own JVM is alive, but its command line does not name the home
    Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
    Daemon daemon = new Daemon("kafka", pid, dir.resolve("kafka.log"),
        dir.resolve("a-home-nobody-runs").toString());
    assertThat(daemon.running()).isFalse();
    assertThat(daemon.stop(Duration.ofSeconds(1))).isFalse();
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void aPidFileWithoutALiveProcessMeansStopped() throws Exception {
    Path pid = Files.createDirectories(dir.resolve("run")).resolve("gone.pid");
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Files.writeString(pid, Long.toString(p.pid()));
    assertThat(new Daemon("gone", pid, dir.resolve("gone.log"), "true").running()).isFalse();
    Files.writeString(pid, "not a pid");
    assertThat(new Daemon("gone", pid, dir.resolve("gone.log"), "true").running()).isFalse();
  }

  private static ProcessHandle awaitRunning(Daemon daemon) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      var p = daemon.process();
      if (p.isPresent()) {
        return p.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(daemon.name() + " did not start; see " + daemon.logFile());
  }

  private static void awaitLog(Daemon daemon, String text) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(daemon.logFile()) && Files.readString(daemon.logFile()).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(daemon.logFile() + " never said '" + text + "'");
  }
}
