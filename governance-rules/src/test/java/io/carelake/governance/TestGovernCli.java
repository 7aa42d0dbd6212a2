package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.spark.JobMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors end with exit 2 before any Spark session starts. */
class TestGovernCli {

  @TempDir Path home;

  static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMissingIntervalIsAUsageError() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = JobMain.run(new GovernJob(),
        new String[] {"--home", home.toString(), "--interval-start", "2025-03-01"}));
    assertThat(code[0]).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(err).contains("--interval-end").contains("--spec-dir");
  }

  @Test
  void anEmptyIntervalIsAUsageError() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = JobMain.run(new GovernJob(), new String[] {"--home",
        home.toString(), "--interval-start", "2025-03-02", "--interval-end", "2025-03-01"}));
    assertThat(code[0]).isEqualTo(JobMain.EXIT_USAGE);
    assertThat(err).contains("must be after --interval-start");
  }
}
