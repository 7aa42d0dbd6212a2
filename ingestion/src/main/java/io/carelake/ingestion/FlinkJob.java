package io.carelake.ingestion;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobRuntime;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What ingestion's recorded jobs ({@code ingest}, {@code maintain}) bring to core's
 * {@link JobRuntime}: the config options and {@code --verbose}, the engine's logging set up before
 * anything else, no engine before the run (each builds its Flink environment once it knows what to
 * run) and the {@code [job]} progress lines.
 */
abstract class FlinkJob implements JobRuntime.Lifecycle<Void> {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--verbose", description = "Print stack traces and engine logs (INFO).")
  boolean verbose;

  /** Progress, errors and the summary. */
  final PrintStream out;
  private final String name;

  FlinkJob(String name, PrintStream out) {
    this.name = name;
    this.out = out;
  }

  /** Parses {@code args}, runs the lifecycle and returns the exit code. */
  int execute(String... args) {
    return JobRuntime.run(this, this, args, out).code();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean verbose() {
    return verbose;
  }

  @Override
  public final JobRuntime.Plan validate() {
    EngineLogging.configure(verbose);
    return plan(configOptions.resolve());
  }

  /** The job's checks of {@code config} (a ConfigException is exit 2) and the run to record. */
  abstract JobRuntime.Plan plan(CarelakeConfig config);

  /** The run builds its own Flink environment. */
  @Override
  public Void startEngine() {
    return null;
  }

  void progress(String format, Object... args) {
    out.println("[" + name + "] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
