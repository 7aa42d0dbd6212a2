package io.carelake.cli;

import io.carelake.core.config.ConfigException;
import io.carelake.generator.GenerateCommand;
import io.carelake.generator.PublishCommand;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/carelake}: one entry point for the embedded runtime. Light commands (kafka, generate,
 * publish, demo) run here; every job runs in a JVM of its own on its module's classpath.
 */
@Command(name = "carelake", mixinStandardHelpOptions = true,
    versionProvider = Carelake.VersionProvider.class,
    description = {
        "Governed, de-identified medical data for model training.",
        "Every command takes --home DIR (default ./.carelake) or --config FILE."},
    subcommands = {KafkaCommand.class, GenerateCommand.class, PublishCommand.class,
        DemoCommand.class, ClusterCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 failed, 2 usage error, 3 blocked by a governance or privacy rule."})
public final class Carelake implements Callable<Integer> {

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.err);
    return 2;
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Carelake());
    for (Job job : Job.values()) {
      cli.addSubcommand(job.command(), JobCommand.commandLine(job));
    }
    for (Tool tool : Tool.values()) {
      if (tool.standalone()) {
        cli.addSubcommand(tool.command(), JobCommand.commandLine(tool));
      }
    }
    cli.addSubcommand("bench", JobCommand.commandLine("bench", null,
        "Benchmarks that print figures: bench ingest --events N, bench govern --rows N,"
            + " bench deidentify --rows N, bench evaluate --rows N, bench features --rows N,"
            + " bench corpus --docs N, bench train --rows N, bench growth --rows N,N,..."));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean verbose = Arrays.asList(parseResult.originalArgs().toArray()).contains("--verbose");
      if (verbose || !(e instanceof ConfigException || e instanceof IllegalStateException
          || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException)) {
        e.printStackTrace(System.err);
      }
      System.err.println("carelake " + commandLine.getCommandName() + ": " + e.getMessage());
      return 1;
    });
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"carelake " + io.carelake.core.Version.CARELAKE};
    }
  }
}
