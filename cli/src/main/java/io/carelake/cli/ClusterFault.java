package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.generator.GenerateCommand;
import io.carelake.generator.GeneratorSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * {@code carelake cluster fault}: a process of the cluster profile killed (SIGKILL, with what it
 * started) while a stage runs on it, and the checks that nothing was lost or doubled.
 *
 * <ul>
 *   <li>{@code flink-taskmanager}: killed while {@code ingest} streams a freshly generated data set
 *       (as soon as the job has emitted records; optionally after N completed checkpoints), a new
 *       TaskManager started a few seconds later; the job's restart strategy restores it from its
 *       last checkpoint. Then {@code audit ingest}: every published event in {@code raw.*}
 *       exactly once, dead letters as planted, the ingest run reconciled.
 *   <li>{@code spark-worker}: {@code govern} runs once undisturbed (its tables' digests saved), then
 *       again with worker 1 and its executor killed at a moment the driver's log shows tasks
 *       running on that executor (after both executors have started tasks, and the kill delay);
 *       Spark runs the lost tasks again on worker 2. The run must succeed (govern fails when its
 *       counts do not reconcile), at least one task must have been lost with the executor and
 *       every lost task run again to the end ({@link SparkDriverLog}), and {@code audit tables}
 *       must find curated.* and quarantine.* identical to the undisturbed run's.
 * </ul>
 * The killed process is started again at the end, so the profile is whole for the next command.
 */
final class ClusterFault {

  /** What can be killed. */
  enum Target { spark_worker, flink_taskmanager }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(500);
  /** Tasks of govern last seconds: the driver's log is read this often before the kill. */
  private static final Duration RUNNING_POLL = Duration.ofMillis(100);
  private static final List<String> GOVERN_OUTPUTS = List.of("curated", "quarantine");

  private final Launcher launcher;
  private final PrintStream out;
  private final GeneratorSettings data;
  private final Duration sparkKillDelay;
  private final int afterCheckpoints;

  ClusterFault(Launcher launcher, PrintStream out, GeneratorSettings data, Duration sparkKillDelay,
      int afterCheckpoints) {
    this.launcher = launcher;
    this.out = out;
    this.data = data;
    this.sparkKillDelay = sparkKillDelay;
    this.afterCheckpoints = afterCheckpoints;
  }

  /** The generator's manifest of this data set in this home: present once it was published. */
  Path manifest(CarelakeConfig config) {
    return GenerateCommand.manifestPath(config.home(), data);
  }

  /**
   * Runs the faults in order (the TaskManager's first: govern needs the raw tables) on a started
   * profile; returns the verdict as one JSON object.
   */
  ObjectNode run(CarelakeConfig config, ClusterProfile profile, List<Target> targets) {
    ObjectNode verdict = JSON.createObjectNode();
    ArrayNode faults = verdict.putArray("faults");
    boolean pass = true;
    boolean fresh = !Files.exists(manifest(config));
    if (fresh) {
      generate(config);
    }
    if (targets.contains(Target.flink_taskmanager)) {
      ObjectNode f = killTaskManagerDuringIngest(config, profile);
      faults.add(f);
      pass &= f.path("pass").asBoolean();
    } else if (fresh) {
      pass &= launcher.run(Job.INGEST, config, homeArgs(config, "--bounded")) == 0;
    }
    if (targets.contains(Target.spark_worker) && pass) {
      ObjectNode f = killSparkWorkerDuringGovern(config, profile);
      faults.add(f);
      pass &= f.path("pass").asBoolean();
    }
    verdict.put("verdict", pass ? "PASS" : "FAIL");
    return verdict;
  }

  private void generate(CarelakeConfig config) {
    int rc = new CommandLine(new GenerateCommand()).execute("--home", config.home().toString(),
        "--patients", String.valueOf(data.patients()), "--days", String.valueOf(data.days()),
        "--seed", String.valueOf(data.seed()), "--start", data.start().toString(),
        "--bad-rate", String.valueOf(data.badRate()));
    if (rc != 0) {
      throw new IllegalStateException("generate failed (exit " + rc + "); its messages are above");
    }
  }

  private ObjectNode killTaskManagerDuringIngest(CarelakeConfig config, ClusterProfile profile) {
    ObjectNode f = JSON.createObjectNode().put("kill", "flink-taskmanager");
    out.println("\n== fault: the Flink TaskManager killed during ingest");
    Instant began = Instant.now();
    CompletableFuture<Integer> ingest = background(
        () -> launcher.run(Job.INGEST, config, homeArgs(config, "--bounded")));
    Optional<JsonNode> job = awaitIngestFlowing(profile, ingest);
    if (job.isEmpty()) {
      return f.put("pass", false).put("exit", join(ingest))
          .put("reason", "ingest ended before the fault could be injected");
    }
    f.put("flink_job", job.get().path("jid").asText())
        .put("records_emitted_at_kill", emitted(profile, job.get().path("jid").asText()))
        .put("checkpoints_completed_at_kill", completedCheckpoints(profile,
            job.get().path("jid").asText()));
    long pid = profile.daemon("flink-taskmanager").kill();
    f.put("killed_pid", pid).put("killed_after_s", seconds(began));
    out.printf(Locale.ROOT, "fault: killed flink-taskmanager (pid %d) %.0f s into ingest, %d"
            + " records emitted, %d checkpoint(s) completed%n", pid, seconds(began),
        f.path("records_emitted_at_kill").asLong(), f.path("checkpoints_completed_at_kill").asInt());
    // the lost TaskManager is noticed (heartbeat), the job restarts and waits for slots
    ClusterProfile.sleep(5000);
    profile.relaunch();
    out.println("fault: a new TaskManager registered; the job's restart strategy takes over");
    int rc = join(ingest);
    f.put("exit", rc).put("restarts", restarts(profile, f.path("flink_job").asText()))
        .put("duration_s", seconds(began));
    int audit = launcher.run(Tool.AUDIT, config, homeArgs(config, "ingest", "--manifest",
        manifest(config).toString()));
    f.put("exactly_once", audit == 0);
    return f.put("pass", rc == 0 && audit == 0);
  }

  private ObjectNode killSparkWorkerDuringGovern(CarelakeConfig config, ClusterProfile profile) {
    ObjectNode f = JSON.createObjectNode().put("kill", "spark-worker-1");
    Path saved = config.home().resolve("cluster").resolve("fault-govern-undisturbed.properties");
    out.println("\n== fault: govern undisturbed first (the tables to compare with)");
    Instant t0 = Instant.now();
    int rc = launcher.run(Job.GOVERN, config, intervalArgs(config));
    f.put("undisturbed_exit", rc).put("undisturbed_s", seconds(t0));
    if (rc != 0 || launcher.run(Tool.AUDIT, config, auditTables(config, "--save", saved)) != 0) {
      return f.put("pass", false).put("reason", "the undisturbed govern run failed");
    }
    out.println("\n== fault: govern again, spark-worker-1 killed while its executor runs tasks");
    Instant began = Instant.now();
    Path logs = config.home().resolve("logs");
    CompletableFuture<Integer> govern = background(
        () -> launcher.run(Job.GOVERN, config, intervalArgs(config)));
    if (!awaitBothExecutorsBusy(profile, govern) || !awaitTasksOnEveryExecutor(logs, began, govern)) {
      return f.put("pass", false).put("exit", join(govern))
          .put("reason", "govern ended before both executors ran tasks");
    }
    ClusterProfile.sleep(sparkKillDelay.toMillis());
    List<SparkDriverLog.Task> running = awaitTasksRunningOnWorker(profile, logs, began, govern);
    if (running.isEmpty()) {
      return f.put("pass", false).put("exit", join(govern))
          .put("reason", "govern ended before a task ran on spark-worker-1's executor again");
    }
    long pid = profile.daemon("spark-worker-1").kill();
    f.put("killed_pid", pid).put("killed_after_s", seconds(began))
        .put("executor", running.get(0).executor());
    ArrayNode tids = f.putArray("tasks_running_at_kill");
    running.forEach(t -> tids.add(t.tid()));
    out.printf(Locale.ROOT, "fault: killed spark-worker-1 (pid %d) and its executor %s %.0f s into"
        + " govern, %d task(s) running on it%n", pid, running.get(0).executor(), seconds(began),
        running.size());
    rc = join(govern);
    SparkDriverLog log = SparkDriverLog.newest(logs, "govern", began);
    List<SparkDriverLog.Task> lost = log.lostWithTheirExecutor();
    List<SparkDriverLog.Task> rerun = log.rerunAndFinished(lost);
    f.put("exit", rc).put("duration_s", seconds(began)).put("tasks_lost", lost.size())
        .put("tasks_lost_then_rerun_and_finished", rerun.size());
    out.printf(Locale.ROOT, "fault: govern exited %d; %d task(s) lost with the executor, %d of"
        + " them run again to the end elsewhere%n", rc, lost.size(), rerun.size());
    int audit = rc == 0 ? launcher.run(Tool.AUDIT, config, auditTables(config, "--expect", saved))
        : 1;
    f.put("same_as_undisturbed", audit == 0);
    profile.relaunch();
    // the fault counts only when it hit running work and Spark recovered every lost task
    boolean landed = !lost.isEmpty() && rerun.size() == lost.size();
    if (!landed) {
      f.put("reason", lost.isEmpty() ? "no task was lost with the executor (the kill hit no"
          + " running task)" : "a lost task was not run again to the end");
    }
    return f.put("pass", rc == 0 && audit == 0 && landed);
  }

  /**
   * Waits until the driver's log shows a task running on an executor of spark-worker-1 (started,
   * neither finished nor lost), and returns those tasks; empty when govern ended first.
   */
  private static List<SparkDriverLog.Task> awaitTasksRunningOnWorker(ClusterProfile profile,
      Path logs, Instant since, CompletableFuture<Integer> job) {
    int workerPort = profile.sparkWorkerPort(1);
    if (workerPort == 0) {
      throw new IllegalStateException("spark-worker-1's port is not recorded in this home's"
          + " cluster/profile.properties (a profile started by an older carelake): run cluster stop"
          + " and cluster start, then the fault again");
    }
    while (!job.isDone()) {
      SparkDriverLog log = SparkDriverLog.newest(logs, "govern", since);
      List<SparkDriverLog.Task> running = log.running(log.executorsOnWorker(workerPort));
      if (!running.isEmpty()) {
        return running;
      }
      ClusterProfile.sleep(RUNNING_POLL.toMillis());
    }
    return List.of();
  }

  /** The running ingest job once its source has emitted records (and N checkpoints completed). */
  private Optional<JsonNode> awaitIngestFlowing(ClusterProfile profile,
      CompletableFuture<Integer> ingest) {
    while (!ingest.isDone()) {
      JsonNode jobs = ClusterProfile.getJson(profile.flinkRestUrl() + "/jobs/overview");
      for (JsonNode j : jobs == null ? JSON.createArrayNode() : jobs.path("jobs")) {
        String jid = j.path("jid").asText();
        if ("RUNNING".equals(j.path("state").asText())
            && j.path("name").asText().startsWith("carelake-ingest")
            && emitted(profile, jid) > 0 && completedCheckpoints(profile, jid) >= afterCheckpoints) {
          return Optional.of(j);
        }
      }
      ClusterProfile.sleep(POLL.toMillis());
    }
    return Optional.empty();
  }

  /** Records the job's tasks have sent on so far (the REST API's vertex metrics). */
  private static long emitted(ClusterProfile profile, String jid) {
    JsonNode job = ClusterProfile.getJson(profile.flinkRestUrl() + "/jobs/" + jid);
    long sum = 0;
    for (JsonNode v : job == null ? JSON.createArrayNode() : job.path("vertices")) {
      sum += v.path("metrics").path("write-records").asLong();
    }
    return sum;
  }

  private static int completedCheckpoints(ClusterProfile profile, String jid) {
    JsonNode c = ClusterProfile.getJson(profile.flinkRestUrl() + "/jobs/" + jid + "/checkpoints");
    return c == null ? 0 : c.path("counts").path("completed").asInt();
  }

  /** How often the job failed over: the exceptions the JobManager recorded for it. */
  private static int restarts(ClusterProfile profile, String jid) {
    JsonNode e = ClusterProfile.getJson(profile.flinkRestUrl() + "/jobs/" + jid + "/exceptions");
    return e == null ? -1 : e.path("exceptionHistory").path("entries").size();
  }

  /**
   * Waits until the driver has started tasks on {@value SparkStandalone#WORKERS} executors, read
   * from the run's full log (the profile runs without a Spark UI), so that the kill hits running
   * tasks, not an executor still idle while the driver plans.
   */
  private static boolean awaitTasksOnEveryExecutor(Path logs, Instant since,
      CompletableFuture<Integer> job) {
    while (!job.isDone()) {
      if (SparkDriverLog.newest(logs, "govern", since).executorsWithTasks().size()
          >= SparkStandalone.WORKERS) {
        return true;
      }
      ClusterProfile.sleep(POLL.toMillis());
    }
    return false;
  }

  /** Waits until every live worker runs an executor of an active application. */
  private static boolean awaitBothExecutorsBusy(ClusterProfile profile,
      CompletableFuture<Integer> job) {
    while (!job.isDone()) {
      JsonNode master = ClusterProfile.getJson(profile.sparkMasterUi() + "/json/");
      if (master != null && master.path("activeapps").size() > 0) {
        int busy = 0;
        for (JsonNode w : master.path("workers")) {
          if ("ALIVE".equals(w.path("state").asText()) && w.path("coresused").asInt() > 0) {
            busy++;
          }
        }
        if (busy >= SparkStandalone.WORKERS) {
          return true;
        }
      }
      ClusterProfile.sleep(POLL.toMillis());
    }
    return false;
  }

  private List<String> auditTables(CarelakeConfig config, String mode, Path file) {
    List<String> args = homeArgs(config, "tables", mode, file.toString());
    GOVERN_OUTPUTS.forEach(ns -> args.addAll(List.of("--namespace", ns)));
    return args;
  }

  /** The demo's interval: a day before the first generated day (UTC vs the clinics' +08:00). */
  private List<String> intervalArgs(CarelakeConfig config) {
    LocalDate start = data.start();
    return homeArgs(config, "--interval-start", start.minusDays(1).toString(), "--interval-end",
        start.plusDays(data.days()).toString());
  }

  private static List<String> homeArgs(CarelakeConfig config, String... more) {
    List<String> args = new ArrayList<>(List.of(more));
    args.addAll(List.of("--home", config.home().toString()));
    return args;
  }

  private static CompletableFuture<Integer> background(Supplier<Integer> job) {
    return CompletableFuture.supplyAsync(job);
  }

  private static int join(CompletableFuture<Integer> job) {
    try {
      return job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static double seconds(Instant since) {
    return Math.round(Duration.between(since, Instant.now()).toMillis() / 100.0) / 10.0;
  }
}
