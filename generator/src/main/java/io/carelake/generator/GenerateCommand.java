package io.carelake.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carelake generate}: a synthetic primary-care population streamed into Kafka, or with
 * {@code --out} to JSONL files, plus a manifest of exactly what was sent and where each bad
 * message must end up.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {
        "Generate a synthetic primary-care population (visits and vitals with realistic Chinese"
            + " PHI, incident hypertension and type 2 diabetes, and a share of bad messages).",
        "Sends to the Kafka topics of the config, or with --out writes DIR/visits.jsonl and"
            + " DIR/vitals.jsonl. Deterministic for a seed."})
public final class GenerateCommand implements Callable<Integer> {

  @Mixin HomeConfigOptions homeOptions = new HomeConfigOptions();

  @Option(names = "--patients", defaultValue = "2000",
      description = "Residents to simulate (default ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--days", defaultValue = "365",
      description = "Days of care to simulate (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", defaultValue = "2025-01-01",
      description = "First simulated day, YYYY-MM-DD (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--bad-rate", defaultValue = "0.02",
      description = "Share of messages damaged, 0-0.5 (default ${DEFAULT-VALUE}).")
  double badRate;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write DIR/visits.jsonl, DIR/vitals.jsonl and DIR/manifest.json instead of"
          + " sending to Kafka.")
  Path out;

  private final PrintStream stdout = System.out;
  private final PrintStream stderr = System.err;

  @Override
  public Integer call() throws IOException {
    GeneratorSettings settings = new GeneratorSettings(patients, days, seed, start, badRate);
    long began = System.nanoTime();
    Manifest manifest;
    Path manifestFile;
    if (out != null) {
      try (JsonlSink sink = new JsonlSink(out)) {
        manifest = new Generator(settings).run(sink, out.toAbsolutePath().toString(),
            progress());
      }
      manifestFile = out.resolve("manifest.json");
    } else {
      CarelakeConfig cfg = homeOptions.resolve();
      String bootstrap = cfg.kafkaBootstrapServers();
      stderr.println("generate: sending to Kafka at " + bootstrap + " (topics "
          + cfg.visitsTopic() + ", " + cfg.vitalsTopic() + ")");
      try (KafkaSink sink = new KafkaSink(bootstrap, cfg.visitsTopic(), cfg.vitalsTopic())) {
        manifest = new Generator(settings).run(sink, "kafka:" + bootstrap, progress());
      }
      manifestFile = manifestPath(cfg.home(), settings);
    }
    writeManifest(manifest, manifestFile);
    double seconds = (System.nanoTime() - began) / 1e9;
    stdout.printf(Locale.ROOT,
        "generate: %,d messages (%,d visits, %,d vitals) for %,d patients over %d days in %.1f s"
            + " (%,.0f messages/s)%n", manifest.messages(), manifest.visits.messages,
        manifest.vitals.messages, patients, days, seconds, manifest.messages() / seconds);
    StringBuilder planted = new StringBuilder();
    for (Map.Entry<BadKind, Long> e : manifest.plantedByKind().entrySet()) {
      planted.append(planted.length() == 0 ? "" : ", ").append(e.getKey().name().toLowerCase(Locale.ROOT))
          .append(' ').append(e.getValue());
    }
    stdout.println("generate: planted " + (planted.length() == 0 ? "nothing" : planted));
    stdout.println("generate: manifest " + manifestFile.toAbsolutePath());
    return 0;
  }

  /** Where a Kafka run records its manifest: one per home and parameters. */
  public static Path manifestPath(Path home, GeneratorSettings s) {
    return home.resolve("generated").resolve(String.format(Locale.ROOT,
        "manifest-seed%d-p%d-d%d.json", s.seed(), s.patients(), s.days()));
  }

  static void writeManifest(Manifest manifest, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), manifest);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private java.util.function.Consumer<Generator.Progress> progress() {
    long[] last = {System.nanoTime()};
    return p -> {
      long now = System.nanoTime();
      if (now - last[0] >= 5_000_000_000L || p.day() == p.days()) {
        last[0] = now;
        stderr.printf(Locale.ROOT, "generate: day %d/%d (%s), %,d messages%n", p.day(), p.days(),
            p.date(), p.messages());
      }
    };
  }
}
