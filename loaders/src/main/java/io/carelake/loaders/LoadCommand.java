package io.carelake.loaders;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.jobs.Tool;
import io.carelake.generator.JsonlSink;
import io.carelake.generator.KafkaSink;
import io.carelake.generator.MessageSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
 * <p>Runs on {@link Tool}: the options, the configuration (when publishing) and the whole export
 * are read and checked before anything is published. Exit codes ({@link JobExit}): 0 loaded (and
 * reconciled), 1 failed (Kafka, a write, or a ledger that does not reconcile), 2 usage (a bad
 * option or configuration, PATH missing or not an export of the format), with nothing published.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Publish canonical visit and vital events from FHIR R4 bundles or a Synthea CSV"
        + " export to the Kafka topics (or to JSONL with --out).")
public final class LoadCommand extends Tool {

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
  Path outPath;

  @Parameters(index = "0", paramLabel = "PATH",
      description = "A FHIR bundle file or directory of bundles; a Synthea CSV directory.")
  Path path;

  /** The configuration when publishing to Kafka (null with --out). */
  private CarelakeConfig config;
  private EventMapper.Result result;
  private long readStarted;
  private long readEnded;

  public LoadCommand() {
    this(System.out, System.err);
  }

  /** Results to {@code out}; usage, errors and the ledger's complaints to {@code err}. */
  LoadCommand(PrintStream out, PrintStream err) {
    super("load", out, err);
  }

  public static void main(String[] args) {
    System.exit(new LoadCommand().execute(args));
  }

  @Override
  public void checkOptions(CommandLine cli) {
    if (!SOURCE_NAME.matcher(source).matches()) {
      throw new CommandLine.ParameterException(cli, "--source '" + source + "' must be 1-64"
          + " letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  /** The configuration (when publishing), then the whole export read and mapped. */
  @Override
  protected void check() {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(path + " does not exist (give a " + format.label()
          + " export)");
    }
    if (outPath == null) {
      config = homeOptions.resolve();
    }
    readStarted = System.nanoTime();
    try {
      result = new Loader().load(format, path, source);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + format + " export " + path + ": "
          + JobRuntime.describe(e), e);
    }
    readEnded = System.nanoTime();
  }

  @Override
  protected JobExit call() throws IOException {
    long sent;
    try (MessageSink sink = sink()) {
      sent = new EventWriter().send(result, sink);
    } catch (IOException | RuntimeException e) {
      throw new IOException("publishing failed", e);
    }
    String target = outPath != null ? outPath.toString() : config.kafkaBootstrapServers() + " ("
        + config.visitsTopic() + ", " + config.vitalsTopic() + ")";
    long t2 = System.nanoTime();
    Ledger ledger = result.ledger();
    ledger.print(out);
    double secs = (t2 - readStarted) / 1e9;
    out.printf(Locale.ROOT, "load: %,d events (%,d visits, %,d vitals) -> %s in %.2f s"
        + " (read+map %.2f s, %s %.2f s; %,.0f events/s)%n", sent, result.visits().size(),
        result.vitals().size(), target, secs, (readEnded - readStarted) / 1e9,
        outPath != null ? "write" : "publish", (t2 - readEnded) / 1e9,
        sent / Math.max(secs, 1e-9));
    if (!ledger.reconciles() || sent != ledger.eventsPublished()) {
      err.println("carelake load: the ledger does not reconcile (read " + ledger.recordsRead()
          + ", events " + ledger.eventsPublished() + ", merged " + ledger.recordsMerged()
          + ", skipped " + ledger.recordsSkipped() + ", sent " + sent + "); this is a loader bug,"
          + " please report it with the export");
      return JobExit.FAILED;
    }
    return JobExit.OK;
  }

  private MessageSink sink() throws IOException {
    if (outPath != null) {
      return outPath.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl")
          ? new SingleJsonlSink(outPath) : new JsonlSink(outPath);
    }
    return new KafkaSink(config.kafkaBootstrapServers(), config.visitsTopic(),
        config.vitalsTopic());
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
}
