package io.carelake.core.jobs;

import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * What every job and tool that {@link JobRuntime} does not start an engine for brings to it alike
 * (the Flink jobs, which build their environment inside the run, and the plain-Java tools): its
 * name, {@code --verbose}, where its results and its errors go, and the one entry
 * {@link #execute}.
 */
public abstract class JobCommand implements JobRuntime.Lifecycle<Void> {

  @Option(names = "--verbose",
      description = "Print stack traces (and, for a job that runs an engine, its INFO logs).")
  protected boolean verbose;

  /** Results and progress. */
  protected final PrintStream out;
  /** Usage, errors and the summary ({@link JobRuntime}'s stream). */
  protected final PrintStream err;
  private final String name;

  protected JobCommand(String name, PrintStream out, PrintStream err) {
    this.name = name;
    this.out = out;
    this.err = err;
  }

  /** Parses {@code args}, runs the lifecycle and returns how it ended. */
  public JobRuntime.Outcome outcome(String... args) {
    return JobRuntime.run(this, this, args, err);
  }

  /** Parses {@code args}, runs the lifecycle and returns the exit code ({@link JobExit}). */
  public final int execute(String... args) {
    return outcome(args).code();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean verbose() {
    return verbose;
  }

  /** No engine is started by the runtime: a job that needs one builds it inside its run. */
  @Override
  public Void startEngine() {
    return null;
  }
}
