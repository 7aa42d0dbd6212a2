package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code carelake kafka start|stop|status}: the embedded KRaft broker. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Start, stop or inspect the embedded Kafka broker (KRaft, under <home>/kafka).",
    subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("carelake kafka: say start, stop or status (see carelake kafka --help)");
    return 2;
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start the broker (if not running), wait until it is ready, create the topics, "
          + "and record its address as kafka.bootstrap-servers.")
  static final class Start implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      CarelakeConfig config = home.load();
      config = new EmbeddedKafka(config, System.out).start(config);
      System.out.println("kafka.bootstrap-servers=" + config.kafkaBootstrapServers());
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the broker cleanly.")
  static final class Stop implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      new EmbeddedKafka(home.load(), System.out).stop();
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Say whether the broker runs, where, and how many messages each topic holds.")
  static final class Status implements Callable<Integer> {
    @Mixin HomeOptions home;

    @Override
    public Integer call() {
      CarelakeConfig config = home.load();
      EmbeddedKafka kafka = new EmbeddedKafka(config, System.out);
      if (kafka.process().isEmpty()) {
        System.out.println("kafka: not running (home " + config.home() + ")");
        return 1;
      }
      System.out.println("kafka: running, pid " + kafka.process().get().pid() + ", at "
          + config.kafkaBootstrapServers() + ", log " + kafka.logFile());
      kafka.messageCounts(config).forEach((topic, n) ->
          System.out.printf("  topic %-20s %,d messages%n", topic, n));
      return 0;
    }
  }
}
