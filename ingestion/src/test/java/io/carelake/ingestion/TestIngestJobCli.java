package io.carelake.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors exit 2 with a message saying what to fix, no stack trace. */
class TestIngestJobCli {

  @TempDir Path home;

  private static String[] run(int[] code, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code[0] = IngestJob.run(out, args);
    }
    return new String[] {bytes.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    int[] code = new int[1];
    String out = run(code, "--home", home.toString(), "--bounded", "--frobnicate")[0];
    assertThat(code[0]).isEqualTo(IngestJob.EXIT_USAGE);
    assertThat(out).contains("Unknown option: '--frobnicate'").contains("--bounded");
  }

  @Test
  void aBadSettingIsAConfigurationErrorNamingTheKeyAndFile() {
    CarelakeConfig.load(home, Map.of()).withSaved(CarelakeConfig.INGEST_PARALLELISM, "0");
    int[] code = new int[1];
    String out = run(code, "--home", home.toString(), "--bounded")[0];
    assertThat(code[0]).isEqualTo(IngestJob.EXIT_USAGE);
    assertThat(out).contains("'ingest.parallelism'").contains("carelake.properties")
        .contains("at least 1").doesNotContain("\tat ");
  }

  @Test
  void aNonNumericCheckpointIntervalIsAConfigurationError() {
    CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, "ten seconds");
    int[] code = new int[1];
    String out = run(code, "--home", home.toString(), "--bounded")[0];
    assertThat(code[0]).isEqualTo(IngestJob.EXIT_USAGE);
    assertThat(out).contains("'ingest.checkpoint-interval-ms'").contains("ten seconds");
  }

  @Test
  void anUnknownCatalogTypeIsAConfigurationError() {
    CarelakeConfig.load(home, Map.of()).withSaved(CarelakeConfig.CATALOG_TYPE, "nonsense");
    int[] code = new int[1];
    String out = run(code, "--home", home.toString(), "--bounded")[0];
    assertThat(code[0]).as(out).isEqualTo(IngestJob.EXIT_USAGE);
    assertThat(out).contains("catalog").contains("nonsense").doesNotContain("\tat ");
  }
}
