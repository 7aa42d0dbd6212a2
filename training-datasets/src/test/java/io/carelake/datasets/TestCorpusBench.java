package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.spark.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code bench corpus} at a small size with its peer for real: datatrove's MinHash deduplication
 * from the virtual environment {@code bin/setup datatrove} makes (both shingle configurations), on
 * the same planted documents. No timing is asserted; the figures must be well formed and the pair
 * scoring must have found true pairs on both sides.
 */
class TestCorpusBench {

  @TempDir
  Path home;

  @Test
  void oursAndDatatroveOnTheSamePlantedDocuments() throws Exception {
    LocalSpark.stop();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CorpusBench bench = new CorpusBench();
    bench.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int exit = new CommandLine(bench).execute("--home", home.toString(), "--docs", "2000",
        "--master", "local[2]", "--peer-bands", "14x8,16x7");
    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();

    List<String> lines = printed.lines().toList();
    assertThat(lines).anyMatch(l -> l.contains("datatrove char"))
        .anyMatch(l -> l.contains("datatrove jieba"));
    JsonNode run = new ObjectMapper().readTree(lines.get(lines.size() - 1)).path("runs").get(0);
    assertThat(run.path("docs").asInt()).isEqualTo(2000);
    assertFraction(run, "precision");
    // the planted variants are 5-gram Jaccard ~0.9 to their base: far above the 0.7 threshold
    assertThat(run.path("recall").asDouble()).isGreaterThan(0.9);
    assertThat(run.path("bands").asText())
        .isEqualTo(NearDuplicates.BANDS + "x" + NearDuplicates.ROWS);
    // the planted pairs come from the generator: every tenth base, 1-3 variants each
    long planted = CorpusBench.generate(2000, 20251206L).stream()
        .filter(d -> !d.id().equals(d.group())).count();
    assertThat(run.path("planted_pairs").asLong()).isEqualTo(planted);
    assertThat(run.path("recall").asDouble())
        .isCloseTo(run.path("found_planted_pairs").asDouble() / planted, within(1e-4));

    List<String> shingles = new ArrayList<>();
    for (JsonNode peer : run.path("peers")) {
      shingles.add(peer.path("shingles").asText() + " " + peer.path("bands").asText());
      assertThat(peer.path("peer").asText()).isEqualTo("datatrove");
      assertThat(peer.path("version").asText()).isEqualTo("0.10.1");
      assertThat(peer.path("docs").asInt()).as("the peer read the same documents").isEqualTo(2000);
      assertFraction(peer, "precision");
      assertFraction(peer, "recall");
      assertThat(peer.path("recall").asDouble()).as("the peer found planted pairs").isPositive();
      assertThat(peer.path("mb_per_s_per_core").asDouble()).isPositive();
      assertThat(peer.path("throughput_ratio").asDouble()).isPositive();
    }
    // every configuration at every banding; the script reports the banding it ran with
    assertThat(shingles).containsExactly("char 14x8", "char 16x7", "jieba 14x8", "jieba 16x7");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "--peer-shingles | words | 'words' is none of",
      "--peer-bands    | 14by8 | '14by8' is not BANDSxROWS"})
  void aBadPeerOptionIsAUsageError(String option, String value, String message) {
    CorpusBench bench = new CorpusBench();
    bench.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(bench);
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute("--home", home.toString(), option, value);
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
  }

  private static void assertFraction(JsonNode node, String field) {
    assertThat(node.path(field).isNumber()).as(field + " in " + node).isTrue();
    assertThat(node.path(field).asDouble()).as(field).isBetween(0.0, 1.0);
  }
}
