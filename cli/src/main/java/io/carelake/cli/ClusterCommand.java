package io.carelake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code carelake cluster start|stop|status}: the cluster profile on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"The cluster profile on this machine, from real components on 127.0.0.1:"
        + " PostgreSQL (the Iceberg JDBC catalog), HDFS (the warehouse), a Spark standalone master"
        + " with two workers, a Flink session cluster, and the Kafka broker. Everything lives under"
        + " <home>/cluster; start records the profile in <home>/carelake.properties, after which"
        + " every job of that home is submitted there (spark-submit, flink run)."},
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class,
        ClusterCommand.Status.class})
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
}
