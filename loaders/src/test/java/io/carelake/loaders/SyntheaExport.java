package io.carelake.loaders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.mitre.synthea.engine.Generator;
import org.mitre.synthea.export.Exporter;
import org.mitre.synthea.helpers.Config;

/**
 * Runs Synthea (from the test classpath, offline) to write a small real export: CSV and FHIR R4
 * into one directory ({@code csv/}, {@code fhir/}). Seeded and with a fixed reference date, so the
 * same call writes the same patients and ids. About 30 s for 25 adults on one thread.
 */
public final class SyntheaExport {

  public static final int PATIENTS = 25;
  public static final long SEED = 42;
  public static final int YEARS = 5;

  private SyntheaExport() {}

  /**
   * {@code SyntheaExport DIR [PATIENTS [YEARS [csv]]]}: the export in a JVM of its own, on this
   * module's test classpath ({@code target/test-classpath.txt}), for end-to-end tests of other
   * modules that must not put Synthea's dependencies on their own classpath. {@code csv} writes the
   * CSV export only (whole lifetimes as FHIR bundles are ~17 MB a patient).
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 4 || (args.length == 4 && !args[3].equals("csv"))) {
      System.err.println("usage: SyntheaExport DIR [PATIENTS [YEARS [csv]]]");
      System.exit(2);
    }
    generate(Path.of(args[0]), args.length >= 2 ? Integer.parseInt(args[1]) : PATIENTS,
        args.length >= 3 ? Integer.parseInt(args[2]) : YEARS, args.length < 4);
    System.out.println("synthea export: " + args[0]);
  }

  /** Writes {@value #PATIENTS} patients into {@code dir/csv} and {@code dir/fhir}. */
  public static void generate(Path dir) throws Exception {
    generate(dir, PATIENTS);
  }

  /**
   * Writes {@code patients} adults into {@code dir/csv} and {@code dir/fhir}. Synthea's settings
   * are JVM-global ({@code Config}): do not run two generations at once.
   */
  public static void generate(Path dir, int patients) throws Exception {
    generate(dir, patients, YEARS);
  }

  /** As above, with {@code years} of history before the reference date (2025-06-01). */
  public static void generate(Path dir, int patients, int years) throws Exception {
    generate(dir, patients, years, true);
  }

  /** As above; without {@code fhir}, the CSV export alone. */
  public static synchronized void generate(Path dir, int patients, int years, boolean fhir)
      throws Exception {
    Config.set("exporter.baseDirectory", dir.toString() + "/");
    Config.set("exporter.csv.export", "true");
    Config.set("exporter.fhir.export", Boolean.toString(fhir));
    Config.set("exporter.hospital.fhir.export", "false");
    Config.set("exporter.practitioner.fhir.export", "false");
    Config.set("exporter.metadata.export", "false");
    Config.set("exporter.years_of_history", String.valueOf(years));
    Config.set("generate.only_alive_patients", "true");
    Generator.GeneratorOptions o = new Generator.GeneratorOptions();
    o.population = patients;
    o.seed = SEED;
    o.clinicianSeed = SEED;
    o.threadPoolSize = 1;
    o.referenceTime = LocalDate.of(2025, 6, 1).atStartOfDay(ZoneOffset.UTC).toInstant()
        .toEpochMilli();
    o.endTime = o.referenceTime;
    // adults, so that chronic conditions (hypertension, diabetes, CKD) occur
    o.ageSpecified = true;
    o.minAge = 35;
    o.maxAge = 80;
    Exporter.ExporterRuntimeOptions e = new Exporter.ExporterRuntimeOptions();
    e.yearsOfHistory = years;
    new Generator(o, e).run();
    if (!Files.isRegularFile(dir.resolve("csv").resolve("patients.csv"))
        || (fhir && !Files.isDirectory(dir.resolve("fhir")))) {
      throw new IllegalStateException("Synthea wrote no CSV/FHIR export into " + dir);
    }
  }
}
