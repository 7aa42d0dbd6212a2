package io.carelake.core.jobs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every job and tool carelake runs, from the one manifest {@code carelake/jobs.json} (a resource of
 * this module). The launcher's {@code Job} and {@code Tool} and the Airflow settings
 * ({@code carelake_airflow/jobs.py}) read the same file, so a job's module, main class and engine are
 * written down once.
 */
public final class JobManifest {

  /** The resource every reader opens; the Airflow side reads it from the checkout. */
  public static final String RESOURCE = "carelake/jobs.json";

  /** The engine a job's JVM is set up for: Spark's local defaults, Flink's, or plain Java. */
  public enum Engine { SPARK, FLINK, JAVA }

  /** A pipeline stage (takes an interval, writes tables) or an operations tool. */
  public enum Kind { JOB, TOOL }

  /** One entry: the words that name it on the command line, and where its code lives. */
  public record Entry(String command, String module, String mainClass, Engine engine, Kind kind,
      String description) {
    public Entry {
      requireText(command, "command", command);
      requireText(module, "module", command);
      requireText(mainClass, "main_class", command);
      requireText(description, "description", command);
      Objects.requireNonNull(engine, () -> RESOURCE + ": entry '" + command + "' has no engine");
      Objects.requireNonNull(kind, () -> RESOURCE + ": entry '" + command + "' has no kind");
    }

    private static void requireText(String value, String field, String command) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(RESOURCE + ": an entry has no " + field
            + " (command '" + command + "')");
      }
    }
  }

  @JsonIgnoreProperties("_comment")
  private record File(@JsonProperty("exit_codes") Map<String, Integer> exitCodes,
      List<RawEntry> entries) {}

  private record RawEntry(String command, String module, @JsonProperty("main_class") String mainClass,
      String engine, String kind, String description) {}

  private static final JobManifest SHIPPED = load();

  private final Map<String, Entry> byCommand;
  private final Map<String, Integer> exitCodes;

  private JobManifest(Map<String, Entry> byCommand, Map<String, Integer> exitCodes) {
    this.byCommand = byCommand;
    this.exitCodes = exitCodes;
  }

  /** The manifest shipped in this module's jar. */
  public static JobManifest shipped() {
    return SHIPPED;
  }

  /** Every entry, jobs in pipeline order first as the file lists them. */
  public List<Entry> entries() {
    return List.copyOf(byCommand.values());
  }

  /**
   * The exit codes as the file lists them, by lower-case name ({@code ok}, {@code failed},
   * {@code usage}, {@code blocked}): what the Airflow side reads; they mirror {@link JobExit}.
   */
  public Map<String, Integer> exitCodes() {
    return exitCodes;
  }

  public Optional<Entry> find(String command) {
    return Optional.ofNullable(byCommand.get(command));
  }

  /** The entry of {@code command}; a name the manifest lacks is a programming error, said plainly. */
  public Entry get(String command) {
    return find(command).orElseThrow(() -> new IllegalStateException(
        "No entry '" + command + "' in " + RESOURCE + " (known: " + byCommand.keySet() + ")"));
  }

  static JobManifest parse(InputStream in) throws IOException {
    ObjectMapper mapper = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    File file = mapper.readValue(in, File.class);
    if (file.entries() == null || file.entries().isEmpty()) {
      throw new IllegalArgumentException(RESOURCE + ": no entries");
    }
    Map<String, Entry> byCommand = new LinkedHashMap<>();
    for (RawEntry raw : file.entries()) {
      Entry entry = new Entry(raw.command(), raw.module(), raw.mainClass(),
          parseEnum(Engine.class, raw.engine(), raw.command(), "engine"),
          parseEnum(Kind.class, raw.kind(), raw.command(), "kind"), raw.description());
      if (byCommand.putIfAbsent(entry.command(), entry) != null) {
        throw new IllegalArgumentException(RESOURCE + ": command '" + entry.command()
            + "' is listed twice");
      }
    }
    return new JobManifest(byCommand,
        file.exitCodes() == null ? Map.of() : Map.copyOf(file.exitCodes()));
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String command,
      String field) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return constant;
      }
    }
    throw new IllegalArgumentException(RESOURCE + ": entry '" + command + "' has " + field + " '"
        + value + "' (expected one of " + java.util.Arrays.toString(type.getEnumConstants())
        .toLowerCase(java.util.Locale.ROOT) + ")");
  }

  private static JobManifest load() {
    try (InputStream in = JobManifest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath (carelake-core's jar)");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }
}
