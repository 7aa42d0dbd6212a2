package io.carelake.governance;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckResultsTable;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.deequ.DeequMetric;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.metrics.MetricsTable;
import io.carelake.governance.rules.GovernFunctions;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IntervalJob;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code govern}: checks the interval's raw visits and vitals against the governance specs, writes
 * one check result per rule, and splits the rows into curated (failing no {@code block} or
 * {@code quarantine} rule) and quarantine (with the failed rule ids and reasons).
 *
 * <p>Stages: (1) {@link GovernSlice#plan}: specs are parsed, compiled and checked against the
 * table schemas before any row is read; each raw slice is read at the snapshot recorded as the
 * run's input, once, and persisted. (2) {@link SplitStage}: per table, curated and quarantine are
 * replaced for the interval on a branch {@code audit_<run id>} ({@link AuditBranch}), and Deequ
 * measures every rule in one verification per table, its metrics observed during the curated
 * write; {@link SliceVerdicts} turns them into one check result per rule plus a size anomaly
 * check against the previous runs' row counts; metrics and check results are appended. (3) The
 * branch is audited (no blocking rule failed, the rows read back reconcile with raw). (4) Only
 * then main is fast-forwarded to it. A failed audit blocks the run (exit 3) with main untouched and
 * the branch kept for inspection. A rerun never duplicates a row.
 */
@Command(name = "govern", mixinStandardHelpOptions = true,
    description = "Check raw visits and vitals against the governance specs; write curated, "
        + "quarantine and governance.check_results for the interval.")
public final class GovernJob extends IntervalJob {

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

    // 1. plan: inputs pinned to their current snapshot, every rule checked against its table's
    //    schema; no rows read yet
    List<GovernSlice> slices = GovernSlice.plan(spark, ctx, specs, interval);

    // The slices are cached without Spark's columnar compression: each is read by the curated
    // write (which also measures Deequ's metrics) and by the quarantine write, then dropped, and
    // choosing and applying an encoding per column cost more than those reads saved (2 M vitals
    // rows: Deequ's step 15.6 s compressed, 8.6 s not). Memory that runs short spills to disk
    // (MEMORY_AND_DISK). The setting is read when a cache is built, and restored afterwards.
    String compressedKey = "spark.sql.inMemoryColumnarStorage.compressed";
    String compressedBefore = spark.conf().get(compressedKey, "true");
    spark.conf().set(compressedKey, "false");
    try {
      AuditBranch audit = new AuditBranch(spark, ctx, keepBlockedBranches);
      ctx.run().parameter("audit_branch", audit.name());
      pruneAuditBranches(ctx, audit, slices);

      // 2. stage and measure: per table, the row-level split written to an audit branch of
      //    curated and quarantine forked from main (main is not touched yet), with Deequ's
      //    verification measured in the same pass; then the verdicts and the metric history
      List<CheckResult> results = new ArrayList<>();
      Map<String, List<DeequMetric>> metrics = new LinkedHashMap<>();
      java.time.Instant computedAt = java.time.Instant.now();
      SliceVerdicts.SizeLimits limits = new SliceVerdicts.SizeLimits(sizeMaxDecrease,
          sizeMaxIncrease, sizeAnomalySeverity);
      long rowsOut = 0;
      long setAside = 0;
      long tStage = System.nanoTime();
      for (GovernSlice s : slices) {
        s.data().persist(StorageLevel.MEMORY_AND_DISK());
        ctx.progress("%s: splitting and checking %s (snapshot %s) with Deequ, %d rules",
            s.target().raw(), interval, s.snapshot(), s.spec().rules().size());
        Verification v = SplitStage.stage(ctx, audit, s, interval, SliceVerdicts.checks(s));
        s.rows = v.rows();
        SliceVerdicts verdicts = SliceVerdicts.of(spark, ctx, s, v, limits);
        results.addAll(verdicts.results);
        metrics.put(s.target().raw().toString(), verdicts.metrics);
        long[] counts = SplitStage.counts(ctx, s, verdicts);
        s.curatedRows = counts[0];
        s.quarantinedRows = counts[1];
        rowsOut += counts[0];
        setAside += counts[1];
        ctx.progress("%s: %,d rows -> %s %,d, %s %,d; checks %s", s.target().raw(), s.rows,
            s.target().curated(), counts[0], s.target().quarantine(), counts[1],
            verdicts.results.stream().collect(Collectors.groupingBy(r -> r.status().name(),
                java.util.TreeMap::new, Collectors.counting())));
      }
      ctx.progress("staged and checked in %.1f s", since(tStage));
      ctx.run().output(Tables.GOVERNANCE_METRICS.toString(), MetricsTable.append(spark, ctx,
          metrics, specs.hash(), computedAt));
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

      // 3. audit, on what the branch holds: blocking rules pass, and the interval's curated +
      //    quarantine rows read back from the branch are exactly the raw slice, all of this run
      long tAudit = System.nanoTime();
      List<String> problems = new ArrayList<>();
      blocking.forEach(r -> problems.add(r.summary()));
      for (GovernSlice s : slices) {
        problems.addAll(audit.verify(s, interval));
      }
      if (!problems.isEmpty()) {
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException(blockedMessage(interval, blocking, problems, ctx.run().id(),
            audit.name()));
      }
      ctx.progress("audited in %.1f s", since(tAudit));

      // 4. publish: fast-forward each table's main to the audited branch, drop the branch
      for (GovernSlice s : slices) {
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

  /** Drops the audit branches of earlier runs older than the retention, on every output table. */
  private void pruneAuditBranches(JobContext ctx, AuditBranch audit, List<GovernSlice> slices) {
    int pruned = 0;
    for (GovernSlice s : slices) {
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
}
