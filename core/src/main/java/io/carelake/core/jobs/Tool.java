package io.carelake.core.jobs;

import io.carelake.core.ledger.ActiveRun;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * A plain-Java tool (load, digest, audit, ingest status, bench ingest) on {@link JobRuntime}: the
 * same parse, validate, run path as every job, with no row in the run ledger
 * ({@link JobRuntime.Plan#unrecorded()}).
 *
 * <ul>
 *   <li>{@link #check()} loads and checks every input the tool is driven by (its home, files,
 *       options across each other) before it reads data, connects to a broker or writes anything:
 *       any failure there exits 2 ({@link JobExit#USAGE});
 *   <li>{@link #call()} does the work and returns the tool's verdict: {@link JobExit#OK}, or
 *       {@link JobExit#FAILED} when what it checks does not hold (it printed why); an exception is
 *       a failure (exit 1) with carelake's message, its stack trace only with {@code --verbose}.
 * </ul>
 *
 * <p>A tool with subcommands that are tools ({@code audit ingest}, {@code audit tables}) hands
 * the option checks, {@link #check()} and {@link #call()} to the subcommand chosen.
 */
public abstract class Tool extends JobCommand {

  private Tool chosen = this;
  private JobExit verdict = JobExit.OK;

  protected Tool(String name, PrintStream out, PrintStream err) {
    super(name, out, err);
  }

  /**
   * Checks every input before anything is read, connected or written; any exception is bad input
   * (exit 2, its message printed).
   */
  protected abstract void check() throws Exception;

  /** The work; returns OK, or FAILED when what the tool checks does not hold. */
  protected abstract JobExit call() throws Exception;

  /** Finds the subcommand chosen, if any, and runs its option checks. */
  @Override
  public void checkOptions(CommandLine cli) {
    CommandLine.ParseResult parsed = cli.getParseResult();
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
      if (parsed.commandSpec().userObject() instanceof Tool sub) {
        chosen = sub;
      }
    }
    if (chosen != this) {
      chosen.checkOptions(chosen.commandLine(cli));
    }
  }

  private CommandLine commandLine(CommandLine root) {
    CommandLine.ParseResult parsed = root.getParseResult();
    while (parsed.commandSpec().userObject() != this && parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  @Override
  public boolean verbose() {
    return verbose || chosen.verbose;
  }

  @Override
  public final JobRuntime.Plan validate() throws Exception {
    chosen.check();
    return JobRuntime.Plan.unrecorded();
  }

  @Override
  public final void run(Void engine, ActiveRun active) throws Exception {
    verdict = chosen.call();
  }

  /** How the run ended: the runtime's exit, or the tool's verdict when the work completed. */
  @Override
  public JobRuntime.Outcome outcome(String... args) {
    JobRuntime.Outcome done = super.outcome(args);
    return done.exit() == JobExit.OK && done.engineStarted()
        ? new JobRuntime.Outcome(verdict, true) : done;
  }
}
