package io.carelake.cluster;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.Tool;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carelake digest}: for every carelake table, its row count and a hash of its content, so
 * that two deployments fed the same input can be shown to hold the same data (the embedded and
 * the cluster profile on the same seed, a migration, a restore). The hash is order-independent
 * (rows are files and partitions apart on two deployments) and leaves out the columns that
 * legitimately differ between two runs of the same input, which {@link DigestExclusions} names
 * with the reason for each.
 *
 * <p>Reads with the plain Iceberg API through the same {@code catalog.*} keys as every job, so
 * any catalog and file system the jobs reach (SQLite or PostgreSQL, local files or HDFS) works.
 *
 * <p>Runs on {@link Tool}. Exit codes ({@link JobExit}): 0 listed, or identical to the other home;
 * 1 a table differs (or a read failed); 2 usage or configuration (a bad option, a home that does
 * not exist, a catalog that does not open), before any table is read.
 */
@Command(name = "digest", mixinStandardHelpOptions = true,
    description = {"Row count and content hash of every carelake table (columns that differ between"
        + " two runs of the same input, such as run ids and processing times, left out).",
        "With --against HOME, compare with another deployment's tables: exit 0 when every table"
            + " has the same rows and hash, 1 when any differs."})
public final class TableDigest extends Tool {

  @Mixin HomeConfigOptions homeOptions = new HomeConfigOptions();

  @Option(names = "--against", paramLabel = "DIR",
      description = "Another carelake home to compare with (its own carelake.properties).")
  Path against;

  private CarelakeConfig mine;
  private CarelakeConfig theirs;
  private Catalog mineCatalog;
  private Catalog theirsCatalog;

  TableDigest(PrintStream out) {
    this(out, System.err);
  }

  /** Results to {@code out}; usage and errors to {@code err}. */
  TableDigest(PrintStream out, PrintStream err) {
    super("digest", out, err);
  }

  public static void main(String[] args) {
    System.exit(new TableDigest(System.out).execute(args));
  }

  /** Both homes exist (neither is created) and their catalogs open: exit 2 otherwise. */
  @Override
  protected void check() {
    mine = homeOptions.resolveExisting();
    theirs = against == null ? null : HomeConfigOptions.loadExisting(against, "--against");
    mineCatalog = CatalogFactory.open(mine);
    theirsCatalog = theirs == null ? null : CatalogFactory.open(theirs);
  }

  @Override
  protected JobExit call() {
    Map<TableName, Digest> left = digests(mineCatalog);
    if (against == null) {
      out.printf("%-30s %12s  %-32s  %s%n", "table", "rows", "content hash", "columns left out");
      left.forEach((table, d) -> out.printf(Locale.ROOT, "%-30s %,12d  %-32s  %s%n", table,
          d.rows(), d.hashHex(), String.join(", ", d.excluded())));
      out.println("(home " + mine.home() + ", catalog " + mine.catalogProperties().get("uri")
          .replaceAll("password=[^&;]*", "password=****") + ")");
      return JobExit.OK;
    }
    Map<TableName, Digest> right = digests(theirsCatalog);
    int differing = 0;
    out.printf("%-30s %12s %12s  %-9s  %s%n", "table", "rows here", "rows there", "content",
        "columns left out");
    java.util.Set<TableName> all = new java.util.LinkedHashSet<>(left.keySet());
    all.addAll(right.keySet());
    for (TableName table : all) {
      Digest a = left.get(table);
      Digest b = right.get(table);
      boolean same = a != null && b != null && a.rows() == b.rows()
          && a.hash().equals(b.hash());
      if (!same) {
        differing++;
      }
      out.printf(Locale.ROOT, "%-30s %12s %12s  %-9s  %s%n", table,
          a == null ? "(none)" : String.format(Locale.ROOT, "%,d", a.rows()),
          b == null ? "(none)" : String.format(Locale.ROOT, "%,d", b.rows()),
          same ? "same" : "DIFFERENT",
          String.join(", ", (a != null ? a : b).excluded()));
      if (!same && a != null && b != null) {
        out.println("    columns that differ: " + String.join(", ", differingColumns(
            table, mineCatalog, theirsCatalog)));
      }
    }
    out.printf("%s: %s%n", differing == 0 ? "identical" : "DIFFERENT",
        differing == 0 ? "every table has the same rows and content in " + mine.home() + " and "
            + theirs.home() : differing + " table(s) differ between " + mine.home() + " and "
            + theirs.home());
    return differing == 0 ? JobExit.OK : JobExit.FAILED;
  }

  /**
   * The digest of every table in {@code catalog}: carelake's tables in pipeline order
   * ({@link Tables#ALL}), then any other table of the catalog (by name), so that nothing a job
   * writes escapes the comparison.
   */
  static Map<TableName, Digest> digests(Catalog catalog) {
    Map<TableName, Digest> digests = new LinkedHashMap<>();
    for (TableName name : tables(catalog)) {
      digests.put(name, digest(name, catalog.loadTable(CatalogFactory.identifier(name))));
    }
    return digests;
  }

  static List<TableName> tables(Catalog catalog) {
    java.util.Set<TableName> found = new java.util.TreeSet<>(
        java.util.Comparator.comparing(TableName::toString));
    if (catalog instanceof SupportsNamespaces namespaces) {
      for (Namespace ns : namespaces.listNamespaces()) {
        for (TableIdentifier id : catalog.listTables(ns)) {
          found.add(TableName.of(id.namespace().level(0), id.name()));
        }
      }
    }
    List<TableName> ordered = new ArrayList<>();
    for (TableName name : Tables.ALL) {
      if (found.remove(name) || catalog.tableExists(CatalogFactory.identifier(name))) {
        ordered.add(name);
      }
    }
    ordered.addAll(found);
    return ordered;
  }

  /** Rows and content hash of a table's current snapshot. */
  static Digest digest(TableName name, Table table) {
    List<Types.NestedField> kept = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    for (Types.NestedField field : table.schema().columns()) {
      if (DigestExclusions.excluded(name, field.name())) {
        excluded.add(field.name());
      } else {
        kept.add(field);
      }
    }
    RowHashes hashes = new RowHashes();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        hashes.add(row, kept);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    return new Digest(hashes.rows(), hashes.sum(), List.copyOf(excluded));
  }

  /**
   * The columns whose values differ between two deployments' copies of a table, each column
   * hashed on its own over all rows (a second read, only for a table that differs): where to look.
   */
  static List<String> differingColumns(TableName name, Catalog mine, Catalog theirs) {
    Map<String, BigInteger> here = columnHashes(name, mine);
    Map<String, BigInteger> there = columnHashes(name, theirs);
    List<String> differing = new ArrayList<>();
    here.forEach((column, hash) -> {
      if (!hash.equals(there.get(column))) {
        differing.add(column);
      }
    });
    there.keySet().stream().filter(c -> !here.containsKey(c)).forEach(differing::add);
    return differing;
  }

  private static Map<String, BigInteger> columnHashes(TableName name, Catalog catalog) {
    Table table = catalog.loadTable(CatalogFactory.identifier(name));
    Map<String, RowHashes> hashes = new LinkedHashMap<>();
    for (Types.NestedField field : table.schema().columns()) {
      if (!DigestExclusions.excluded(name, field.name())) {
        hashes.put(field.name(), new RowHashes());
      }
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        hashes.forEach((column, h) -> h.add(row, List.of(table.schema().findField(column))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    Map<String, BigInteger> sums = new LinkedHashMap<>();
    hashes.forEach((column, h) -> sums.put(column, h.sum()));
    return sums;
  }

  /** A table's row count, the sum of its rows' hashes (mod 2^128) and the columns left out. */
  record Digest(long rows, BigInteger hash, List<String> excluded) {

    Digest {
      Objects.requireNonNull(hash, "hash");
    }

    String hashHex() {
      return String.format("%032x", hash);
    }
  }
}
