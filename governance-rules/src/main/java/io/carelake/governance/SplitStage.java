package io.carelake.governance;

import io.carelake.core.tables.TableSchemas;
import io.carelake.core.time.Interval;
import io.carelake.governance.deequ.DatasetCheck;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.Verification;
import io.carelake.governance.rules.CompiledRule;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * govern's write stage for one (persisted) slice: the row-level split, written to the audit branch
 * of curated and quarantine (replacing the interval's slice there), with Deequ's verification
 * measured in the same pass. Deequ's aggregation expressions for every check are observed
 * ({@link Observation}) while the curated write reads the slice — the pass that also materialises
 * the persisted slice — and handed to Deequ as its analyzers' states; only checks that need a
 * grouping pass of their own make Deequ scan the slice itself, before the writes.
 */
final class SplitStage {

  /** Intervals up to this many days are written with fan-out writers and no shuffle. */
  static final long FANOUT_MAX_DAYS = 7;

  /**
   * How long to wait for the observed metrics once the curated write has returned (Spark delivers
   * them through its listener bus); past it Deequ scans the slice itself.
   */
  static final long OBSERVED_WAIT_SECONDS = 120;

  private SplitStage() {}

  /** Writes curated and quarantine of {@code s} to the audit branch; returns Deequ's verdict. */
  static Verification stage(JobContext ctx, AuditBranch audit, GovernSlice s, Interval interval,
      List<DatasetCheck> checks) throws Exception {
    Optional<DeequAdapter.Planned> plan = DeequAdapter.plan(s.data().schema(), checks);
    Verification verified = null;
    if (plan.isEmpty()) {
      ctx.run().count("deequ.own_scans", 1);
      verified = DeequAdapter.verify(s.data(), checks);
    }
    long t1 = System.nanoTime();
    GovernedTables.ensure(ctx.icebergCatalog(), s.target().raw(), s.target().curated(),
        s.target().quarantine());
    audit.fork(s.target().curated());
    audit.fork(s.target().quarantine());
    double forkSeconds = GovernJob.since(t1);

    long t2 = System.nanoTime();
    Observation observation = new Observation();
    Dataset<Row> curatedSource = s.data();
    if (plan.isPresent()) {
      List<Column> aggs = plan.get().aggregations();
      curatedSource = observation.on(s.data(), aggs.get(0), scala.collection.JavaConverters
          .asScalaBuffer(aggs.subList(1, aggs.size())).toSeq());
    }
    List<CompiledRule> rules = s.spec().quarantineRules();
    String runId = ctx.run().id();
    // A short interval (a daily run) is written without a shuffle: each task writes its rows to
    // their few day partitions directly (fan-out writers). A long one (a backfill) keeps
    // Iceberg's hash distribution by partition with fan-out off, so that each task's rows are
    // sorted by partition and written one file at a time: fan-out writers hold one open Parquet
    // file per partition per task, which decades of day partitions (a Synthea lifetime
    // backfill) turn into an out-of-memory error.
    boolean fanout = interval.days() <= FANOUT_MAX_DAYS;
    String distribution = fanout ? "none" : "hash";
    QuarantineSplit.curated(QuarantineSplit.annotate(curatedSource, rules), s.rawSchema(), runId)
        .writeTo(audit.sparkName(s.target().curated()))
        .option("distribution-mode", distribution)
        .option("fanout-enabled", String.valueOf(fanout))
        .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
    QuarantineSplit.quarantine(QuarantineSplit.annotate(s.data(), rules), s.rawSchema(), runId)
        .writeTo(audit.sparkName(s.target().quarantine()))
        .option("distribution-mode", distribution)
        .option("fanout-enabled", String.valueOf(fanout))
        .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
    double writeSeconds = GovernJob.since(t2);
    if (verified == null) {
      Row observed = observed(observation);
      if (observed == null) {
        ctx.progress("%s: Spark did not report the metrics observed during the curated write"
            + " within %d s; Deequ scans the slice itself", s.target().raw(),
            OBSERVED_WAIT_SECONDS);
        ctx.run().count("deequ.own_scans", 1);
        verified = DeequAdapter.verify(s.data(), checks);
      } else {
        verified = plan.get().complete(observed);
        long written = audit.rowsAdded(s.target().curated())
            + audit.rowsAdded(s.target().quarantine());
        if (verified.rows() != written) {
          // a map task that ran again (an executor lost in a backfill's shuffle) adds its
          // observed values twice; the commits hold each row once
          ctx.progress("%s: the metrics observed during the write count %,d rows, the commits"
              + " %,d (a task was rerun); Deequ scans the slice itself", s.target().raw(),
              verified.rows(), written);
          ctx.run().count("deequ.own_scans", 1).count("deequ.observed_mismatch", 1);
          verified = DeequAdapter.verify(s.data(), checks);
        }
      }
    }
    ctx.progress("%s: %,d rows staged on branch %s with Deequ's %d checks (branches %.1f s,"
        + " writes and checks %.1f s)", s.target().raw(), verified.rows(), audit.name(),
        checks.size() + 1, forkSeconds, writeSeconds);
    return verified;
  }

  /** The observed row, or null when Spark did not deliver it in time. */
  private static Row observed(Observation observation) throws Exception {
    try {
      return scala.concurrent.Await.result(observation.future(),
          scala.concurrent.duration.Duration.create(OBSERVED_WAIT_SECONDS, TimeUnit.SECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    }
  }

  /**
   * The split's counts {curated, quarantined}: Deequ's when it counted the curated rows (the same
   * SQL predicates the split evaluates; the audit reads the written rows back and compares),
   * else one aggregate pass over the slice. Records each quarantining rule's count.
   */
  static long[] counts(JobContext ctx, GovernSlice s, SliceVerdicts verdicts) {
    List<CompiledRule> rules = s.spec().quarantineRules();
    String table = s.target().raw().toString();
    if (verdicts.curatedByDeequ != null) {
      for (CompiledRule rule : rules) {
        Long n = verdicts.rowsFailed(rule.id(), table);
        if (n != null) {
          ctx.run().count("quarantined." + rule.id(), n);
        }
      }
      return new long[] {verdicts.curatedByDeequ, s.rows - verdicts.curatedByDeequ};
    }
    // one aggregate pass: total, quarantined, and rows failing each rule
    Dataset<Row> annotated = QuarantineSplit.annotate(s.data(), rules);
    List<Column> aggs = new ArrayList<>();
    aggs.add(functions.count(functions.lit(1)));
    aggs.add(functions.sum(functions.when(QuarantineSplit.quarantined(), 1L).otherwise(0L)));
    for (CompiledRule rule : rules) {
      aggs.add(functions.sum(functions.when(functions.array_contains(
          functions.col(QuarantineSplit.FAILED_RULES), rule.id()), 1L).otherwise(0L)));
    }
    Row totals = annotated.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .first();
    long total = totals.getLong(0);
    long quarantined = totals.isNullAt(1) ? 0 : totals.getLong(1);
    if (total != s.rows) {
      throw new IllegalStateException(s.target().raw() + " changed while govern ran: Deequ"
          + " counted " + s.rows + " rows, the split " + total + " (the slice is read at"
          + " snapshot " + s.snapshot() + "; report this as a bug)");
    }
    for (int i = 0; i < rules.size(); i++) {
      String id = rules.get(i).id();
      long n = totals.isNullAt(2 + i) ? 0 : totals.getLong(2 + i);
      ctx.run().count("quarantined." + id, n);
      Long measured = verdicts.rowsFailed(id, table);
      if (measured != null && measured != n) {
        ctx.progress("warning: %s: Deequ counted %d failing rows, the row-level split %d (the"
            + " rule's predicate and metric disagree)", id, measured, n);
      }
    }
    return new long[] {total - quarantined, quarantined};
  }
}
