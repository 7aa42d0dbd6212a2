package io.carelake.cluster;

import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.jobs.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/** A tool run in the test: how it ended and everything it printed (results and errors). */
record ToolRun(JobRuntime.Outcome outcome, String text) {

  /** Runs the tool {@code make} builds on one stream for its results and errors. */
  static ToolRun of(BiFunction<PrintStream, PrintStream, Tool> make, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    JobRuntime.Outcome outcome = make.apply(stream, stream).outcome(args);
    return new ToolRun(outcome, bytes.toString(StandardCharsets.UTF_8));
  }
}
