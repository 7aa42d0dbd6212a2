package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's log lines as Spark 3.5 writes them (the launcher's log pattern in front): which
 * executor runs on which worker, what runs where, what was lost with an executor and run again.
 */
class TestSparkDriverLog {

  private static final String AT = "2026-12-07 07:40:01.123 INFO  [dispatcher-event-loop-1] ";

  private static String granted(String executor, int workerPort) {
    return AT + "org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend: Granted executor ID"
        + " app-20261207074000-0003/" + executor + " on hostPort 127.0.0.1:" + workerPort
        + " with 1 core(s), 768.0 MiB RAM";
  }

  /** A TaskSetManager line: {@code <verb >task <task> in stage <stage> (TID <tid>)<rest>}. */
  private static String taskLine(String verb, String task, String stage, long tid, String rest) {
    return AT + "org.apache.spark.scheduler.TaskSetManager: " + verb + "task " + task
        + " in stage " + stage + " (TID " + tid + ")" + rest;
  }

  private static String starting(String task, String stage, long tid, String executor) {
    return taskLine("Starting ", task, stage, tid, " (127.0.0.1, executor " + executor
        + ", partition 0, PROCESS_LOCAL, 9123 bytes) ");
  }

  private static String finished(String task, String stage, long tid, String executor) {
    return taskLine("Finished ", task, stage, tid, " in 1834 ms on 127.0.0.1 (executor "
        + executor + ") (1/2)");
  }

  /** A task that made its executor exit (WARN). */
  private static String lost(String task, String stage, long tid, String executor) {
    return taskLine("Lost ", task, stage, tid, " (127.0.0.1 executor " + executor
        + "): ExecutorLostFailure (executor " + executor + " exited caused by one of the running"
        + " tasks) Reason: Remote RPC client disassociated.");
  }

  /** A killed worker: the executor exited for a reason unrelated to the task (INFO, no executor). */
  private static String lostUnrelated(String task, String stage, long tid) {
    return taskLine("", task, stage, tid, " failed because while it was being computed, its"
        + " executor exited for a reason unrelated to the task. Not counting this failure towards"
        + " the maximum number of failures for the task.");
  }

  @Test
  void tasksRunningOnAWorkersExecutorAreThoseStartedAndNotYetEnded() {
    SparkDriverLog log = new SparkDriverLog(List.of(
        granted("0", 41001), granted("1", 41002),
        starting("0.0", "0.0", 0, "0"), starting("1.0", "0.0", 1, "1"),
        finished("0.0", "0.0", 0, "0"), finished("1.0", "0.0", 1, "1"),
        starting("0.0", "1.0", 2, "1"), starting("1.0", "1.0", 3, "0")));
    assertThat(log.executorsOnWorker(41001)).containsExactly("0");
    assertThat(log.executorsOnWorker(41003)).isEmpty();
    assertThat(log.executorsWithTasks()).containsExactlyInAnyOrder("0", "1");
    assertThat(log.running(Set.of("0"))).extracting(SparkDriverLog.Task::tid).containsExactly(3L);
    assertThat(log.running(Set.of("0", "1"))).extracting(SparkDriverLog.Task::tid)
        .containsExactly(2L, 3L);
    assertThat(log.lostWithTheirExecutor()).isEmpty();
  }

  @Test
  void aTaskLostWithItsExecutorCountsAsRerunOnlyOnceALaterAttemptFinished() {
    List<String> lines = List.of(
        granted("0", 41001), granted("1", 41002),
        starting("0.0", "2.0", 7, "0"), starting("1.0", "2.0", 8, "1"),
        lost("0.0", "2.0", 7, "0"), starting("0.1", "2.0", 9, "1"));
    SparkDriverLog during = new SparkDriverLog(lines);
    List<SparkDriverLog.Task> lost = during.lostWithTheirExecutor();
    assertThat(lost).containsExactly(new SparkDriverLog.Task(2, 0, 0, 7, "0"));
    assertThat(during.running(Set.of("0"))).isEmpty();
    assertThat(during.rerunAndFinished(lost)).isEmpty();

    SparkDriverLog after = new SparkDriverLog(concat(lines, finished("1.0", "2.0", 8, "1"),
        finished("0.1", "2.0", 9, "1")));
    assertThat(after.rerunAndFinished(after.lostWithTheirExecutor())).hasSize(1);
  }

  @Test
  void aTaskWhoseWorkerWasKilledIsLostWithItsExecutorAndRerunElsewhere() {
    SparkDriverLog log = new SparkDriverLog(List.of(
        granted("0", 41001), granted("1", 41002),
        starting("0.0", "0.0", 0, "0"), starting("1.0", "0.0", 1, "1"),
        lostUnrelated("0.0", "0.0", 0),
        starting("0.1", "0.0", 2, "1"), finished("1.0", "0.0", 1, "1"),
        finished("0.1", "0.0", 2, "1")));
    List<SparkDriverLog.Task> lost = log.lostWithTheirExecutor();
    assertThat(lost).containsExactly(new SparkDriverLog.Task(0, 0, 0, 0, "0"));
    assertThat(log.rerunAndFinished(lost)).isEqualTo(lost);
    assertThat(log.running(Set.of("0", "1"))).isEmpty();
  }

  @Test
  void aTaskLostForAnotherReasonIsNotCountedAsLostWithItsExecutor() {
    String failed = lost("0.0", "3.0", 4, "1").replaceAll("ExecutorLostFailure.*",
        "java.lang.IllegalStateException: boom");
    assertThat(new SparkDriverLog(List.of(starting("0.0", "3.0", 4, "1"), failed))
        .lostWithTheirExecutor()).isEmpty();
  }

  @Test
  void theNewestLogOfTheCommandSinceTheStartIsRead(@TempDir Path logs) throws Exception {
    Instant since = Instant.now().minusSeconds(30);
    Files.write(logs.resolve("govern-old.log"), List.of(granted("5", 41001)));
    Files.setLastModifiedTime(logs.resolve("govern-old.log"), FileTime.from(since.minusSeconds(60)));
    Files.write(logs.resolve("govern-new.log"), List.of(granted("0", 41001), "unrelated line"));
    Files.write(logs.resolve("deidentify-new.log"), List.of(granted("9", 41001)));
    assertThat(SparkDriverLog.newest(logs, "govern", since).executorsOnWorker(41001))
        .containsExactly("0");
    assertThat(SparkDriverLog.newest(logs.resolve("missing"), "govern", since)
        .executorsWithTasks()).isEmpty();
  }

  private static List<String> concat(List<String> lines, String... more) {
    return java.util.stream.Stream.concat(lines.stream(), java.util.stream.Stream.of(more)).toList();
  }
}
