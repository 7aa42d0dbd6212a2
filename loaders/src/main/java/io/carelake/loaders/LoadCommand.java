package io.carelake.loaders;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;
import io.carelake.generator.JsonlSink;
import io.carelake.generator.KafkaSink;
import io.carelake.generator.MessageSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code carelake load --format fhir|synthea-csv PATH}: publishes canonical visit and vital events
 * from FHIR R4 bundles or a Synthea CSV export to the visits and vitals topics of the config (or
 * writes them to JSONL with {@code --out}), then prints a summary that reconciles every record
 * read with the events published and the records merged or skipped, by reason.
 *
 * <p>Exit codes: 0 loaded (and reconciled), 1 failed (I/O, Kafka, or a ledger that does not
 * reconcile), 2 usage (bad option, PATH not an export of the format).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Publish canonical visit and vital events from FHIR R4 bundles or a Synthea CSV"
        + " export to the Kafka topics (or to JSONL with --out).")
public final class LoadCommand implements Callable<Integer> {

  private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  @Mixin HomeConfigOptions homeOptions = new HomeConfigOptions();

  @Option(names = "--format", required = true, paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description = "fhir (a bundle file or a directory of *.json bundles) or synthea-csv"
          + " (a Synthea CSV export directory).")
  Format format;

  @Option(names = "--source", paramLabel = "NAME", defaultValue = "import",
      description = "Source name: prefix of facility ids (NAME:<organization id>) and part of"
          + " every event id (default: ${DEFAULT-VALUE}). Load the same export with the same"
          + " name to get the same event ids.")
  String source;

  @Option(names = "--out", paramLabel = "FILE.jsonl|DIR",
      description = "Write the events instead of publishing: FILE.jsonl gets all events, one per"
          + " line; a DIR gets visits.jsonl and vitals.jsonl, which `carelake publish DIR`"
          + " sends later.")
  Path out;

  @Parameters(index = "0", paramLabel = "PATH",
      description = "A FHIR bundle file or directory of bundles; a Synthea CSV directory.")
  Path path;

  PrintStream stdout = System.out;
  PrintStream stderr = System.err;

  @Override
  public Integer call() {
    if (!SOURCE_NAME.matcher(source).matches()) {
      stderr.println("load: --source '" + source + "' must be 1-64 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit");
      return 2;
    }
    if (!Files.exists(path)) {
      stderr.println("load: " + path + " does not exist");
      return 2;
    }
    long t0 = System.nanoTime();
    EventMapper.Result result;
    try {
      result = new Loader().load(format, path, source);
    } catch (IOException e) {
      stderr.println("load: cannot read " + format + " export " + path + ": " + e.getMessage());
      return 2;
    }
    long t1 = System.nanoTime();
    long sent;
    String target;
    try (MessageSink sink = sink()) {
      target = out != null ? out.toString() : null;
      sent = new EventWriter().send(result, sink);
      if (target == null) {
        CarelakeConfig cfg = homeOptions.resolve();
        target = cfg.kafkaBootstrapServers() + " (" + cfg.visitsTopic() + ", " + cfg.vitalsTopic()
            + ")";
      }
    } catch (IOException | RuntimeException e) {
      stderr.println("load: publishing failed: " + e.getMessage());
      return 1;
    }
    long t2 = System.nanoTime();
    Ledger ledger = result.ledger();
    ledger.print(stdout);
    double secs = (t2 - t0) / 1e9;
    stdout.printf(Locale.ROOT, "load: %,d events (%,d visits, %,d vitals) -> %s in %.2f s"
        + " (read+map %.2f s, %s %.2f s; %,.0f events/s)%n", sent, result.visits().size(),
        result.vitals().size(), target, secs, (t1 - t0) / 1e9, out != null ? "write" : "publish",
        (t2 - t1) / 1e9, sent / Math.max(secs, 1e-9));
    if (!ledger.reconciles() || sent != ledger.eventsPublished()) {
      stderr.println("load: the ledger does not reconcile (read " + ledger.recordsRead()
          + ", events " + ledger.eventsPublished() + ", merged " + ledger.recordsMerged()
          + ", skipped " + ledger.recordsSkipped() + ", sent " + sent + "); this is a loader bug,"
          + " please report it with the export");
      return 1;
    }
    return 0;
  }

  private MessageSink sink() throws IOException {
    if (out != null) {
      return out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")
          ? new SingleJsonlSink(out) : new JsonlSink(out);
    }
    CarelakeConfig cfg = homeOptions.resolve();
    return new KafkaSink(cfg.kafkaBootstrapServers(), cfg.visitsTopic(), cfg.vitalsTopic());
  }

  /** picocli converter so that {@code --format synthea-csv} parses. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadCommand()).execute(args));
  }
}
