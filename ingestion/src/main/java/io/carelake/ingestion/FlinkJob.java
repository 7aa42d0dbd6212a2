package io.carelake.ingestion;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobCommand;
import io.carelake.core.jobs.JobRuntime;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine.Mixin;

/**
 * What ingestion's recorded jobs ({@code ingest}, {@code maintain}) bring to core's
 * {@link JobRuntime} beyond every {@link JobCommand}'s name, {@code --verbose} and entry: the
 * config options, the engine's logging set up before anything else (each job builds its Flink
 * environment once it knows what to run) and the {@code [job]} progress lines.
 */
abstract class FlinkJob extends JobCommand {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  /** Progress, errors and the summary all go to {@code out}. */
  FlinkJob(String name, PrintStream out) {
    super(name, out, out);
  }

  @Override
  public final JobRuntime.Plan validate() {
    EngineLogging.configure(verbose);
    return plan(configOptions.resolve());
  }

  /** The job's checks of {@code config} (a ConfigException is exit 2) and the run to record. */
  abstract JobRuntime.Plan plan(CarelakeConfig config);

  void progress(String format, Object... args) {
    out.println("[" + name() + "] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
