package io.carelake.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.generator.GeneratorSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code carelake cluster start|stop|status}: the cluster profile on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"The cluster profile on this machine, from real components on 127.0.0.1:"
        + " PostgreSQL (the Iceberg JDBC catalog), HDFS (the warehouse), a Spark standalone master"
        + " with two workers, a Flink session cluster, and the Kafka broker. Everything lives under"
        + " <home>/cluster; start records the profile in <home>/carelake.properties, after which"
        + " every job of that home is submitted there (spark-submit, flink run)."},
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class,
        ClusterCommand.Status.class, ClusterCommand.Fault.class})
public final class ClusterCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("carelake cluster: say start, stop or status (see carelake cluster --help)");
    return 2;
  }

  private static ClusterProfile profile(HomeOptions home) {
    return new ClusterProfile(home.load(), Launcher.fromSystem(), System.out);
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Install what is missing (bin/setup cluster), start every component that is"
          + " not running, wait until all serve, and write the profile into the configuration.")
  static final class Start implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      profile(home).start();
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop every process of the profile (data stays under <home>/cluster).")
  static final class Stop implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      return profile(home).stop() ? 0 : 1;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Each component: running or stopped, its pid and address. Exit 0 when all run.")
  static final class Status implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      ClusterProfile profile = profile(home);
      System.out.println("cluster: home " + home.load().home());
      return profile.status() ? 0 : 1;
    }
  }

  @Command(name = "fault", mixinStandardHelpOptions = true,
      description = {"Kill a process of the profile (SIGKILL, with what it started) while a stage"
          + " runs on it, and check that nothing was lost or doubled. flink-taskmanager: during"
          + " ingest of a freshly generated data set (a new TaskManager follows; the job restores"
          + " its last checkpoint), then every published event must be in raw.* exactly once and"
          + " the dead letters as planted. spark-worker: govern runs undisturbed, then again with"
          + " worker 1 and its executor killed while tasks run on that executor; it must succeed,"
          + " every task lost with the executor must be run again to the end, and curated.* and"
          + " quarantine.* must be identical to the undisturbed run's.",
          "Starts the profile first (and stops it at the end if it started it). The last line is"
              + " the verdict as JSON. Exit 0 when every fault passed, 1 when one did not."})
  static final class Fault implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Option(names = "--kill", paramLabel = "PROCESS", split = ",",
        defaultValue = "flink-taskmanager,spark-worker",
        description = "flink-taskmanager, spark-worker or both (default ${DEFAULT-VALUE}).")
    List<String> kill;

    @Option(names = "--patients", defaultValue = "200", description = "Patients to generate (default ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--days", defaultValue = "30", description = "Days of care to generate (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--after-checkpoints", defaultValue = "0", paramLabel = "N",
        description = "Kill the TaskManager only once N checkpoints of ingest completed (default"
            + " ${DEFAULT-VALUE}: as soon as records flow, before the first commit).")
    int afterCheckpoints;

    @Option(names = "--spark-kill-delay-s", defaultValue = "5", paramLabel = "S",
        description = "Seconds after govern's driver started tasks on both executors before"
            + " worker 1 is killed, at the next moment a task runs on its executor (default"
            + " ${DEFAULT-VALUE}).")
    int sparkKillDelay;

    @Option(names = "--keep-cluster", description = "Leave the profile running at the end.")
    boolean keepCluster;

    @Override
    public Integer call() {
      List<ClusterFault.Target> targets = new java.util.ArrayList<>();
      for (String k : kill) {
        switch (k) {
          case "flink-taskmanager" -> targets.add(ClusterFault.Target.flink_taskmanager);
          case "spark-worker" -> targets.add(ClusterFault.Target.spark_worker);
          default -> {
            System.err.println("carelake cluster fault: --kill " + k + " is not a process to"
                + " kill; say flink-taskmanager, spark-worker or both");
            return 2;
          }
        }
      }
      if (patients < 1 || days < 1 || afterCheckpoints < 0 || sparkKillDelay < 0) {
        System.err.println("carelake cluster fault: --patients and --days must be >= 1,"
            + " --after-checkpoints and --spark-kill-delay-s >= 0");
        return 2;
      }
      CarelakeConfig config = home.load();
      ClusterFault fault = new ClusterFault(Launcher.fromSystem(), System.out,
          new GeneratorSettings(patients, days, seed, LocalDate.parse("2025-01-01"), 0.02),
          Duration.ofSeconds(sparkKillDelay), afterCheckpoints);
      if (targets.contains(ClusterFault.Target.flink_taskmanager)
          && Files.exists(fault.manifest(config))) {
        System.err.println("carelake cluster fault: " + fault.manifest(config) + " shows this"
            + " data set was published to this home already; a fault during ingest needs one"
            + " not ingested yet: use a fresh --home (or --kill spark-worker alone)");
        return 2;
      }
      ClusterProfile profile = profile(home);
      boolean started = profile.running().isEmpty();
      ObjectNode verdict;
      try {
        config = profile.start();
        verdict = fault.run(config, new ClusterProfile(config, Launcher.fromSystem(), System.out),
            targets);
      } finally {
        if (started && !keepCluster) {
          profile.stop();
        }
      }
      boolean pass = "PASS".equals(verdict.path("verdict").asText());
      System.out.println("\ncluster fault: " + (pass ? "PASS: every fault recovered, every count"
          + " reconciled" : "FAIL: see the problems above"));
      System.out.println(verdict.toString());
      return pass ? 0 : 1;
    }
  }
}
