package io.carelake.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.spark.ScratchHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * The peer of {@code bench corpus}: datatrove's MinHash deduplication, run by
 * {@code training-datasets/peer/datatrove_dedup.py} in the virtual environment that
 * {@code bin/setup datatrove} makes from that folder's lock file. One process per run; its
 * progress goes to a log file in the bench's scratch home and its last stdout line is a JSON
 * object with the documents, bytes, seconds and pair counts.
 */
final class DatatrovePeer {

  /** The shingle configurations the script knows ({@code --shingles}). */
  static final List<String> SHINGLES = List.of("char", "jieba");

  private final Path python;
  private final Path script;

  private DatatrovePeer(Path python, Path script) {
    this.python = python;
    this.script = script;
  }

  /** The peer is missing or failed: the message says where and what to do. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message);
    }
  }

  /** One run's figures, as the script printed them. */
  record Run(String version, String bands, long docs, long bytes, double seconds,
      long foundPairs, long correctPairs) {}

  /**
   * The peer of the repository this code runs from ({@code CARELAKE_REPO}, else the
   * {@code carelake.repo} property that bin/carelake sets, else the parent of the working
   * directory, which is the repository when Maven runs this module's tests).
   */
  static DatatrovePeer find() {
    String repo = System.getenv("CARELAKE_REPO");
    if (repo == null) {
      repo = System.getProperty("carelake.repo", "..");
    }
    Path peer = Path.of(repo).toAbsolutePath().normalize().resolve("training-datasets")
        .resolve("peer");
    Path python = peer.resolve(".venv").resolve("bin").resolve("python");
    Path script = peer.resolve("datatrove_dedup.py");
    if (!Files.isRegularFile(script)) {
      throw new Failure("the peer's script " + script + " is missing: set"
          + " CARELAKE_REPO to the carelake repository, or run with --skip-peer");
    }
    if (!Files.isExecutable(python)) {
      throw new Failure("datatrove's virtual environment is missing (" + python
          + "): run bin/setup datatrove, or run with --skip-peer");
    }
    return new DatatrovePeer(python, script);
  }

  /** {@code BxR} (bands x rows per band, e.g. 14x8) as {@code {bands, rows}}; else a usage error. */
  static int[] banding(String text, CommandLine cl) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,3})x(\\d{1,3})")
        .matcher(text.trim());
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
      throw new CommandLine.ParameterException(cl, "--peer-bands: '" + text
          + "' is not BANDSxROWS with both at least 1, e.g. 14x8");
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }

  String describe() {
    return "datatrove MinHash (" + script.getParent().relativize(python) + ")";
  }

  /** Runs the script on {@code input} with {@code workers} processes; its log goes to {@code logDir}. */
  Run run(Path input, String shingles, int[] banding, int workers, Path logDir)
      throws IOException, InterruptedException {
    String name = "datatrove-" + shingles + "-" + banding[0] + "x" + banding[1] + "-"
        + input.getFileName();
    Path log = logDir.resolve(name + ".log");
    // its scratch folder (the input split per worker, signatures, buckets, output) in the bench's
    // scratch home, deleted after the run
    Path work = logDir.resolve(name + ".work");
    List<String> cmd = List.of(python.toString(), script.toString(), "--input",
        input.toAbsolutePath().toString(), "--shingles", shingles, "--buckets",
        Integer.toString(banding[0]), "--hashes-per-bucket", Integer.toString(banding[1]),
        "--workers", Integer.toString(workers), "--work", work.toString());
    Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (Files.exists(work)) {
      ScratchHome.delete(work);
    }
    List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
    if (exit != 0 || lines.isEmpty()) {
      throw new Failure("datatrove (" + shingles + ") failed with exit " + exit
          + " on " + input + "; its log, " + log + ", ends:\n" + tail(log, 15));
    }
    JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    String bands = last.path("bands").asText();
    if (!bands.equals(banding[0] + "x" + banding[1])) {
      throw new Failure("datatrove (" + shingles + ") ran with bands " + bands + ", asked for "
          + banding[0] + "x" + banding[1] + "; its log: " + log);
    }
    return new Run(last.path("datatrove").asText(), bands, last.path("docs").asLong(),
        last.path("bytes").asLong(), last.path("seconds").asDouble(),
        last.path("found_pairs").asLong(), last.path("correct_pairs").asLong());
  }

  private static String tail(Path log, int n) throws IOException {
    List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8)
        : List.of("(no log)");
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
