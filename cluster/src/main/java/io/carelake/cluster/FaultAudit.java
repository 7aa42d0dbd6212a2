package io.carelake.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.config.HomeConfigOptions;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.Tool;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code carelake audit}: the checks a fault run ends with ({@code carelake cluster fault}), each
 * against something the code under test did not compute.
 *
 * <ul>
 *   <li>{@code audit ingest --manifest FILE}: every event the generator published is in
 *       {@code raw.*} exactly once (rows = distinct event ids = the manifest's expected rows, per
 *       stream), the dead letters are the planted ones by error code, and the newest ingest run
 *       in {@code governance.runs} reconciles with the messages sent.
 *   <li>{@code audit tables --namespace NS... --save FILE | --expect FILE}: row counts and
 *       content hashes ({@link TableDigest}) of the named namespaces' tables, saved from an
 *       undisturbed run and compared after a disturbed one.
 * </ul>
 *
 * <p>Runs on {@link Tool}. Exit codes ({@link JobExit}): 0 every check holds, 1 one fails, 2 usage
 * or configuration (a bad option, a missing home, a manifest or saved digests that do not read),
 * before any table is read.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Checks after a fault run: raw.* against the generator's manifest (exactly"
        + " once), or table digests saved from an undisturbed run against the current ones.",
    subcommands = {FaultAudit.Ingest.class, FaultAudit.Tables_.class})
public final class FaultAudit extends Tool {

  /** Results to {@code out} (the subcommand's too); usage and errors to {@code err}. */
  FaultAudit(PrintStream out, PrintStream err) {
    super("audit", out, err);
  }

  public static void main(String[] args) {
    System.exit(new FaultAudit(System.out, System.err).execute(args));
  }

  /** Reached only without a subcommand, which is a usage error. */
  @Override
  protected void check() {
    throw new ConfigException("say ingest or tables (see carelake audit --help)");
  }

  /** Never reached: {@link #check()} refuses a run without a subcommand. */
  @Override
  protected JobExit call() {
    return JobExit.USAGE;
  }

  /**
   * A subcommand: where the home or configuration is, and its catalog. It prints to the
   * {@code audit} command's streams.
   */
  abstract static class Where extends Tool {
    @Mixin HomeConfigOptions homeOptions = new HomeConfigOptions();

    @ParentCommand FaultAudit audit;

    Catalog catalog;

    Where() {
      super("audit", System.out, System.err);
    }

    PrintStream results() {
      return audit.out;
    }

    /** The home's configuration (an existing home), the subcommand's files, then the catalog. */
    @Override
    protected final void check() {
      CarelakeConfig config = homeOptions.resolveExisting();
      readInputs();
      catalog = CatalogFactory.open(config);
    }

    /** Reads and checks the files the subcommand is given. */
    abstract void readInputs();
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "raw.* against the generator's manifest: every event exactly once, dead"
          + " letters as planted, the newest ingest run reconciled.")
  static final class Ingest extends Where {
    @Option(names = "--manifest", required = true, paramLabel = "FILE",
        description = "The generator's manifest of what it published (<home>/generated/manifest-*.json).")
    Path manifest;

    private JsonNode expected;

    @Override
    void readInputs() {
      expected = readJson(manifest);
    }

    @Override
    protected JobExit call() {
      List<String> problems = auditIngest(catalog, expected, results());
      problems.forEach(p -> results().println("audit ingest: PROBLEM " + p));
      results().println("audit ingest: " + (problems.isEmpty()
          ? "every published event is in raw.* exactly once; dead letters and the run reconcile"
          : problems.size() + " problem(s)"));
      return problems.isEmpty() ? JobExit.OK : JobExit.FAILED;
    }
  }

  @Command(name = "tables", mixinStandardHelpOptions = true,
      description = "Row counts and content hashes of the tables of the given namespaces: saved"
          + " (--save) or compared with a saved file (--expect).")
  static final class Tables_ extends Where {
    @Option(names = "--namespace", required = true, paramLabel = "NS",
        description = "A namespace whose tables to digest (repeatable), e.g. curated.")
    List<String> namespaces;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the digests to FILE.")
    Path save;

    @Option(names = "--expect", paramLabel = "FILE", description = "Compare with the digests in FILE.")
    Path expect;

    private Map<String, String> saved;

    @Override
    public void checkOptions(CommandLine cli) {
      if ((save == null) == (expect == null)) {
        throw new CommandLine.ParameterException(cli, "say one of --save FILE or --expect FILE");
      }
    }

    /** The saved digests read (--expect) or the directory to save them in there (--save). */
    @Override
    void readInputs() {
      if (expect != null) {
        saved = readDigests(expect);
      } else if (!Files.isDirectory(save.toAbsolutePath().getParent())) {
        throw new ConfigException("Cannot write the digests to " + save + ": "
            + save.toAbsolutePath().getParent() + " is not a directory");
      }
    }

    @Override
    protected JobExit call() {
      Map<String, String> now = digests(catalog, namespaces);
      if (save != null) {
        writeDigests(save, now);
        now.forEach((t, d) -> results().println("audit tables: " + t + " " + d));
        return JobExit.OK;
      }
      List<String> problems = compare(saved, now);
      now.forEach((t, d) -> results().println("audit tables: " + t + " " + d));
      problems.forEach(p -> results().println("audit tables: PROBLEM " + p));
      results().println("audit tables: " + (problems.isEmpty()
          ? "every table has the rows and content of the undisturbed run (" + now.size()
              + " tables)" : problems.size() + " table(s) differ from the undisturbed run"));
      return problems.isEmpty() ? JobExit.OK : JobExit.FAILED;
    }
  }

  /**
   * What is wrong with raw.* against the manifest, empty when nothing is: per stream, rows,
   * distinct event ids and the expected rows agree (no event lost, none twice); the dead letters
   * by error code are the planted ones; the newest ingest run read every message sent and
   * accounts for each (rows out + dead letters + duplicates).
   */
  static List<String> auditIngest(Catalog catalog, JsonNode manifest, PrintStream out) {
    List<String> problems = new ArrayList<>();
    long messages = 0;
    long rawRows = 0;
    Map<String, Long> expectedDead = new TreeMap<>();
    long expectedDuplicates = 0;
    for (Map.Entry<String, TableName> s : Map.of("visits", Tables.RAW_VISITS, "vitals",
        Tables.RAW_VITALS).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      JsonNode stream = manifest.path(s.getKey());
      long expected = stream.path("expected_raw_rows").asLong(-1);
      messages += stream.path("messages").asLong();
      expectedDuplicates += stream.path("expected_duplicates").asLong();
      stream.path("expected_dead_letters").fields().forEachRemaining(
          e -> expectedDead.merge(e.getKey(), e.getValue().asLong(), Long::sum));
      long[] counts = rowsAndDistinctEventIds(catalog, s.getValue());
      rawRows += counts[0];
      out.printf(Locale.ROOT, "audit ingest: %-12s %,d rows, %,d distinct event ids, %,d events"
          + " expected%n", s.getValue(), counts[0], counts[1], expected);
      if (counts[0] != counts[1]) {
        problems.add(String.format(Locale.ROOT, "%s holds %,d rows for %,d event ids: %,d"
            + " duplicate(s)", s.getValue(), counts[0], counts[1], counts[0] - counts[1]));
      }
      if (counts[1] != expected) {
        problems.add(String.format(Locale.ROOT, "%s holds %,d distinct events, the manifest"
            + " expects %,d", s.getValue(), counts[1], expected));
      }
    }
    Map<String, Long> dead = deadLettersByCode(catalog);
    long deadTotal = dead.values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "audit ingest: %-12s %s, expected %s%n", Tables.RAW_DEAD_LETTERS, dead,
        expectedDead);
    if (!dead.equals(expectedDead)) {
      problems.add(Tables.RAW_DEAD_LETTERS + " by error code is " + dead + ", the manifest expects "
          + expectedDead);
    }
    out.printf(Locale.ROOT, "audit ingest: %,d messages published = %,d raw rows + %,d dead"
        + " letters + %,d duplicates dropped: %s%n", messages, rawRows, deadTotal,
        expectedDuplicates, messages == rawRows + deadTotal + expectedDuplicates ? "yes" : "NO");
    if (messages != rawRows + deadTotal + expectedDuplicates) {
      problems.add(String.format(Locale.ROOT, "%,d messages published but %,d raw rows + %,d dead"
          + " letters + %,d duplicates", messages, rawRows, deadTotal, expectedDuplicates));
    }
    problems.addAll(auditLastRun(catalog, "ingest", messages, rawRows,
        deadTotal + expectedDuplicates, out));
    return problems;
  }

  /** The newest run of {@code job}: SUCCEEDED, with these rows in, out and set aside. */
  static List<String> auditLastRun(Catalog catalog, String job, long in, long outRows,
      long setAside, PrintStream out) {
    Record last = null;
    for (Record r : read(catalog, Tables.GOVERNANCE_RUNS)) {
      if (job.equals(r.getField("job")) && (last == null || ((OffsetDateTime) r.getField(
          "started_at")).isAfter((OffsetDateTime) last.getField("started_at")))) {
        last = r;
      }
    }
    if (last == null) {
      return List.of("no " + job + " run in " + Tables.GOVERNANCE_RUNS);
    }
    long rin = (Long) last.getField("rows_in");
    long rout = (Long) last.getField("rows_out");
    long raside = (Long) last.getField("rows_set_aside");
    out.printf(Locale.ROOT, "audit ingest: run %s %s: %,d in, %,d out, %,d set aside%n",
        last.getField("run_id"), last.getField("status"), rin, rout, raside);
    List<String> problems = new ArrayList<>();
    if (!"SUCCEEDED".equals(last.getField("status")) || rin != in || rout != outRows
        || raside != setAside) {
      problems.add(String.format(Locale.ROOT, "the newest %s run %s is %s with %,d in, %,d out,"
              + " %,d set aside; expected SUCCEEDED with %,d in, %,d out, %,d set aside", job,
          last.getField("run_id"), last.getField("status"), rin, rout, raside, in, outRows,
          setAside));
    }
    return problems;
  }

  private static long[] rowsAndDistinctEventIds(Catalog catalog, TableName table) {
    long rows = 0;
    Set<String> ids = new HashSet<>();
    for (Record r : read(catalog, table)) {
      rows++;
      ids.add((String) r.getField("event_id"));
    }
    return new long[] {rows, ids.size()};
  }

  private static Map<String, Long> deadLettersByCode(Catalog catalog) {
    Map<String, Long> byCode = new TreeMap<>();
    for (Record r : read(catalog, Tables.RAW_DEAD_LETTERS)) {
      byCode.merge((String) r.getField("error_code"), 1L, Long::sum);
    }
    return byCode;
  }

  /** Every row of a table (a missing table has none); rows copied, the scan closed. */
  private static List<Record> read(Catalog catalog, TableName name) {
    if (!catalog.tableExists(CatalogFactory.identifier(name))) {
      return List.of();
    }
    Table table = catalog.loadTable(CatalogFactory.identifier(name));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    return rows;
  }

  /** {@code rows:hash} of every table of the namespaces, by table name. */
  static Map<String, String> digests(Catalog catalog, List<String> namespaces) {
    Map<String, String> digests = new TreeMap<>();
    for (TableName name : TableDigest.tables(catalog)) {
      if (namespaces.contains(name.namespace())) {
        TableDigest.Digest d = TableDigest.digest(name,
            catalog.loadTable(CatalogFactory.identifier(name)));
        digests.put(name.toString(), d.rows() + ":" + d.hashHex());
      }
    }
    return digests;
  }

  /** Each table that is missing, extra or different, against the saved digests. */
  static List<String> compare(Map<String, String> saved, Map<String, String> now) {
    List<String> problems = new ArrayList<>();
    Set<String> all = new java.util.TreeSet<>(saved.keySet());
    all.addAll(now.keySet());
    for (String table : all) {
      if (!java.util.Objects.equals(saved.get(table), now.get(table))) {
        problems.add(table + ": undisturbed " + saved.getOrDefault(table, "(none)") + ", now "
            + now.getOrDefault(table, "(none)") + " (rows:content hash)");
      }
    }
    return problems;
  }

  private static void writeDigests(Path file, Map<String, String> digests) {
    Properties p = new Properties();
    p.putAll(digests);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "carelake audit tables: rows:content hash per table");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> readDigests(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("Cannot read the saved digests " + file + ": " + e.getMessage());
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  private static JsonNode readJson(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("Cannot read the manifest " + file + ": " + e.getMessage());
    }
  }
}
