package io.carelake.reports;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium} package, installed by {@code bin/setup chromium}):
 * prints the report's page to PDF, and is what the report's browser tests drive. Config key
 * {@value #CHROMIUM_KEY} (environment {@code CARELAKE_REPORTS_CHROMIUM}) names another binary.
 *
 * <p>Every start gets a fresh profile directory and the flags that keep a headless browser from
 * reaching the network on its own (no background networking, component updates, sync or QUIC),
 * so that the page is judged offline, as an auditor's archive would open it. {@code --no-sandbox}
 * because set-up and CI run as root, where Chromium's sandbox cannot start.
 */
final class Chromium {

  static final String CHROMIUM_KEY = "reports.chromium";
  static final String CHROMIUM_DEFAULT = "chromium";
  static final long PDF_TIMEOUT_SECONDS = 120;

  static final List<String> HEADLESS_FLAGS = List.of("--headless", "--no-sandbox",
      "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
      "--hide-scrollbars", "--mute-audio");

  private final Path binary;

  private Chromium(Path binary) {
    this.binary = binary;
  }

  Path binary() {
    return binary;
  }

  /** Thrown when no Chromium can be found: says what to install or set. */
  static final class NotFound extends IllegalStateException {
    NotFound(String message) {
      super(message);
    }
  }

  /**
   * The binary named by {@code configured} (a path, or a name looked up on PATH).
   *
   * @throws NotFound with what to do when there is none
   */
  static Chromium locate(String configured) {
    String name = configured == null || configured.isBlank() ? CHROMIUM_DEFAULT : configured.strip();
    Path direct = Path.of(name);
    if (name.contains(File.separator) && Files.isExecutable(direct)) {
      return new Chromium(direct);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return new Chromium(candidate);
      }
    }
    throw new NotFound("No Chromium found ('" + name + "' is not an executable on PATH): run"
        + " bin/setup chromium (installs Debian's chromium package with apt-get, as root), or set"
        + " " + CHROMIUM_KEY + " (environment CARELAKE_REPORTS_CHROMIUM) to a Chromium binary");
  }

  /** A command line: the binary, the headless flags, a fresh profile, then {@code args}. */
  List<String> command(Path profile, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(HEADLESS_FLAGS);
    cmd.add("--user-data-dir=" + profile);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Prints {@code html} (a self-contained page) to PDF, A4, without the browser's header and
   * footer, and returns the PDF's bytes. Works in a temporary directory it deletes.
   */
  byte[] printToPdf(byte[] html) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("carelake-report-pdf");
    try {
      Path page = dir.resolve("index.html");
      Path pdf = dir.resolve("report.pdf");
      Path log = dir.resolve("chromium.log");
      Files.write(page, html);
      Process p = new ProcessBuilder(command(dir.resolve("profile"), List.of(
          "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
          "--print-to-pdf=" + pdf, page.toUri().toString())))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(PDF_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("Chromium did not print the report to PDF within "
            + PDF_TIMEOUT_SECONDS + " s (" + binary + "); its log: " + tail(log));
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(pdf) || Files.size(pdf) == 0) {
        throw new IOException("Chromium (" + binary + ") could not print the report to PDF (exit "
            + p.exitValue() + "); its log: " + tail(log));
      }
      return Files.readAllBytes(pdf);
    } finally {
      deleteTree(dir);
    }
  }

  /** The last lines of a log, for an error message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }
}
