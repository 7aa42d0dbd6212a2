package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.JobMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench govern on a few hundred rows: it runs govern for real and prints both timings. */
class TestGovernBench {

  @TempDir static Path home;

  @AfterAll
  static void stopSpark() {
    TestSpark.stop();
  }

  @Test
  void theBenchGovernsTheSyntheticRowsAndPrintsTheRatio() {
    TestSpark.stop();
    GovernBench bench = new GovernBench();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    bench.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int exit = JobMain.run(bench, new String[] {"--home", home.toString(), "--rows", "700"});
    assertThat(exit).isEqualTo(JobMain.EXIT_OK);
    // one row in a hundred carries 400, impossible for every code but body weight (2..400 kg)
    long impossible = LongStream.range(0, 700).filter(id -> id % 100 == 99 && id % 7 != 5)
        .count();
    assertThat(impossible).isPositive();
    assertThat(bench.result.quarantined()).isEqualTo(impossible);
    assertThat(bench.result.curated() + bench.result.quarantined()).isEqualTo(700);
    assertThat(bench.result.floorSeconds()).isPositive();
    assertThat(bench.result.governSeconds()).isPositive();
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("bench govern: 700 vitals rows").contains("floor  (full scan + group-by event_id")
        .contains("for reference: event_id column only")
        .contains("govern (shipped specs").contains("ratio govern / floor: ");

    // a home that already has raw tables is refused: the bench would overwrite them
    TestSpark.stop();
    assertThat(JobMain.run(new GovernBench(), new String[] {"--home", home.toString(),
        "--rows", "10"})).isEqualTo(JobMain.EXIT_FAILED);
  }
}
