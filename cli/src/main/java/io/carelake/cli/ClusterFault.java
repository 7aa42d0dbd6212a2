package io.carelake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.generator.GenerateCommand;
import io.carelake.generator.GeneratorSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 *       again with worker 1 and its executor killed once both executors are busy; Spark reschedules
 *       the lost tasks on worker 2 (once the driver's log shows tasks started on both executors). The run must succeed (govern fails when its counts do not
 *       reconcile) and {@code audit tables} must find curated.* and quarantine.* identical to
 *       the undisturbed run's.
 * </ul>
 * The killed process is started again at the end, so the profile is whole for the next command.
 */
final class ClusterFault {

  /** What can be killed. */
  enum Target { spark_worker, flink_taskmanager }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(500);
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
    out.println("\n== fault: govern again, spark-worker-1 killed once both executors are busy");
    Instant began = Instant.now();
    CompletableFuture<Integer> govern = background(
        () -> launcher.run(Job.GOVERN, config, intervalArgs(config)));
    if (!awaitBothExecutorsBusy(profile, govern)
        || !awaitTasksOnEveryExecutor(config.home().resolve("logs"), began, govern)) {
      return f.put("pass", false).put("exit", join(govern))
          .put("reason", "govern ended before both executors ran tasks");
    }
    ClusterProfile.sleep(sparkKillDelay.toMillis());
    if (govern.isDone()) {
      return f.put("pass", false).put("exit", join(govern))
          .put("reason", "govern ended before the fault could be injected");
    }
    long pid = profile.daemon("spark-worker-1").kill();
    f.put("killed_pid", pid).put("killed_after_s", seconds(began));
    out.printf(Locale.ROOT, "fault: killed spark-worker-1 (pid %d) and its executor %.0f s into"
        + " govern%n", pid, seconds(began));
    rc = join(govern);
    f.put("exit", rc).put("duration_s", seconds(began))
        .put("tasks_lost_and_rerun", driverLogLines(config.home().resolve("logs"), began,
            LOST_TASK).size());
    int audit = rc == 0 ? launcher.run(Tool.AUDIT, config, auditTables(config, "--expect", saved))
        : 1;
    f.put("same_as_undisturbed", audit == 0);
    profile.relaunch();
    return f.put("pass", rc == 0 && audit == 0);
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

  /** The driver's log line for a task it started, naming the executor it runs on. */
  private static final Pattern STARTING_TASK = Pattern.compile(
      "TaskSetManager: Starting task .* executor (\\d+), partition");
  /** The driver's log line for a task whose executor was lost (the task is run again). */
  private static final Pattern LOST_TASK = Pattern.compile("TaskSetManager: Lost task .*"
      + "ExecutorLostFailure");

  /**
   * Waits until the driver has started tasks on {@value SparkStandalone#WORKERS} executors, read
   * from the run's full log (the profile runs without a Spark UI), so that the kill hits running
   * tasks, not an executor still idle while the driver plans.
   */
  private static boolean awaitTasksOnEveryExecutor(Path logs, Instant since,
      CompletableFuture<Integer> job) {
    while (!job.isDone()) {
      Set<String> executors = new HashSet<>();
      for (String line : driverLogLines(logs, since, STARTING_TASK)) {
        Matcher m = STARTING_TASK.matcher(line);
        if (m.find()) {
          executors.add(m.group(1));
        }
      }
      if (executors.size() >= SparkStandalone.WORKERS) {
        return true;
      }
      ClusterProfile.sleep(POLL.toMillis());
    }
    return false;
  }

  /** The lines matching {@code pattern} of the newest govern log written since {@code since}. */
  private static List<String> driverLogLines(Path logs, Instant since, Pattern pattern) {
    try (Stream<Path> files = Files.isDirectory(logs) ? Files.list(logs) : Stream.empty()) {
      Optional<Path> newest = files.filter(f -> f.getFileName().toString().startsWith("govern-"))
          .filter(f -> modified(f).isAfter(since)).max(Comparator.comparing(ClusterFault::modified));
      if (newest.isEmpty()) {
        return List.of();
      }
      try (Stream<String> lines = Files.lines(newest.get(), StandardCharsets.UTF_8)) {
        return lines.filter(l -> pattern.matcher(l).find()).toList();
      }
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  private static Instant modified(Path f) {
    try {
      return Files.getLastModifiedTime(f).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
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
