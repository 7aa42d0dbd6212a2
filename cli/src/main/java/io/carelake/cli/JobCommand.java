package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UnmatchedArgsBinding;

/**
 * Dispatches {@code carelake <job> ...} to the job's own main class in a JVM of its own. The job
 * parses its own typed options (so {@code carelake govern --help} prints the job's real options);
 * the launcher only adds {@code --home} when the user gave neither it nor {@code --config}.
 */
final class JobCommand implements Callable<Integer> {

  private final String name;
  private final Launchable job;
  private final List<String> args = new ArrayList<>();

  private JobCommand(String name, Launchable job) {
    this.name = name;
    this.job = job;
  }

  static CommandLine commandLine(Launchable job) {
    return commandLine(job.command(), job, job.description());
  }

  /**
   * A command word; {@code job} may be null for a word that only groups tools ({@code bench}).
   * A tool named by this word plus the first argument ({@code ingest status}) takes precedence.
   */
  static CommandLine commandLine(String name, Launchable job, String description) {
    JobCommand command = new JobCommand(name, job);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.name(name);
    java.util.List<String> tools = java.util.Arrays.stream(Tool.values())
        .map(Tool::command).filter(c -> c.startsWith(name + " ")).toList();
    spec.usageMessage().description(description,
        "Options are the job's own: run 'carelake " + name + " --help' to list them."
            + (tools.isEmpty() ? "" : " Also: " + String.join(", ", tools) + " (each with --help)."));
    spec.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringArrayConsumer(
        new CommandLine.Model.ISetter() {
          @Override
          @SuppressWarnings("unchecked")
          public <T> T set(T value) {
            if (value != null) {
              for (String s : (String[]) value) {
                command.args.add(s);
              }
            }
            return null;
          }
        }));
    spec.parser().unmatchedArgumentsAllowed(true).unmatchedOptionsArePositionalParams(true);
    return new CommandLine(spec);
  }

  @Override
  public Integer call() {
    Launchable target = job;
    if (!args.isEmpty()) {
      String words = name + " " + args.get(0);
      for (Tool tool : Tool.values()) {
        if (tool.command().equals(words)) {
          target = tool;
          args.remove(0);
        }
      }
    }
    if (target == null) {
      System.err.println("carelake " + name + ": say what to run: " + java.util.Arrays.stream(
          Tool.values()).map(Tool::command).filter(c -> c.startsWith(name + " "))
          .collect(java.util.stream.Collectors.joining(", ")));
      return 2;
    }
    Path home = valueOf("--home");
    Path config = valueOf("--config");
    CarelakeConfig resolved = CarelakeConfig.resolve(home, config, System.getenv());
    List<String> forwarded = new ArrayList<>(args);
    if (home == null && config == null) {
      forwarded.addAll(0, List.of("--home", resolved.home().toString()));
    }
    return Launcher.fromSystem().run(target, resolved, forwarded);
  }

  private Path valueOf(String option) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(option) && i + 1 < args.size()) {
        return Path.of(args.get(i + 1));
      }
      if (a.startsWith(option + "=")) {
        return Path.of(a.substring(option.length() + 1));
      }
    }
    return null;
  }
}
