package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job command line the launcher builds: logging to a file under the home, quiet terminal. */
class TestLauncher {

  @TempDir
  Path dir;

  private List<String> command(Job job, List<String> args) throws Exception {
    Path repo = dir.resolve("repo");
    Path target = repo.resolve(job.module()).resolve("target");
    Files.createDirectories(target.resolve("classes"));
    Files.writeString(target.resolve("classpath.txt"), "/x/dep.jar\n");
    CarelakeConfig config = CarelakeConfig.load(dir.resolve("home"), Map.of());
    return new Launcher(repo).command(job, config, args);
  }

  private static String property(List<String> cmd, String name) {
    return cmd.stream().filter(a -> a.startsWith("-D" + name + "="))
        .map(a -> a.substring(name.length() + 3)).findFirst().orElse(null);
  }

  @Test
  void eachRunLogsInFullToItsOwnFileInTheHomesOwnerOnlyLogDirectory() throws Exception {
    List<String> first = command(Job.GOVERN, List.of("--interval-start", "2025-01-01"));
    Thread.sleep(5); // the file name carries milliseconds: two runs never share a file
    List<String> second = command(Job.GOVERN, List.of());
    Path log = Path.of(property(first, "carelake.log.file"));
    assertThat(log.getParent()).isEqualTo(dir.resolve("home").resolve("logs"));
    assertThat(log.getFileName().toString()).matches("govern-\\d{8}-\\d{6}-\\d{3}\\.log");
    assertThat(property(second, "carelake.log.file")).isNotEqualTo(log.toString());
    assertThat(Files.getPosixFilePermissions(log.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(property(first, "log4j2.configurationFile")).endsWith("log4j2-jobs.properties");
    // the shipped configuration writes to that file and keeps the terminal at errors
    String conf = Files.readString(Path.of(property(first, "log4j2.configurationFile")));
    assertThat(conf).contains("fileName = ${sys:carelake.log.file")
        .contains("rootLogger.appenderRef.console.level = ${sys:carelake.log.console-level:-error}");
  }

  @Test
  void verboseShowsTheEngineLogsOnTheTerminalAndATwoWordToolNamesItsFile() throws Exception {
    assertThat(property(command(Job.GOVERN, List.of()), "carelake.log.console-level")).isNull();
    assertThat(property(command(Job.GOVERN, List.of("--verbose")), "carelake.log.console-level"))
        .isEqualTo("info");
    Path repo = dir.resolve("repo");
    Path target = repo.resolve(Tool.INGEST_STATUS.module()).resolve("target");
    Files.createDirectories(target.resolve("classes"));
    Files.writeString(target.resolve("classpath.txt"), "/x/dep.jar\n");
    List<String> cmd = new Launcher(repo).command(Tool.INGEST_STATUS,
        CarelakeConfig.load(dir.resolve("home"), Map.of()), List.of());
    assertThat(Path.of(property(cmd, "carelake.log.file")).getFileName().toString())
        .startsWith("ingest-status-");
  }

  @Test
  void theJobJvmOptionsOfTheConfigComeBeforeTheMainClassAndNoneByDefault() throws Exception {
    List<String> plain = command(Job.GOVERN, List.of());
    assertThat(plain).doesNotContain("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    CarelakeConfig.load(dir.resolve("home"), Map.of()).withSaved(
        CarelakeConfig.LAUNCHER_JOB_JVM_OPTIONS, " -XX:TieredStopAtLevel=1  -XX:+UseSerialGC ");
    List<String> tuned = command(Job.GOVERN, List.of());
    assertThat(tuned).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        Job.GOVERN.mainClass());
    assertThat(tuned).doesNotContain("");
  }
}
