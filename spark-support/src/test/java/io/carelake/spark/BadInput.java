package io.carelake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Each job family's validation test: a job given a bad spec, policy or definition exits 2 without
 * asking for a Spark session and without writing to its home.
 */
public final class BadInput {

  private BadInput() {}

  /**
   * Runs {@code job} on {@code --home home} and {@code args}; checks exit 2, no session asked for
   * and no catalog created in {@code home}; returns what the job printed.
   */
  public static String run(SparkJob job, Path home, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome = JobMain.execute(job, all,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(outcome).as(printed).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(printed).as("one message, no stack trace").startsWith("carelake " + job.name()
        + ": ").doesNotContain("\tat ");
    assertThat(home.resolve("catalog.db")).as("nothing written, not even the ledger")
        .doesNotExist();
    return printed;
  }
}
