package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Data no one here wrote, end to end: Synthea (run offline in a JVM of its own on the loaders
 * module's test classpath) writes a small US export; {@code carelake load --format synthea-csv}
 * publishes it to the embedded broker; {@code carelake ingest --bounded} lands it in raw.*; a second
 * load of the same export is deduplicated; {@code govern} and {@code deidentify} run over the
 * export's years; and no direct identifier of the export (source patient id, SSN, passport,
 * driver's licence, names, street address) appears in any released table or in the jobs' output.
 * The load-and-ingest is a step ({@link #ingested()}) the governance test asks for itself, so it
 * does not depend on the load test having passed; the order is kept so that the load test reads
 * the raw tables before governance runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyntheaEndToEndIT {

  private static final Path REPO = Path.of(System.getProperty("carelake.repo", "..")).toAbsolutePath()
      .normalize();
  private static final Path HOME = Path.of("target", "synthea-home").toAbsolutePath();
  private static final Path EXPORT = HOME.resolve("synthea-export");
  private static final int PATIENTS = 40;
  /**
   * One year of history before Synthea's reference date, 2025-06-01. Ingestion now takes whole
   * lifetimes in one bounded run (100 lifetimes, 72,367 events: at most ~1.2 GiB after GC at the
   * 3 GiB job heap, measured with this test at PATIENTS = 100 and YEARS = 100), but govern's
   * curated write then runs out of its 3 GiB heap over decades of day partitions (a Spark-side
   * limit, not ingestion's), so the end-to-end test keeps one year.
   */
  private static final int YEARS = 1;
  /** Synthea keeps some older encounters (a record can reach back to the patient's youth). */
  private static final String[] INTERVAL = {"--interval-start", "1940-01-01", "--interval-end",
      "2026-01-01"};
  private static final Pattern LOADED = Pattern.compile(
      "events ([0-9,]+) \\(visit ([0-9,]+), vital ([0-9,]+)\\)");
  private static final StringBuilder OUTPUT = new StringBuilder();
  private static long visits;
  private static long vitals;

  /**
   * The export loaded and ingested, then loaded and ingested again: exit codes, outputs and table
   * counts, recorded before any test asserts on them.
   */
  private record Ingested(int loadExit, String load, int ingestExit, Map<String, Long> counts,
      int reloadExit, int reingestExit, String reingest, Map<String, Long> countsAfterReload) {}

  private static Ingested ingested;
  private static Exception ingestFailure;

  /**
   * The load-and-ingest step, run once when a test first needs it: the governance test needs the
   * ingested export, not the load test's assertions to have passed. Sets {@link #visits} and
   * {@link #vitals} from the loader's summary.
   */
  private static synchronized Ingested ingested() throws Exception {
    if (ingestFailure != null) {
      throw new IllegalStateException("the Synthea export could not be loaded and ingested",
          ingestFailure);
    }
    if (ingested != null) {
      return ingested;
    }
    try {
      ItSupport.deleteRecursively(HOME);
      Files.createDirectories(HOME);
      ItSupport.testSettings(HOME);
      generateExport();
      if (ItSupport.carelake(OUTPUT, "kafka", "start", "--home", HOME.toString()) != 0) {
        throw new IllegalStateException("carelake kafka start failed:\n" + OUTPUT);
      }
      try {
        StringBuilder load = new StringBuilder();
        int loadExit = ItSupport.launch(load, Tool.LOAD, HOME, "--format", "synthea-csv",
            EXPORT.resolve("csv").toString());
        OUTPUT.append(load);
        Matcher m = LOADED.matcher(load);
        if (m.find()) {
          visits = Long.parseLong(m.group(2).replace(",", ""));
          vitals = Long.parseLong(m.group(3).replace(",", ""));
        }
        Path gcLog = HOME.resolve("ingest-gc.log");
        int ingestExit = ItSupport.launch(OUTPUT,
            Map.of("JAVA_TOOL_OPTIONS", "-Xlog:gc:file=" + gcLog), Job.INGEST, HOME, "--bounded");
        if (ingestExit == 0) {
          System.out.printf("Synthea export of %d lifetimes: ingest heap after GC at most %d MiB%n",
              PATIENTS, maxHeapAfterGcMiB(gcLog));
        }
        Map<String, Long> counts = ItSupport.tableCounts(CatalogFactory.open(
            CarelakeConfig.load(HOME)));
        // The same export again: the same event ids, so ingestion counts duplicates, adds nothing.
        int reloadExit = ItSupport.launch(OUTPUT, Tool.LOAD, HOME, "--format", "synthea-csv",
            EXPORT.resolve("csv").toString());
        StringBuilder second = new StringBuilder();
        int reingestExit = ItSupport.launch(second, Job.INGEST, HOME, "--bounded");
        OUTPUT.append(second);
        Map<String, Long> again = ItSupport.tableCounts(CatalogFactory.open(
            CarelakeConfig.load(HOME)));
        ingested = new Ingested(loadExit, load.toString(), ingestExit, counts, reloadExit,
            reingestExit, second.toString(), again);
      } finally {
        ItSupport.carelake(new StringBuilder(), "kafka", "stop", "--home", HOME.toString());
      }
    } catch (Exception | AssertionError e) {
      ingestFailure = e instanceof Exception x ? x : new IllegalStateException(e);
      throw ingestFailure;
    }
    return ingested;
  }

  @Test
  @Order(1)
  void aSyntheaExportIsLoadedAndIngestedExactlyOnce() throws Exception {
    Ingested in = ingested();
    assertThat(in.loadExit()).as("load exit code").isZero();
    assertThat(LOADED.matcher(in.load()).find()).as("the loader's summary line:\n" + in.load())
        .isTrue();
    assertThat(visits).isGreaterThan(40);
    assertThat(vitals).isGreaterThan(40);

    assertThat(in.ingestExit()).as("ingest exit code").isZero();
    assertThat(in.counts().get("raw.visits")).isEqualTo(visits);
    assertThat(in.counts().get("raw.vitals")).isEqualTo(vitals);
    assertThat(in.counts().getOrDefault("raw.dead_letters", 0L)).as("dead letters").isZero();

    // The same export again: the same event ids, so ingestion counts duplicates, adds nothing.
    assertThat(in.reloadExit()).isZero();
    assertThat(in.reingestExit()).isZero();
    assertThat(in.reingest()).contains(String.format("%,d duplicates", visits + vitals));
    assertThat(in.countsAfterReload().get("raw.visits")).isEqualTo(visits);
    assertThat(in.countsAfterReload().get("raw.vitals")).isEqualTo(vitals);
  }

  @Test
  @Order(2)
  void governAndDeidentifyReleaseNoIdentifierOfTheExport() throws Exception {
    assertThat(ingested().ingestExit()).as("the export's ingest exit code").isZero();
    // the owner-only key file `carelake demo` creates
    PseudonymKeyFile.ensure(CarelakeConfig.load(HOME), System.out);
    assertThat(ItSupport.launch(OUTPUT, Job.GOVERN, HOME, INTERVAL)).as("govern exit code")
        .isZero();
    // The shipped privacy settings first: 40 lifetimes spread over Synthea's many facilities and
    // decades cannot reach the release model's k = 5 within the 25 % suppression limit, and the
    // release is refused with that reason (exit 3, nothing written).
    StringBuilder shipped = new StringBuilder();
    assertThat(ItSupport.launch(shipped, Job.DEIDENTIFY, HOME, INTERVAL))
        .as("deidentify exit code with the shipped settings:\n" + shipped).isEqualTo(3);
    OUTPUT.append(shipped);
    assertThat(shipped).contains("k-anonymity of the agreement release model")
        .contains("suppression limit 0.25");
    // Then the release this test is about (no identifier of the export gets out), with any share
    // of records suppressed: suppression only removes quasi-identifiers, so this is no weaker as
    // to direct identifiers; the scrubber and the release gate run as shipped.
    CarelakeConfig.load(HOME).withSaved("deid.k-max-suppression", "1.0");
    assertThat(ItSupport.launch(OUTPUT, Job.DEIDENTIFY, HOME, INTERVAL))
        .as("deidentify exit code").isZero();

    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(HOME));
    Map<String, Long> counts = ItSupport.tableCounts(catalog);
    assertThat(counts.get("curated.visits") + counts.getOrDefault("quarantine.visits", 0L))
        .isEqualTo(visits);
    assertThat(counts.get("curated.vitals") + counts.getOrDefault("quarantine.vitals", 0L))
        .isEqualTo(vitals);
    // most of the export is releasable: governance does not quarantine a source for being foreign
    assertThat(counts.get("safe.visits")).isGreaterThan(visits / 2);
    assertThat(counts.get("safe.vitals")).isGreaterThan(vitals / 2);

    Set<String> identifiers = directIdentifiers();
    assertThat(identifiers).hasSizeGreaterThan(PATIENTS * 4);
    List<String> leaks = new ArrayList<>();
    for (TableName released : List.of(Tables.SAFE_VISITS, Tables.SAFE_VITALS)) {
      leaks.addAll(find(ItSupport.scanStrings(catalog, released), identifiers, released.toString()));
    }
    leaks.addAll(find(OUTPUT.toString(), identifiers, "the jobs' output"));
    try (Stream<Path> logs = Files.walk(HOME)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")
          && !p.startsWith(HOME.resolve("kafka"))).toList()) {
        leaks.addAll(find(Files.readString(log, StandardCharsets.ISO_8859_1), identifiers,
            log.toString()));
      }
    }
    assertThat(leaks).as("direct identifiers of the export found in released data or logs")
        .isEmpty();
  }

  /** The largest heap occupancy after a collection in a {@code -Xlog:gc} file, in MiB. */
  private static long maxHeapAfterGcMiB(Path gcLog) throws Exception {
    Matcher m = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)")
        .matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
    long max = 0;
    while (m.find()) {
      max = Math.max(max, Long.parseLong(m.group(1)));
    }
    return max;
  }

  /** Runs Synthea on the loaders module's test classpath: its dependencies stay off this one. */
  private static void generateExport() throws Exception {
    Path loaders = REPO.resolve("loaders").resolve("target");
    Path testClasspath = loaders.resolve("test-classpath.txt");
    assertThat(testClasspath).as("loaders module built (mvn install)").exists();
    String classpath = String.join(File.pathSeparator, loaders.resolve("test-classes").toString(),
        loaders.resolve("classes").toString(),
        Files.readString(testClasspath, StandardCharsets.UTF_8).trim());
    Process p = new ProcessBuilder(Launcher.javaExecutable(), "-Xmx1g", "-cp", classpath,
        "io.carelake.loaders.SyntheaExport", EXPORT.toString(), String.valueOf(PATIENTS),
        String.valueOf(YEARS), "csv")
        .redirectErrorStream(true).redirectOutput(HOME.resolve("synthea.out").toFile()).start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("Synthea finished in 10 minutes").isTrue();
    assertThat(p.exitValue()).as("Synthea exit code; see " + HOME.resolve("synthea.out")).isZero();
  }

  /**
   * The export's direct identifiers from patients.csv: ids, SSNs, passports, licences, every name
   * token (Synthea's carry digits, e.g. "Abe604", so a hit is never a common word) and the street
   * address lines.
   */
  private static Set<String> directIdentifiers() throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    CsvMapper csv = new CsvMapper();
    try (MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader())
        .readValues(EXPORT.resolve("csv").resolve("patients.csv").toFile())) {
      while (rows.hasNext()) {
        Map<String, String> r = rows.next();
        for (String column : List.of("Id", "SSN", "DRIVERS", "PASSPORT", "ADDRESS")) {
          String v = r.getOrDefault(column, "");
          if (v != null && v.length() >= 6) {
            ids.add(v.toLowerCase(Locale.ROOT));
          }
        }
        for (String column : List.of("FIRST", "MIDDLE", "LAST", "MAIDEN")) {
          String v = r.getOrDefault(column, "");
          if (v != null && v.matches(".*[A-Za-z]{2,}[0-9]+.*")) {
            ids.add(v.toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return ids;
  }

  private static List<String> find(String text, Set<String> identifiers, String where) {
    String lower = text.toLowerCase(Locale.ROOT);
    return identifiers.stream().filter(lower::contains)
        .map(id -> where + ": an identifier of " + id.length() + " characters").limit(5).toList();
  }
}
