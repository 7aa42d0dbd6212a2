package io.carelake.cli;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/** What the end-to-end tests share: running the CLI in-process, and reading tables back. */
final class ItSupport {

  private ItSupport() {}

  /**
   * Runs {@code carelake args...} in this JVM (jobs still start JVMs of their own), with its
   * standard output both shown and appended to {@code captured}; returns the exit code.
   */
  static int carelake(StringBuilder captured, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        buffer.write(b);
        old.write(b);
      }
    }, true, StandardCharsets.UTF_8);
    System.setOut(tee);
    try {
      return Carelake.commandLine().execute(args);
    } finally {
      System.setOut(old);
      captured.append(buffer.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Runs a job or tool as {@code bin/carelake} would (its own JVM on its module's classpath) with
   * the home's config, its standard output and error captured (and echoed); returns the exit code.
   */
  static int launch(StringBuilder captured, Launchable job, Path home, String... args)
      throws IOException, InterruptedException {
    return launch(captured, Map.of(), job, home, args);
  }

  /** As above, with more environment variables for the job's JVM (e.g. JAVA_TOOL_OPTIONS). */
  static int launch(StringBuilder captured, Map<String, String> environment, Launchable job,
      Path home, String... args) throws IOException, InterruptedException {
    Launcher launcher = Launcher.fromSystem();
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--home",
        home.toString()));
    all.addAll(java.util.List.of(args));
    io.carelake.core.config.CarelakeConfig config = io.carelake.core.config.CarelakeConfig.load(home);
    ProcessBuilder pb = new ProcessBuilder(launcher.command(job, config, all))
        .redirectErrorStream(true);
    pb.environment().putAll(launcher.environment(job, config));
    pb.environment().putAll(environment);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    System.out.print(out);
    captured.append(out);
    return code;
  }

  /**
   * The settings these tests run the pipeline with where they differ from the shipped defaults
   * ({@code carelake demo} keeps the defaults). What is checked stays the same; only the time to get
   * there changes.
   * <ul>
   *   <li>Ingest checkpoints every second (default ten): a bounded ingest stops once a checkpoint
   *       has committed every message, so at the default each run waited up to ten seconds after
   *       reading its last message. The same commits are exercised, only more of them.
   *   <li>The jobs' JVMs compile with C1 only ({@code -XX:TieredStopAtLevel=1}): they are short
   *       runs over small data, where the C2 compiler's work on two cores costs more than it saves
   *       (govern over the Synthea export: 85-91 s of CPU with C2, 47-51 s without). C1 alone
   *       compiles far more methods than tiered compilation keeps, and the default 240 MB code
   *       cache filled up in the demo's features job ("CodeCache is full. Compiler has been
   *       disabled", then a task failed for want of space for a method handle): the cache is
   *       reserved at 512 MB (virtual; committed only as used).
   * </ul>
   */
  static void testSettings(Path home) {
    io.carelake.core.config.CarelakeConfig.load(home).withSaved(Map.of(
        io.carelake.core.config.CarelakeConfig.INGEST_CHECKPOINT_INTERVAL, "1000",
        io.carelake.core.config.CarelakeConfig.LAUNCHER_JOB_JVM_OPTIONS,
        "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=512m"),
        Set.of());
  }

  static Map<String, Long> tableCounts(Catalog catalog) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (TableName t : Tables.ALL) {
      if (catalog.tableExists(CatalogFactory.identifier(t))) {
        long n = 0;
        try (CloseableIterable<Record> rows = IcebergGenerics.read(load(catalog, t)).build()) {
          for (Record ignored : rows) {
            n++;
          }
        }
        counts.put(t.toString(), n);
      }
    }
    return counts;
  }

  static Table load(Catalog catalog, TableName t) {
    return catalog.loadTable(CatalogFactory.identifier(t));
  }

  static Map<String, Long> countBy(Catalog catalog, TableName t, String column)
      throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(load(catalog, t)).build()) {
      for (Record r : rows) {
        counts.merge(String.valueOf(r.getField(column)), 1L, Long::sum);
      }
    }
    return counts;
  }

  static Set<String> distinct(Catalog catalog, TableName t, String column)
      throws IOException {
    Set<String> values = new HashSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(load(catalog, t)).build()) {
      for (Record r : rows) {
        values.add(String.valueOf(r.getField(column)).toUpperCase());
      }
    }
    return values;
  }

  /** Every string value of a table (top-level and in lists/structs), joined. */
  static String scanStrings(Catalog catalog, TableName t) throws IOException {
    if (!catalog.tableExists(CatalogFactory.identifier(t))) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    Table table = load(catalog, t);
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        for (Types.NestedField f : table.schema().columns()) {
          sb.append(r.getField(f.name())).append('\n');
        }
      }
    }
    return sb.toString();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
