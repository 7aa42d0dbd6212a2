package io.carelake.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a Spark driver's full log (the INFO log the launcher writes to {@code <home>/logs/}) says
 * about a standalone application's executors and tasks: which executors a worker was granted, which
 * tasks each one is running now, and which tasks were lost with their executor and run again. The
 * profile runs without a Spark UI, so this log is where the driver's task bookkeeping shows.
 */
final class SparkDriverLog {

  /** One attempt of a task: its stage (without the stage attempt), partition index and id. */
  record Task(int stage, int index, int attempt, long tid, String executor) {}

  /** {@code StandaloneSchedulerBackend}: an executor granted on a worker (its RPC host:port). */
  private static final Pattern GRANTED = Pattern.compile(
      "Granted executor ID \\S+/(\\S+) on hostPort [^\\s:]+:(\\d+) ");
  private static final String TASK = "task (\\d+)\\.(\\d+) in stage (\\d+)\\.\\d+ \\(TID (\\d+)\\)";
  private static final Pattern STARTING = Pattern.compile(
      "TaskSetManager: Starting " + TASK + " \\([^,]+, executor (\\S+), partition");
  private static final Pattern FINISHED = Pattern.compile(
      "TaskSetManager: Finished " + TASK + " in \\d+ ms on \\S+ \\(executor (\\S+)\\)");
  /** A task whose executor was lost: when a task caused the exit (WARN), ... */
  private static final Pattern LOST = Pattern.compile(
      "TaskSetManager: Lost " + TASK + " \\(\\S+ executor (\\S+)\\): ExecutorLostFailure");
  /** ... and when the executor exited for a reason unrelated to its tasks (INFO; not counted). */
  private static final Pattern LOST_UNRELATED = Pattern.compile("TaskSetManager: " + TASK
      + " failed because while it was being computed, its executor exited");
  /** Any end of an attempt: finished, lost, failed, killed (another attempt of it won). */
  private static final Pattern ENDED = Pattern.compile("TaskSetManager: (?:\\w+ )?" + TASK);

  private final List<String> lines;

  SparkDriverLog(List<String> lines) {
    this.lines = List.copyOf(lines);
  }

  /** The newest log of {@code command} in {@code logs} written since {@code since}, or empty. */
  static SparkDriverLog newest(Path logs, String command, Instant since) {
    try (Stream<Path> files = Files.isDirectory(logs) ? Files.list(logs) : Stream.empty()) {
      Optional<Path> newest = files.filter(f -> f.getFileName().toString().startsWith(command + "-"))
          .filter(f -> modified(f).isAfter(since))
          .max(Comparator.comparing(SparkDriverLog::modified));
      if (newest.isEmpty()) {
        return new SparkDriverLog(List.of());
      }
      try (Stream<String> all = Files.lines(newest.get(), StandardCharsets.UTF_8)) {
        return new SparkDriverLog(all.filter(l -> l.contains("TaskSetManager: ")
            || l.contains("Granted executor ID")).toList());
      }
    } catch (IOException | UncheckedIOException e) {
      return new SparkDriverLog(List.of());
    }
  }

  /** The executors granted on the worker whose RPC port is {@code workerPort}. */
  Set<String> executorsOnWorker(int workerPort) {
    Set<String> found = new LinkedHashSet<>();
    for (String line : lines) {
      Matcher m = GRANTED.matcher(line);
      if (m.find() && Integer.parseInt(m.group(2)) == workerPort) {
        found.add(m.group(1));
      }
    }
    return found;
  }

  /** The executors that have been given at least one task. */
  Set<String> executorsWithTasks() {
    Set<String> found = new LinkedHashSet<>();
    started().forEach(t -> found.add(t.executor()));
    return found;
  }

  /** The attempts running on {@code executors} now: started, and neither finished nor lost. */
  List<Task> running(Set<String> executors) {
    Set<Long> ended = new HashSet<>();
    for (String line : lines) {
      Matcher m = ENDED.matcher(line);
      if (m.find() && !line.contains("TaskSetManager: Starting ")) {
        ended.add(Long.parseLong(m.group(4)));
      }
    }
    return started().stream().filter(t -> executors.contains(t.executor()))
        .filter(t -> !ended.contains(t.tid())).toList();
  }

  /**
   * The attempts lost because their executor was lost ({@code ExecutorLostFailure}): Spark 3.5
   * logs {@code Lost task …: ExecutorLostFailure} when a task caused the exit, and {@code task …
   * failed because while it was being computed, its executor exited …} otherwise (a killed worker).
   */
  List<Task> lostWithTheirExecutor() {
    List<Task> lost = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LOST.matcher(line);
      if (m.find()) {
        lost.add(task(m));
        continue;
      }
      Matcher unrelated = LOST_UNRELATED.matcher(line);
      if (unrelated.find()) {
        // the line names no executor: the attempt's start does
        long tid = Long.parseLong(unrelated.group(4));
        started().stream().filter(t -> t.tid() == tid).findFirst().ifPresent(lost::add);
      }
    }
    return lost;
  }

  /** Of {@code lost}, those whose partition a later attempt of the same stage finished. */
  List<Task> rerunAndFinished(List<Task> lost) {
    Map<String, Long> lastFinished = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = FINISHED.matcher(line);
      if (m.find()) {
        Task t = task(m);
        lastFinished.merge(t.stage() + "/" + t.index(), t.tid(), Math::max);
      }
    }
    return lost.stream().filter(t -> lastFinished.getOrDefault(t.stage() + "/" + t.index(), -1L)
        > t.tid()).toList();
  }

  private List<Task> started() {
    List<Task> started = new ArrayList<>();
    for (String line : lines) {
      Matcher m = STARTING.matcher(line);
      if (m.find()) {
        started.add(task(m));
      }
    }
    return started;
  }

  private static Task task(Matcher m) {
    return new Task(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)), Long.parseLong(m.group(4)), m.group(5));
  }

  private static Instant modified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }
}
