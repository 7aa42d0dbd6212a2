package io.carelake.deid;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.privacy.PhiScrubber;
import io.carelake.privacy.PseudonymKey;
import io.carelake.spark.BenchSpark;
import io.carelake.spark.ScratchHomeOptions;
import io.carelake.spark.SparkSessions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench deidentify}: in one run, on a generated curated.visits table of {@code --rows}
 * rows (one week of events, about eight visits per patient) in a temporary carelake home (real Iceberg tables in a JDBC catalog on SQLite):
 * <ol>
 *   <li>a plain copy of the table (read, write to another Iceberg table): rows/s;</li>
 *   <li>structured de-identification of the same table, as the job stages it (keyed pseudonyms
 *       and event keys, birth date → year / top-coded age, the policy's column actions), written
 *       the same way, with free text passed through: rows/s and the ratio to the copy (target
 *       ≥ 0.5); then the same plus k-anonymity (generalise/suppress in Spark), and the full
 *       path with free-text scrubbing, for reference;</li>
 *   <li>the scrubber alone on generated notes ({@link BenchNotes#note}), one thread: MB of UTF-8
 *       per CPU-second of that thread (MB/s per core, target ≥ 20), with recall and precision on
 *       the identifiers planted in that run (span overlap: a plant is found when a finding
 *       overlaps it; a finding is correct when it overlaps a plant).</li>
 * </ol>
 * Prints one line per measure and a final JSON line. Data are synthetic; nothing is read from or
 * written to a real home unless {@code --dir} points there.
 */
@Command(name = "deidentify-bench", mixinStandardHelpOptions = true,
    description = "Benchmark de-identification throughput against a plain copy, and the"
        + " free-text scrubber's MB/s per core with its recall and precision.")
public final class DeidentifyBench implements Callable<Integer> {

  @Option(names = "--rows", description = "curated.visits rows to generate (default ${DEFAULT-VALUE})")
  long rows = 200_000;

  @Option(names = "--notes", description = "notes for the scrubber measure (default ${DEFAULT-VALUE})")
  int notes = 20_000;

  @Option(names = "--dir", description = "carelake home to use (default: a new temporary directory,"
      + " deleted afterwards)")
  Path dir;

  @Mixin ScratchHomeOptions homeOptions = new ScratchHomeOptions();
  @Mixin BenchSpark benchSpark = new BenchSpark();

  @Option(names = "--seed", description = "generator seed (default ${DEFAULT-VALUE})")
  long seed = 20261129L;

  static final TableName COPY = TableName.of("bench", "visits_copy");
  static final TableName STRUCTURED = TableName.of("bench", "visits_structured");
  static final TableName K_ANON = TableName.of("bench", "visits_k_anonymous");
  static final TableName FULL = TableName.of("bench", "visits_full");

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeidentifyBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    boolean temporary = dir == null;
    Path scratch = temporary ? homeOptions.createScratch("bench-deidentify-") : dir;
    try {
      return run(scratch);
    } finally {
      if (temporary) {
        io.carelake.spark.ScratchHome.delete(scratch);
      }
    }
  }

  private int run(Path home) throws Exception {
    benchSpark.useMaster();
    BenchSpark.smallMachine(4);
    CarelakeConfig cfg = CarelakeConfig.load(home, java.util.Map.of());
    SparkSession spark = SparkSessions.create(cfg, "carelake-deidentify-bench");
    spark.sparkContext().setLogLevel("WARN");
    int cores = spark.sparkContext().defaultParallelism();
    out("deidentify bench: %,d rows, %,d notes, master %s (%d task slots), %d JVM processors,"
        + " home %s", rows, notes, spark.sparkContext().master(), cores,
        Runtime.getRuntime().availableProcessors(), temporary(home));
    try {
      Schema curated = CuratedSchema.visits();
      createTable(cfg, io.carelake.core.tables.Tables.CURATED_VISITS, curated);
      long t0 = System.nanoTime();
      generate(spark, curated, rows, seed).writeTo(
          io.carelake.core.tables.Tables.CURATED_VISITS.in(cfg.catalogName())).append();
      out("generated curated.visits in %.1f s", secs(t0));
      String source = io.carelake.core.tables.Tables.CURATED_VISITS.in(cfg.catalogName());

      // warm-up (JIT, catalog, file system), not measured: a copy into a scratch table
      TableName warm = TableName.of("bench", "visits_warm_up");
      createTable(cfg, warm, curated);
      spark.table(source).writeTo(warm.in(cfg.catalogName())).append();

      // 1. plain copy
      createTable(cfg, COPY, curated);
      t0 = System.nanoTime();
      spark.table(source).writeTo(COPY.in(cfg.catalogName())).append();
      double copySecs = secs(t0);
      double copyRate = rows / copySecs;
      out("plain copy: %,d rows in %.1f s = %,.0f rows/s", rows, copySecs, copyRate);

      // 2. structured de-identification (the job's staging), the same write
      PseudonymKey key = new PseudonymKey("k1", randomKey(seed), "bench");
      Pseudonyms pseudonyms = Pseudonyms.broadcast(spark, key);
      DeidPolicy policy = DeidPolicy.builtIn();
      SafeRows.Scrubber passThrough = (text, name, id, phone, address) -> text;
      createTable(cfg, STRUCTURED, SafeSchemas.SAFE_VISITS);
      t0 = System.nanoTime();
      SafeRows.visitsOut(SafeRows.stageVisits(spark.table(source), pseudonyms, passThrough,
          policy)).writeTo(STRUCTURED.in(cfg.catalogName())).append();
      double structSecs = secs(t0);
      double structRate = rows / structSecs;
      double ratio = structRate / copyRate;
      out("structured de-identification (pseudonyms, event keys, birth year / top-coded age,"
          + " policy actions): %,d rows in %.1f s = %,.0f rows/s, %.2f x the copy (target >= 0.5:"
          + " %s)", rows, structSecs, structRate, ratio, ratio >= 0.5 ? "met" : "NOT met");

      // as the job does it: the staged rows persisted once, then classes, generalisation, write
      createTable(cfg, K_ANON, SafeSchemas.SAFE_VISITS);
      t0 = System.nanoTime();
      Dataset<Row> staged = SafeRows.stageVisits(spark.table(source), pseudonyms, passThrough,
          policy).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      double kPersistSecs = materialise(staged, t0);
      int k = Math.max(policy.k(), ReleaseModel.DEFAULT.k());
      SafeRows.visitsOut(KAnonymity.generalise(staged, k, policy.quasiIdentifiers()))
          .writeTo(K_ANON.in(cfg.catalogName())).append();
      staged.unpersist();
      double kSecs = secs(t0);
      out("  + k-anonymity (k=%d, classes and generalisation in Spark): %.1f s = %,.0f rows/s,"
          + " %.2f x the copy (staging and persisting the staged rows %.1f s, classes,"
          + " generalisation and write %.1f s)", k, kSecs, rows / kSecs, rows / kSecs / copyRate,
          kPersistSecs, kSecs - kPersistSecs);

      createTable(cfg, FULL, SafeSchemas.SAFE_VISITS);
      t0 = System.nanoTime();
      Dataset<Row> scrubbed = SafeRows.stageVisits(spark.table(source), pseudonyms,
          SafeRows.PHI_SCRUBBER, policy).persist(org.apache.spark.storage.StorageLevel
          .MEMORY_AND_DISK());
      double fullPersistSecs = materialise(scrubbed, t0);
      SafeRows.visitsOut(KAnonymity.generalise(scrubbed, k, policy.quasiIdentifiers()))
          .writeTo(FULL.in(cfg.catalogName())).append();
      scrubbed.unpersist();
      double fullSecs = secs(t0);
      out("  + free-text scrubbing of chief_complaint and note: %.1f s = %,.0f rows/s, %.2f x"
          + " the copy (staging, scrubbing and persisting %.1f s, classes, generalisation and"
          + " write %.1f s)", fullSecs, rows / fullSecs, rows / fullSecs / copyRate,
          fullPersistSecs, fullSecs - fullPersistSecs);
      pseudonyms.destroy();

      // 3. the scrubber alone, one thread, CPU time
      Scrub s = scrubberMeasure(notes, seed);
      out("scrubber: %,d notes, %.1f MB UTF-8, one thread, after a warm-up pass: first pass %.2f s"
          + " CPU = %.1f MB/s per core; steady state %d passes, %.1f MB in %.2f s CPU = %.1f MB/s"
          + " per core (target >= 20: %s; wall %.1f MB/s)", notes, s.mb, s.firstPassCpuSecs,
          s.mb / s.firstPassCpuSecs, s.passes, s.mb * s.passes, s.cpuSecs, s.mbPerCpuSecond(),
          s.mbPerCpuSecond() >= 20 ? "met" : "NOT met", s.mb * s.passes / s.wallSecs);
      out("scrubber on planted identifiers: recall %d/%d = %.4f (95%% Wilson lower bound %.4f),"
          + " precision %d/%d = %.4f (95%% Wilson lower bound %.4f)", s.found, s.planted,
          (double) s.found / s.planted, io.carelake.privacy.WilsonInterval.lower(s.found, s.planted), s.correct,
          s.findings, (double) s.correct / s.findings, io.carelake.privacy.WilsonInterval.lower(s.correct,
              s.findings));
      System.out.println(String.format(Locale.ROOT, "{\"bench\":\"deidentify\",\"rows\":%d,"
          + "\"copy_rows_per_s\":%.1f,\"structured_rows_per_s\":%.1f,\"structured_vs_copy\":%.3f,"
          + "\"k_anonymity_rows_per_s\":%.1f,\"k_anonymity_persist_s\":%.1f,"
          + "\"full_rows_per_s\":%.1f,\"full_persist_s\":%.1f,\"scrubber_notes\":%d,"
          + "\"scrubber_mb\":%.3f,\"scrubber_mb_per_s_per_core\":%.2f,"
          + "\"scrubber_first_pass_mb_per_s_per_core\":%.2f,\"scrubber_recall\":%.4f,"
          + "\"scrubber_recall_wilson_lower\":%.4f,\"scrubber_precision\":%.4f,"
          + "\"task_slots\":%d}", rows, copyRate, structRate, ratio, rows / kSecs,
          kPersistSecs, rows / fullSecs, fullPersistSecs, notes, s.mb, s.mbPerCpuSecond(), s.mb / s.firstPassCpuSecs,
          (double) s.found / s.planted,
          io.carelake.privacy.WilsonInterval.lower(s.found, s.planted), (double) s.correct / s.findings, cores));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** What the scrubber measure found. */
  record Scrub(double mb, int passes, double cpuSecs, double wallSecs, double firstPassCpuSecs,
      long planted, long found, long findings, long correct) {
    /** Steady state: MB scrubbed over all measured passes per CPU-second. */
    double mbPerCpuSecond() {
      return mb * passes / cpuSecs;
    }
  }

  static Scrub scrubberMeasure(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<BenchNotes.Note> generated = new ArrayList<>(n);
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      BenchNotes.Note note = BenchNotes.note(r, 6 + r.nextInt(6), 1 + r.nextInt(3), true);
      generated.add(note);
      bytes += note.text().getBytes(StandardCharsets.UTF_8).length;
    }
    // warm-up (JIT), not measured: one pass over the notes
    scrubPass(generated);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // one pass right after that warm-up (the earlier figure: JIT compilation still inside it)
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    long sink = scrubPass(generated);
    double firstCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    // steady state: the same notes again until at least MEASURE_CPU_SECONDS of this thread's CPU
    // (and 3 passes), so that compilation and timer granularity are a small part of the figure
    int passes = 0;
    cpu0 = threads.getCurrentThreadCpuTime();
    wall0 = System.nanoTime();
    double cpuSecs;
    do {
      sink += scrubPass(generated);
      passes++;
      cpuSecs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    } while (passes < 3 || cpuSecs < MEASURE_CPU_SECONDS);
    double wallSecs = (System.nanoTime() - wall0) / 1e9;
    if (sink < 0) {
      throw new IllegalStateException();
    }
    long planted = 0;
    long found = 0;
    long findings = 0;
    long correct = 0;
    for (BenchNotes.Note note : generated) {
      List<PhiScrubber.Finding> fs = PhiScrubber.find(note.text(), null, null, null, null,
          note.shiftDays());
      for (int[] p : note.planted()) {
        planted++;
        for (PhiScrubber.Finding f : fs) {
          if (f.start() < p[1] && f.end() > p[0]) {
            found++;
            break;
          }
        }
      }
      for (PhiScrubber.Finding f : fs) {
        findings++;
        for (int[] p : note.planted()) {
          if (f.start() < p[1] && f.end() > p[0]) {
            correct++;
            break;
          }
        }
      }
    }
    return new Scrub(bytes / 1e6, passes, cpuSecs, wallSecs, firstCpu, planted, found, findings,
        correct);
  }

  /** CPU seconds of one thread the steady-state scrubber measure runs for, at least. */
  static final double MEASURE_CPU_SECONDS = 5.0;

  /** Scrubs every note once, the row's own identifiers passed as the job passes them. */
  private static long scrubPass(List<BenchNotes.Note> notes) {
    long sink = 0;
    for (BenchNotes.Note note : notes) {
      // a patient not in the note
      sink += PhiScrubber.scrub(note.text(), "欧阳明华", "11010519491231002X", "13812345678",
          "北京市朝阳区建国路88号", note.shiftDays()).length();
    }
    return sink;
  }

  /** curated.visits rows generated on the executors, deterministic per row id. */
  static Dataset<Row> generate(SparkSession spark, Schema schema, long n, long seed) {
    StructType type = SparkSchemaUtil.convert(schema);
    List<String> texts = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 500; i++) {
      texts.add(BenchNotes.note(r, 6, 2, false).text());
    }
    String[] notePool = texts.toArray(String[]::new);
    long patients = Math.max(1, n / 8);
    MapFunction<Long, Row> row = id -> {
      SplittableRandom g = new SplittableRandom(seed * 31 + id);
      long patient = g.nextLong(patients);
      SplittableRandom pg = new SplittableRandom(seed * 17 + patient);
      String residentId = io.carelake.core.ids.ResidentIds.complete(String.format("%06d%s%03d",
          110101 + pg.nextInt(500), LocalDate.of(1930, 1, 1).plusDays(pg.nextInt(30_000))
              .toString().replace("-", ""), pg.nextInt(1000)));
      LocalDate birth = LocalDate.parse(residentId.substring(6, 10) + "-"
          + residentId.substring(10, 12) + "-" + residentId.substring(12, 14));
      // one week of events: deidentify runs per interval (a day to a month)
      long eventMillis = LocalDate.of(2025, 3, 1).toEpochDay() * 86_400_000L
          + g.nextLong(7L * 86_400_000L);
      return RowFactory.create("ev-" + id, new Timestamp(eventMillis), 1, residentId,
          "患者" + patient, pg.nextBoolean() ? "1" : "2", Date.valueOf(birth),
          "13" + String.format("%09d", pg.nextInt(1_000_000_000)), "北京市朝阳区建国路"
              + pg.nextInt(200) + "号", "F" + (110101 + pg.nextInt(30)) + "01", "D-" + g.nextInt(99),
          "outpatient", seq(List.of("I10")), "头晕" + g.nextInt(10) + "天",
          notePool[g.nextInt(notePool.length)], seq(List.of(RowFactory.create("氨氯地平", "5 mg",
              "qd", 30))), "carelake.visits", (int) (id % 4), id, new Timestamp(eventMillis + 60_000),
          new Timestamp(eventMillis + 1_800_000), "bench");
    };
    Dataset<Long> ids = spark.range(n).as(Encoders.LONG());
    org.apache.spark.api.java.JavaRDD<Row> rdd = ids.javaRDD().map(id -> row.call(id));
    return spark.createDataFrame(rdd, type);
  }

  /** A Scala Seq, as the row encoder expects for array columns. */
  static <T> scala.collection.Seq<T> seq(List<T> list) {
    return scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(list)).toSeq();
  }

  /** curated.visits's schema: the raw columns plus governance_run_id. */
  static final class CuratedSchema {
    static Schema visits() {
      List<Types.NestedField> cols = new ArrayList<>(TableSchemas.RAW_VISITS.columns());
      cols.add(Types.NestedField.optional(1000, "governance_run_id", Types.StringType.get()));
      return new Schema(cols);
    }
  }

  private static void createTable(CarelakeConfig cfg, TableName name, Schema schema) {
    CatalogFactory.createIfMissing(CatalogFactory.open(cfg), name, schema,
        PartitionSpec.builderFor(schema).day(TableSchemas.EVENT_TIME).build());
  }

  private static byte[] randomKey(long seed) {
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    return k;
  }

  /**
   * Builds the persisted staged rows (one action: the job keeps them for its privacy checks
   * before k-anonymity reads them) and returns the seconds since {@code t0}, so that a line
   * tells the persist from the classes, generalisation and write that follow it.
   */
  private static double materialise(Dataset<Row> persisted, long t0) {
    persisted.count();
    return secs(t0);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private String temporary(Path home) {
    return dir == null ? "(temporary)" : home.toString();
  }

  private static void out(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
