package io.carelake.governance;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckResultsTable;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.DeequMetric;
import io.carelake.governance.deequ.MetricOutcome;
import io.carelake.governance.metrics.HistoryAnomaly;
import io.carelake.governance.rules.DistributionHistoryRule;
import io.carelake.governance.rules.RuleContext;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.metrics.MetricsTable;
import io.carelake.governance.metrics.SizeAnomaly;
import io.carelake.governance.rules.CompiledRule;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.GovernFunctions;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IcebergWrites;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

import picocli.CommandLine.Option;

/**
 * {@code govern}: checks the interval's raw visits and vitals against the governance specs, writes
 * one check result per rule, and splits the rows into curated (failing no {@code block} or
 * {@code quarantine} rule) and quarantine (with the failed rule ids and reasons).
 *
 * <p>Order of work: specs are parsed, compiled and checked against the table schemas before any
 * row is read; each raw slice is read at the snapshot recorded as the run's input, once, and
 * cached; Deequ measures every rule in one verification per table; its metrics go to
 * {@code governance.metrics} and a size anomaly check compares the row count with the previous
 * run's; check results are appended. Then write-audit-publish ({@link AuditBranch}): curated and
 * quarantine are replaced for the interval on a branch {@code audit_<run id>}; the branch is
 * audited (no blocking rule failed, the rows read back reconcile with raw); only then main is
 * fast-forwarded to it. A failed audit blocks the run (exit 3) with main untouched and the branch
 * kept for inspection. A rerun never duplicates a row.
 */
@Command(name = "govern", mixinStandardHelpOptions = true,
    description = "Check raw visits and vitals against the governance specs; write curated, "
        + "quarantine and governance.check_results for the interval.")
public final class GovernJob extends IntervalJob {

  /** Intervals up to this many days are written with fan-out writers and no shuffle. */
  static final long FANOUT_MAX_DAYS = 7;


  @Option(names = "--spec-dir", paramLabel = "DIR",
      description = "Directory of YAML specs, one per table (default: the specs built into this jar).")
  Path specDir;

  @Option(names = "--keep-blocked-branches", paramLabel = "DURATION", defaultValue = "P7D",
      converter = Retention.class,
      description = "How long the audit branch of a run that did not publish is kept for"
          + " inspection; later runs drop older ones (ISO-8601, default: ${DEFAULT-VALUE}).")
  java.time.Duration keepBlockedBranches;

  @Option(names = "--size-max-increase", paramLabel = "RATIO", defaultValue = "3.0",
      description = "Size anomaly: largest accepted rows / previous run's rows (default: ${DEFAULT-VALUE}).")
  double sizeMaxIncrease;

  @Option(names = "--size-max-decrease", paramLabel = "RATIO", defaultValue = "0.33",
      description = "Size anomaly: smallest accepted rows / previous run's rows (default: ${DEFAULT-VALUE}).")
  double sizeMaxDecrease;

  @Option(names = "--size-anomaly-severity", paramLabel = "SEVERITY", defaultValue = "WARN",
      description = "WARN reports a row-count jump, BLOCK blocks the run (default: ${DEFAULT-VALUE}).")
  io.carelake.governance.spec.Severity sizeAnomalySeverity;

  /** An ISO-8601 duration that is not negative. */
  static final class Retention implements picocli.CommandLine.ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      java.time.Duration d;
      try {
        d = java.time.Duration.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not an"
            + " ISO-8601 duration such as P7D, PT12H or PT0S");
      }
      if (d.isNegative()) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is negative; use"
            + " PT0S to drop every earlier audit branch at the next run");
      }
      return d;
    }
  }

  /** Deequ check id of the count of rows that fail no quarantining rule. */
  static final String CURATED_CHECK = "carelake:curated";

  /** Seconds since {@code t0} (System.nanoTime), for the progress lines. */
  static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** One governed table and where its rows go. */
  record Target(TableName raw, TableName curated, TableName quarantine) {}

  static final List<Target> TARGETS = List.of(
      new Target(Tables.RAW_VISITS, Tables.CURATED_VISITS, Tables.QUARANTINE_VISITS),
      new Target(Tables.RAW_VITALS, Tables.CURATED_VITALS, Tables.QUARANTINE_VITALS));

  public static void main(String[] args) {
    System.exit(JobMain.run(new GovernJob(), args));
  }

  @Override
  public String name() {
    return "govern";
  }

  /** The specs, parsed and compiled by {@link #validate} before Spark starts. */
  private GovernanceSpecs specs;

  @Override
  public void validate(io.carelake.core.config.CarelakeConfig config) throws Exception {
    specs = specDir == null ? GovernanceSpecs.builtIn() : GovernanceSpecs.fromDir(specDir);
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    ctx.run().specHash(specs.hash())
        .parameter("spec_dir", specDir == null ? "built-in" : specDir.toAbsolutePath());
    specs.byTable().forEach((table, spec) -> ctx.run().parameter("spec." + table,
        spec.spec().header().name() + "@" + spec.spec().header().version() + " sha256:"
            + spec.spec().sha256()));
    ctx.progress("specs: %s", specs.byTable().values().stream()
        .map(c -> c.spec().header().name() + "@" + c.spec().header().version() + " ("
            + c.rules().size() + " rules, " + c.spec().source() + ")")
        .collect(Collectors.joining(", ")));
    GovernFunctions.register(spark);
    Interval interval = ctx.interval();

    // 1. inputs pinned to their current snapshot, every rule checked against its table's schema;
    //    no rows read yet
    List<Slice> slices = new ArrayList<>();
    // other tables a rule reads (referential integrity) are read at the snapshot current when
    // the slice is planned, and recorded as inputs at it: a rerun reads the same rows, and rows
    // landing meanwhile cannot make the metrics and the split disagree
    RuleContext ruleContext = new RuleContext(spark, other -> {
      if (!ctx.tableExists(other)) {
        return java.util.Optional.empty();
      }
      Long snapshot = ctx.currentSnapshot(other);
      ctx.run().input(other.toString(), snapshot);
      // Iceberg's Spark catalog resolves the snapshot_id_<id> suffix to that snapshot
      return java.util.Optional.of(snapshot == null ? ctx.table(other)
          : ctx.table(other) + ".snapshot_id_" + snapshot);
    });
    for (Target t : TARGETS) {
      if (!ctx.tableExists(t.raw())) {
        throw new IllegalStateException(t.raw() + " does not exist in catalog '" + ctx.catalogName()
            + "'; run ingest first (govern reads what ingestion landed)");
      }
      Long snapshot = ctx.currentSnapshot(t.raw());
      ctx.run().input(t.raw().toString(), snapshot);
      Dataset<Row> slice = readAt(spark, ctx.table(t.raw()), snapshot)
          .filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      CompiledSpec spec = specs.forTable(t.raw());
      StructType rawSchema = slice.schema();
      Dataset<Row> prepared = spec.prepare(slice, ruleContext);
      spec.validateAgainst(prepared);
      slices.add(new Slice(t, spec, snapshot, prepared, rawSchema));
    }

    // The slices are cached without Spark's columnar compression: each is read by Deequ's
    // verification and by the split, then dropped, and choosing and
    // applying an encoding per column cost more than those reads saved (2 M vitals rows: Deequ's
    // step 15.6 s compressed, 8.6 s not). Memory that runs short spills to disk
    // (MEMORY_AND_DISK). The setting is read when a cache is built, and restored afterwards.
    String compressedKey = "spark.sql.inMemoryColumnarStorage.compressed";
    String compressedBefore = spark.conf().get(compressedKey, "true");
    spark.conf().set(compressedKey, "false");
    try {
      // 2. dataset-level metrics: one Deequ verification per table over the cached slice; its
      //    metrics join the history in governance.metrics, which the size anomaly check reads
      List<CheckResult> results = new ArrayList<>();
      java.time.Instant computedAt = java.time.Instant.now();
      for (Slice s : slices) {
        s.data().persist(StorageLevel.MEMORY_AND_DISK());
        ctx.progress("%s: checking %s (snapshot %s) with Deequ, %d rules", s.target().raw(),
            interval, s.snapshot(), s.spec().rules().size());
        long tVerify = System.nanoTime();
        // the rules' checks plus one that counts the rows the split will send to curated, so the
        // split needs no counting pass of its own
        List<io.carelake.governance.deequ.DatasetCheck> checks =
            new ArrayList<>(s.spec().datasetChecks(s.data().schema()));
        String curatedSql = s.spec().curatedPredicateSql(s.data().schema());
        if (curatedSql != null) {
          checks.add(new io.carelake.governance.deequ.DatasetCheck.Compliance(CURATED_CHECK,
              curatedSql, List.of(), 0.0, false));
        }
        Verification v = DeequAdapter.verify(s.data(), checks);
        double verifySeconds = since(tVerify);
        if (v.rows() == 0) {
          s.curatedByDeequ = 0L;
        } else if (curatedSql != null && !v.outcome(CURATED_CHECK).failedToCompute()) {
          s.curatedByDeequ = Math.round(v.outcome(CURATED_CHECK).passShare() * v.rows());
        }
        s.rows = v.rows();
        List<CheckResult> own = new ArrayList<>();
        List<DeequMetric> metrics = new ArrayList<>(v.metrics());
        for (CompiledRule rule : s.spec().rules()) {
          CheckResult r;
          if (rule instanceof DistributionHistoryRule h) {
            // this rule's earlier values, read before this run's are appended
            List<Double> past = MetricsTable.history(spark, ctx, s.target().raw().toString(),
                HistoryAnomaly.ENTITY, h.id(), h.metricName(), ctx.run().id());
            MetricOutcome o = v.outcome(h.id());
            r = HistoryAnomaly.evaluate(s.spec().spec(), h, s.target().raw().toString(), o, past,
                v.rows(), s.snapshot());
            metrics.add(new DeequMetric(HistoryAnomaly.ENTITY, h.id(), h.metricName(),
                o.failedToCompute() ? null : o.passShare()));
          } else {
            r = CheckResult.evaluate(s.spec().spec(), rule.spec(),
                s.target().raw().toString(), v.outcome(rule.id()), v.rows(), s.snapshot());
          }
          own.add(r);
          if (r.rowsFailed() != null) {
            ctx.run().count("failed." + rule.id(), r.rowsFailed());
          }
        }
        String table = s.target().raw().toString();
        List<Double> history = MetricsTable.sizeHistory(spark, ctx, table, ctx.run().id());
        ctx.run().output(Tables.GOVERNANCE_METRICS.toString(), MetricsTable.append(spark, ctx,
            table, metrics, specs.hash(), computedAt));
        own.add(SizeAnomaly.evaluate(s.spec().spec(), table, history, v.rows(),
            sizeMaxDecrease, sizeMaxIncrease, sizeAnomalySeverity, s.snapshot()));
        results.addAll(own);
        ctx.progress("%s: %,d rows checked in %.1f s; %s", s.target().raw(), v.rows(),
            verifySeconds, own.stream()
            .collect(Collectors.groupingBy(r -> r.status().name(), java.util.TreeMap::new,
                Collectors.counting())));
      }
      ctx.run().output(Tables.GOVERNANCE_CHECK_RESULTS.toString(),
          CheckResultsTable.append(spark, ctx, results));
      ctx.progress("%d check results written to %s", results.size(),
          Tables.GOVERNANCE_CHECK_RESULTS);
      Map<CheckStatus, Long> byStatus = results.stream()
          .collect(Collectors.groupingBy(CheckResult::status, Collectors.counting()));
      byStatus.forEach((status, n) -> ctx.run().count("checks." + status, n));
      long rowsIn = slices.stream().mapToLong(s -> s.rows).sum();
      slices.forEach(s -> ctx.run().count(s.target().raw() + ".rows", s.rows));
      List<CheckResult> blocking = results.stream().filter(CheckResult::blocksRun).toList();

      // 3. write: the row-level split, replacing the interval's slice on an audit branch of
      //    curated and quarantine forked from main (main is not touched yet)
      AuditBranch audit = new AuditBranch(spark, ctx, keepBlockedBranches);
      ctx.run().parameter("audit_branch", audit.name());
      int pruned = 0;
      for (Slice s : slices) {
        for (TableName t : List.of(s.target().curated(), s.target().quarantine())) {
          if (ctx.tableExists(t)) {
            List<String> dropped = audit.pruneOlderThan(t, java.time.Instant.now());
            if (!dropped.isEmpty()) {
              ctx.progress("%s: dropped %d audit branch(es) of earlier runs older than %s: %s",
                  t, dropped.size(), keepBlockedBranches, dropped);
              pruned += dropped.size();
            }
          }
        }
      }
      ctx.run().count("audit.branches_dropped", pruned);
      long rowsOut = 0;
      long setAside = 0;
      long tStage = System.nanoTime();
      for (Slice s : slices) {
        long[] counts = stage(ctx, audit, s, interval, results);
        s.curatedRows = counts[0];
        s.quarantinedRows = counts[1];
        rowsOut += counts[0];
        setAside += counts[1];
      }

      // 4. audit, on what the branch holds: blocking rules pass, and the interval's curated +
      //    quarantine rows read back from the branch are exactly the raw slice, all of this run
      ctx.progress("staged in %.1f s", since(tStage));
      long tAudit = System.nanoTime();
      List<String> problems = new ArrayList<>();
      blocking.forEach(r -> problems.add(r.summary()));
      for (Slice s : slices) {
        problems.addAll(verifyBranch(spark, ctx, audit, s, interval));
      }
      if (!problems.isEmpty()) {
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException(blockedMessage(interval, blocking, problems, ctx.run().id(),
            audit.name()));
      }

      ctx.progress("audited in %.1f s", since(tAudit));
      // 5. publish: fast-forward each table's main to the audited branch, drop the branch
      for (Slice s : slices) {
        for (TableName t : List.of(s.target().curated(), s.target().quarantine())) {
          audit.publish(t);
          ctx.run().output(t.toString(), ctx.currentSnapshot(t));
        }
        ctx.run().count(s.target().curated() + ".rows", s.curatedRows)
            .count(s.target().quarantine() + ".rows", s.quarantinedRows);
      }
      ctx.run().rows(rowsIn, rowsOut, setAside).requireReconciled();
      ctx.progress("%,d rows in, %,d curated, %,d quarantined; published from %s", rowsIn,
          rowsOut, setAside, audit.name());
    } finally {
      slices.forEach(s -> s.data().unpersist());
      spark.conf().set(compressedKey, compressedBefore);
    }
  }

  /**
   * Writes curated and quarantine for one slice to the audit branch (replacing the interval's
   * slice there); returns {curated, quarantined}.
   */
  private static long[] stage(JobContext ctx, AuditBranch audit, Slice s, Interval interval,
      List<CheckResult> results) throws Exception {
    StructType raw = s.rawSchema();
    List<CompiledRule> rules = s.spec().quarantineRules();
    boolean counted = s.curatedByDeequ != null;
    Dataset<Row> annotated = QuarantineSplit.annotate(s.data(), rules);
    if (!counted) {
      annotated = annotated.persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      long t0 = System.nanoTime();
      long total;
      long quarantined;
      if (counted) {
        // Deequ counted in its pass: curated rows and each rule's failing rows (the same SQL
        // predicates the split evaluates); the audit reads the written rows back and compares
        total = s.rows;
        quarantined = s.rows - s.curatedByDeequ;
        for (CompiledRule rule : rules) {
          results.stream().filter(r -> r.rule().equals(rule.id()) && r.table().equals(
              s.target().raw().toString()) && r.rowsFailed() != null).findFirst()
              .ifPresent(r -> ctx.run().count("quarantined." + rule.id(), r.rowsFailed()));
        }
      } else {
        // one aggregate pass: total, quarantined, and rows failing each rule
        List<Column> aggs = new ArrayList<>();
        aggs.add(functions.count(functions.lit(1)));
        aggs.add(functions.sum(functions.when(QuarantineSplit.quarantined(), 1L).otherwise(0L)));
        for (CompiledRule rule : rules) {
          aggs.add(functions.sum(functions.when(functions.array_contains(
              functions.col(QuarantineSplit.FAILED_RULES), rule.id()), 1L).otherwise(0L)));
        }
        Row totals = annotated.agg(aggs.get(0), aggs.subList(1, aggs.size())
            .toArray(Column[]::new)).first();
        total = totals.getLong(0);
        quarantined = totals.isNullAt(1) ? 0 : totals.getLong(1);
        if (total != s.rows) {
          throw new IllegalStateException(s.target().raw() + " changed while govern ran: Deequ"
              + " counted " + s.rows + " rows, the split " + total + " (the slice is read at"
              + " snapshot " + s.snapshot() + "; report this as a bug)");
        }
        for (int i = 0; i < rules.size(); i++) {
          String id = rules.get(i).id();
          long n = totals.isNullAt(2 + i) ? 0 : totals.getLong(2 + i);
          ctx.run().count("quarantined." + id, n);
          results.stream().filter(r -> r.rule().equals(id) && r.table().equals(
              s.target().raw().toString()) && r.rowsFailed() != null && r.rowsFailed() != n)
              .forEach(r -> ctx.progress("warning: %s: Deequ counted %d failing rows, the"
                  + " row-level split %d (the rule's predicate and metric disagree)", id,
                  r.rowsFailed(), n));
        }
      }
      double splitSeconds = since(t0);
      String runId = ctx.run().id();
      long t1 = System.nanoTime();
      GovernedTables.ensure(ctx.icebergCatalog(), s.target().raw(), s.target().curated(),
          s.target().quarantine());
      audit.fork(s.target().curated());
      audit.fork(s.target().quarantine());
      double forkSeconds = since(t1);
      long t2 = System.nanoTime();
      // A short interval (a daily run) is written without a shuffle: each task writes its rows to
      // their few day partitions directly (fan-out writers). A long one (a backfill) keeps
      // Iceberg's hash distribution by partition with fan-out off, so that each task's rows are
      // sorted by partition and written one file at a time: fan-out writers hold one open Parquet
      // file per partition per task, which decades of day partitions (a Synthea lifetime
      // backfill) turn into an out-of-memory error.
      boolean fanout = interval.days() <= FANOUT_MAX_DAYS;
      String distribution = fanout ? "none" : "hash";
      QuarantineSplit.curated(annotated, raw, runId).writeTo(audit.sparkName(s.target().curated()))
          .option("distribution-mode", distribution)
          .option("fanout-enabled", String.valueOf(fanout))
          .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      QuarantineSplit.quarantine(annotated, raw, runId)
          .writeTo(audit.sparkName(s.target().quarantine()))
          .option("distribution-mode", distribution)
          .option("fanout-enabled", String.valueOf(fanout))
          .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      ctx.progress("%s: %,d rows -> %s %,d, %s %,d (staged on branch %s; split %.1f s, branches"
          + " %.1f s, writes %.1f s)", s.target().raw(), total, s.target().curated(),
          total - quarantined, s.target().quarantine(), quarantined, audit.name(), splitSeconds,
          forkSeconds, since(t2));
      return new long[] {total - quarantined, quarantined};
    } finally {
      if (!counted) {
        annotated.unpersist();
      }
    }
  }

  /**
   * Reads the interval back from the audit branch of curated and quarantine: their rows must add
   * up to the raw slice Deequ counted, the split's counts must match, and every row must carry this
   * run's id. Returns what is wrong (empty: the branch may be published).
   */
  static List<String> verifyBranch(SparkSession spark, JobContext ctx, AuditBranch audit,
      Slice s, Interval interval) {
    String runId = ctx.run().id();
    long[] curated = readBack(spark, audit.sparkName(s.target().curated()), interval, runId);
    long[] quarantine = readBack(spark, audit.sparkName(s.target().quarantine()), interval, runId);
    List<String> problems = new ArrayList<>();
    if (curated[0] + quarantine[0] != s.rows || curated[0] != s.curatedRows
        || quarantine[0] != s.quarantinedRows) {
      problems.add(String.format(java.util.Locale.ROOT, "%s does not reconcile on branch %s:"
          + " raw %d rows, read back curated %d (split %d) + quarantine %d (split %d)",
          s.target().raw(), audit.name(), s.rows, curated[0], s.curatedRows, quarantine[0],
          s.quarantinedRows));
    }
    if (curated[1] + quarantine[1] > 0) {
      problems.add(String.format(java.util.Locale.ROOT, "%s: %d rows of the interval on branch %s"
          + " were not written by this run (the interval was not replaced)", s.target().raw(),
          curated[1] + quarantine[1], audit.name()));
    }
    ctx.run().count("audit." + s.target().curated() + ".rows", curated[0])
        .count("audit." + s.target().quarantine() + ".rows", quarantine[0]);
    return problems;
  }

  /** {rows in the interval, of which not written by {@code runId}} of a table or branch. */
  private static long[] readBack(SparkSession spark, String name, Interval interval, String runId) {
    Row r = spark.table(name).filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval))
        .agg(functions.count(functions.lit(1)), functions.sum(functions.when(
            functions.col(GovernedTables.RUN_ID).notEqual(runId), 1L).otherwise(0L))).first();
    return new long[] {r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1)};
  }

  /** Reads a table at the snapshot recorded as the run's input, so metrics and split agree. */
  static Dataset<Row> readAt(SparkSession spark, String table, Long snapshot) {
    return snapshot == null ? spark.table(table)
        : spark.sql("SELECT * FROM " + table + " VERSION AS OF " + snapshot);
  }

  static String blockedMessage(Interval interval, List<CheckResult> blocking,
      List<String> problems, String runId, String branch) {
    return "govern blocked for " + interval + ": " + (blocking.isEmpty() ? ""
        : blocking.size() + " blocking rule(s) failed; ") + "audit found: "
        + String.join("; ", problems)
        + ". Curated and quarantine main were left unchanged; see governance.check_results where"
        + " run_id = '" + runId + "'. What would have been published is kept on branch '" + branch
        + "' of curated.* and quarantine.* (e.g. SELECT * FROM carelake.curated.vitals VERSION AS"
        + " OF '" + branch + "'); drop it with ALTER TABLE <table> DROP BRANCH " + branch + ".";
  }

  /** One table's slice for the interval, cached while the run uses it. */
  static final class Slice {
    private final Target target;
    private final CompiledSpec spec;
    private final Long snapshot;
    private final Dataset<Row> data;
    private final StructType rawSchema;
    long rows;
    /** Rows the split sends to curated, as Deequ counted them; null: count in the split. */
    Long curatedByDeequ;
    long curatedRows;
    long quarantinedRows;

    Slice(Target target, CompiledSpec spec, Long snapshot, Dataset<Row> data,
        StructType rawSchema) {
      this.rawSchema = rawSchema;
      this.target = target;
      this.spec = spec;
      this.snapshot = snapshot;
      this.data = data;
    }

    Target target() {
      return target;
    }

    CompiledSpec spec() {
      return spec;
    }

    Long snapshot() {
      return snapshot;
    }

    /** The slice with the rules' helper columns. */
    Dataset<Row> data() {
      return data;
    }

    /** The raw table's columns: what curated and quarantine carry. */
    StructType rawSchema() {
      return rawSchema;
    }
  }
}
