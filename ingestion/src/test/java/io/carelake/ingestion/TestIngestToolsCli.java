package io.carelake.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.jobs.Tool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest status} and {@code bench ingest} on core's tool runtime: bad input exits 2 before
 * Kafka is asked anything (the broker configured here does not exist, and the run is never
 * reached), {@code --help} exits 0.
 */
class TestIngestToolsCli {

  @TempDir Path home;

  private record Ran(JobRuntime.Outcome outcome, String text) {}

  private static Ran run(Function<PrintStream, Tool> tool, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      outcome = tool.apply(out).outcome(args);
    }
    return new Ran(outcome, bytes.toString(StandardCharsets.UTF_8));
  }

  private CarelakeConfig unreachable() {
    return CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1");
  }

  @Test
  void statusWithABadSettingExitsTwoBeforeKafka() {
    unreachable().withSaved(CarelakeConfig.INGEST_PARALLELISM, "0");
    Ran ran = run(IngestStatus::new, "--home", home.toString());
    assertThat(ran.outcome().exit()).as(ran.text()).isEqualTo(JobExit.USAGE);
    assertThat(ran.outcome().engineStarted()).isFalse();
    assertThat(ran.text()).startsWith("carelake ingest status: ")
        .contains("'ingest.parallelism'").doesNotContain("consumer lag").doesNotContain("\tat ");
  }

  @Test
  void statusOptionsOutOfRangeAreUsageErrorsAndHelpExitsZero() {
    unreachable();
    Ran negative = run(IngestStatus::new, "--home", home.toString(), "--runs", "-1");
    assertThat(negative.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(negative.outcome().engineStarted()).isFalse();
    assertThat(negative.text()).contains("--runs must be >= 0").contains("Usage: status");
    Ran help = run(IngestStatus::new, "--help");
    assertThat(help.outcome().exit()).isEqualTo(JobExit.OK);
    assertThat(help.outcome().engineStarted()).isFalse();
  }

  @Test
  void benchWithABadSettingOrTooFewEventsExitsTwoBeforeAnyTopicIsMade() {
    unreachable().withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, "ten seconds");
    Ran setting = run(IngestBench::new, "--home", home.toString(), "--events", "10");
    assertThat(setting.outcome().exit()).as(setting.text()).isEqualTo(JobExit.USAGE);
    assertThat(setting.outcome().engineStarted()).isFalse();
    assertThat(setting.text()).startsWith("carelake bench ingest: ")
        .contains("'ingest.checkpoint-interval-ms'").doesNotContain("[bench]");
    Ran few = run(IngestBench::new, "--home", home.toString(), "--events", "1");
    assertThat(few.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(few.text()).contains("--events must be >= 2").contains("Usage: bench-ingest");
    assertThat(run(IngestBench::new, "--help").outcome().exit()).isEqualTo(JobExit.OK);
  }
}
