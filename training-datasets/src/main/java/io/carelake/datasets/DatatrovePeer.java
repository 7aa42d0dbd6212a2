package io.carelake.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.spark.ScratchHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
  record Run(String version, long docs, long bytes, double seconds, long foundPairs,
      long correctPairs) {}

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

  String describe() {
    return "datatrove MinHash (" + script.getParent().relativize(python) + ")";
  }

  /** Runs the script on {@code input} with {@code workers} processes; its log goes to {@code logDir}. */
  Run run(Path input, String shingles, int workers, Path logDir)
      throws IOException, InterruptedException {
    String name = "datatrove-" + shingles + "-" + input.getFileName();
    Path log = logDir.resolve(name + ".log");
    // its scratch folder (the input split per worker, signatures, buckets, output) in the bench's
    // scratch home, deleted after the run
    Path work = logDir.resolve(name + ".work");
    List<String> cmd = List.of(python.toString(), script.toString(), "--input",
        input.toAbsolutePath().toString(), "--shingles", shingles, "--workers",
        Integer.toString(workers), "--work", work.toString());
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
    return new Run(last.path("datatrove").asText(), last.path("docs").asLong(),
        last.path("bytes").asLong(), last.path("seconds").asDouble(),
        last.path("found_pairs").asLong(), last.path("correct_pairs").asLong());
  }

  private static String tail(Path log, int n) throws IOException {
    List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8)
        : List.of("(no log)");
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
