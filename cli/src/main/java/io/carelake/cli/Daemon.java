package io.carelake.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A background process the launcher started and must be able to find and stop later, from another
 * command: its pid in a file, its output in a log file, and a marker (the home's path) that its
 * command line must contain, so that a pid the kernel gave to some other process since is never
 * taken for ours. Started in a session of its own ({@code setsid}), so that it outlives the command
 * that started it and a Ctrl-C aimed at a later command does not reach it.
 */
final class Daemon {

  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final String name;
  private final Path pidFile;
  private final Path logFile;
  private final String marker;

  Daemon(String name, Path pidFile, Path logFile, String marker) {
    this.name = name;
    this.pidFile = pidFile;
    this.logFile = logFile;
    this.marker = marker;
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  /** The running process, if the pid file names a live process whose command line is ours. */
  Optional<ProcessHandle> process() {
    return pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(true));
  }

  /** The pid in the pid file, if there is one. */
  private Optional<Long> pid() {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst()
          .orElse("").trim();
      return Optional.of(Long.parseLong(first));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  boolean running() {
    return process().isPresent();
  }

  /**
   * Whether the pid file names a live process, without the marker check: for a process just
   * started, whose launcher script runs for a moment before it execs the JVM whose command line
   * carries the marker ({@link #running()} would call it gone).
   */
  boolean startedAndAlive() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Starts {@code command} in the background with {@code environment} added to ours. */
  void start(List<String> command, Map<String, String> environment) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.addAll(command);
    try {
      Files.createDirectories(pidFile.getParent());
      Files.createDirectories(logFile.getParent());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(environment);
      Process p = pb.start();
      // setsid execs the command in place (the child is no group leader): the same pid
      Files.writeString(pidFile, Long.toString(p.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops the process and whatever it started (a Spark worker's executors): SIGTERM, then SIGKILL
   * to what is left after {@code grace}. Returns whether it was running.
   */
  boolean stop(Duration grace) {
    Optional<ProcessHandle> found = process();
    if (found.isEmpty()) {
      deletePidFile();
      return false;
    }
    ProcessHandle handle = found.get();
    List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    awaitExit(handle, Duration.ofSeconds(10));
    // a restart right after must not meet the old executors still holding ports and files
    tree.forEach(child -> awaitExit(child, Duration.ofSeconds(10)));
    deletePidFile();
    return true;
  }

  /** SIGKILL, with everything it started: what losing a machine looks like to the others. */
  long kill() {
    ProcessHandle handle = process().orElseThrow(
        () -> new IllegalStateException(name + " is not running: nothing to kill"));
    List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
    handle.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(handle, Duration.ofSeconds(10));
    tree.forEach(child -> awaitExit(child, Duration.ofSeconds(10)));
    return handle.pid();
  }

  private static void awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // reported by the caller's next status check
    }
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // the next start overwrites it
    }
  }
}
