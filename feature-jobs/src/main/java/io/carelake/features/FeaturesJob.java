package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.DefinitionException;
import io.carelake.features.cohort.DefinitionLoader;
import io.carelake.features.cohort.DrugAtc;
import io.carelake.spark.IntervalOptions;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import io.carelake.spark.OptionsJob;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code features}: the cohort of a definition (target, outcome phenotypes, time at risk, washout)
 * at the index dates of the interval, with point-in-time features from safe.* and per outcome the
 * label, time to event and censoring, into {@code features.chronic_risk}; the attrition of every
 * step into {@code features.chronic_risk_attrition}. A leakage audit recomputes a seeded sample
 * from the history before anything is written: any fact at or after the index, or not yet
 * available, fails the run (exit 1) and nothing is published.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Build the cohort of a definition (default: the built-in chronic-risk, new"
        + " hypertension or type 2 diabetes in 180 days) at the index dates in the interval:"
        + " point-in-time features and labels into features.chronic_risk, attrition into"
        + " features.chronic_risk_attrition, after a leakage audit of a sample.")
public final class FeaturesJob extends OptionsJob {

  public static final int AUDIT_SAMPLE_DEFAULT = 200;
  public static final long AUDIT_SEED_DEFAULT = 7;

  @Mixin IntervalOptions intervalOptions = new IntervalOptions();
  @Spec CommandSpec spec;

  private CohortDefinition definition;
  private Clock clock = Clock.AVAILABLE;

  /** Which facts a feature may see: the point-in-time rule (tests plant a leaky one). */
  Visibility visibility = Visibility.POINT_IN_TIME;

  /** Loaded and validated while parsing: a bad definition is a usage error before Spark starts. */
  @Option(names = "--cohort", paramLabel = "FILE", defaultValue = "built-in",
      description = "Cohort definition (YAML, validated against the shipped JSON Schema; code sets"
          + " in <its dir>/codes/ or built-in). Default: ${DEFAULT-VALUE} ("
          + DefinitionLoader.BUILT_IN + ").")
  void cohort(String value) {
    if ("built-in".equals(value)) {
      definition = DefinitionLoader.builtIn();
      return;
    }
    try {
      definition = DefinitionLoader.load(Path.of(value));
    } catch (DefinitionException e) {
      throw new ParameterException(spec.commandLine(), "invalid cohort definition: "
          + e.getMessage());
    }
  }

  @Option(names = "--clock", paramLabel = "CLOCK", defaultValue = "available",
      description = "When a fact counts as available: 'available' (its source's record time, else"
          + " its ingest time; the default) or 'event' (when it happened: a backfill whose sources"
          + " carry no record time). Recorded in the ledger.")
  void clock(String value) {
    try {
      clock = Clock.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Option(names = "--audit-sample", paramLabel = "N", defaultValue = "" + AUDIT_SAMPLE_DEFAULT,
      description = "Rows the leakage audit recomputes from the history (default: ${DEFAULT-VALUE};"
          + " 0 turns it off, which the ledger records).")
  int auditSample;

  @Option(names = "--audit-seed", paramLabel = "S", defaultValue = "" + AUDIT_SEED_DEFAULT,
      description = "Seed of the audit's sample (default: ${DEFAULT-VALUE}).")
  long auditSeed;

  public static void main(String[] args) {
    System.exit(JobMain.run(new FeaturesJob(), args));
  }

  /**
   * The interval; with monthly sampling one without a month start is a usage error (exit 2,
   * before Spark starts): there is nothing to build, and a run that "succeeds" on nothing would
   * hide a wrong schedule.
   */
  @Override
  public Interval interval() {
    Interval interval = intervalOptions.interval();
    if (definition.indexDates().sampling() == CohortDefinition.Sampling.MONTHLY
        && IndexDates.monthStarts(interval).isEmpty()) {
      throw new IllegalArgumentException("--interval-start " + interval.start() + " --interval-end "
          + interval.end() + " holds no index date: " + definition.id() + " samples month starts,"
          + " and the interval holds none; give an interval that contains the first of a month"
          + " (the monthly DAG carelake_risk_model does)");
    }
    return interval;
  }

  CohortDefinition definition() {
    return definition;
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    ctx.run().parameter("cohort_definition", definition.id())
        .parameter("cohort_definition_hash", definition.hash())
        .parameter("cohort_definition_source", definition.source())
        .parameter("clock", clock.label())
        .parameter("audit_sample", auditSample).parameter("audit_seed", auditSeed);
    ctx.run().specHash(definition.hash());
    ctx.progress("cohort %s (%s), sampling %s, time at risk [%d, %d) days, clock %s",
        definition.id(), definition.hash().substring(0, 12),
        definition.indexDates().sampling().yaml(), definition.timeAtRisk().startDays(),
        definition.timeAtRisk().endDays(), clock.label());

    Dataset<Row> safeVisits = readPinned(spark, ctx, Tables.SAFE_VISITS);
    Dataset<Row> safeVitals = readPinned(spark, ctx, Tables.SAFE_VITALS);
    Dataset<Row> visits = Facts.visits(safeVisits, clock, DrugAtc.builtIn())
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> vitals = Facts.vitals(safeVitals, clock).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> candidates = null;
    Dataset<Row> statuses = null;
    Dataset<Row> rows = null;
    CohortBuilder.Classified classified = null;
    try {
      Row facts = recordTimes(visits, vitals);
      LocalDate dataEnd = facts.isNullAt(0) ? null : facts.getDate(0).toLocalDate().plusDays(1);
      long withoutRecordTime = facts.getLong(1);
      long factsTotal = facts.getLong(2);
      ctx.run().count("facts", factsTotal).count("facts_without_record_time", withoutRecordTime);
      if (clock == Clock.AVAILABLE && withoutRecordTime * 2 > factsTotal) {
        ctx.progress("%,d of %,d facts carry no source record time: they count as available from"
            + " their ingest time. For a backfill of history, run with --clock event.",
            withoutRecordTime, factsTotal);
      }
      CohortBuilder builder = new CohortBuilder(definition, visibility);
      boolean monthly = definition.indexDates().sampling() == CohortDefinition.Sampling.MONTHLY;
      Dataset<Row> pairs = IndexDates.pairs(spark, definition.indexDates(), interval, visits);
      candidates = builder.candidates(pairs, visits, monthly)
          .persist(StorageLevel.MEMORY_AND_DISK());
      classified = builder.classify(spark, candidates, visits, vitals,
          Phenotypes.events(definition, visits, vitals),
          dataEnd == null ? interval.end() : dataEnd);
      statuses = classified.statuses().persist(StorageLevel.MEMORY_AND_DISK());
      rows = classified.rows().persist(StorageLevel.MEMORY_AND_DISK());

      Map<String, Map<String, Long>> attrition = Attrition.byOutcome(statuses);
      long candidatePairs = candidates.count();
      long in = 0;
      long kept = 0;
      for (Map.Entry<String, Map<String, Long>> o : attrition.entrySet()) {
        for (Map.Entry<String, Long> e : o.getValue().entrySet()) {
          ctx.run().count(o.getKey() + "." + e.getKey(), e.getValue());
          in += e.getValue();
          if (e.getKey().equals(CohortStatus.KEPT.reason())) {
            kept += e.getValue();
          }
        }
      }
      ctx.run().count("candidates", candidatePairs);
      ctx.progress("%,d candidate (patient, index date) pairs up to %s; per outcome: %s",
          candidatePairs, dataEnd, describe(attrition));

      // the audit runs before anything is written: a finding publishes nothing
      LeakageAudit.Result audit = new LeakageAudit(definition).run(rows, visits, vitals,
          auditSample, auditSeed);
      ctx.run().count("audit_rows", audit.rowsChecked())
          .count("audit_values", audit.valuesCompared())
          .count("audit_findings", audit.findings().size());
      if (!audit.passed()) {
        ctx.run().rows(in, 0, in);
        throw new IllegalStateException("leakage audit failed: " + audit.findings().size()
            + " of " + audit.valuesCompared() + " feature values of " + audit.rowsChecked()
            + " sampled rows differ from a recomputation from the history (facts before the index"
            + " and available before it); nothing was written. First: "
            + String.join(" | ", audit.findings().subList(0, Math.min(3,
                audit.findings().size()))));
      }
      ctx.progress("leakage audit: %,d sampled rows, %,d feature values recomputed from the"
          + " history, all equal", audit.rowsChecked(), audit.valuesCompared());

      Dataset<Row> out = rows
          .withColumn("cohort_definition", lit(definition.id()))
          .withColumn("cohort_definition_hash", lit(definition.hash()))
          .withColumn("features_run_id", lit(ctx.run().id()));
      FeatureTableWrites.replaceIndexDates(spark, ctx, out, Tables.FEATURES_CHRONIC_RISK, interval);
      ctx.run().output(Tables.FEATURES_CHRONIC_RISK.toString(),
          ctx.currentSnapshot(Tables.FEATURES_CHRONIC_RISK));
      FeatureTableWrites.replaceIndexDates(spark, ctx,
          Attrition.rows(statuses, definition, ctx.run().id()), Attrition.TABLE, interval);
      ctx.run().output(Attrition.TABLE.toString(), ctx.currentSnapshot(Attrition.TABLE));

      Row written = FeatureTableWrites.readAt(spark, ctx, Tables.FEATURES_CHRONIC_RISK)
          .where(FeatureTableWrites.indexDateIn(interval))
          .agg(count(lit(1)), sum(col("label"))).first();
      long rowsWritten = written.getLong(0);
      long positives = written.isNullAt(1) ? 0 : written.getLong(1);
      ctx.run().count("rows_written", rowsWritten).count("positive_labels", positives)
          .rows(in, rowsWritten, in - kept).requireReconciled();
      if (rowsWritten == 0) {
        ctx.progress("no row has a complete time at risk and no exclusion: nothing to train on for"
            + " %s (the time at risk is %d days, the data end on %s)", interval,
            definition.timeAtRisk().endDays(), dataEnd);
      }
      ctx.progress("wrote %,d rows (%,d with the outcome) to %s", rowsWritten, positives,
          Tables.FEATURES_CHRONIC_RISK);
    } finally {
      if (classified != null) {
        classified.release();
      }
      for (Dataset<Row> d : new Dataset[] {rows, statuses, candidates, visits, vitals}) {
        if (d != null) {
          d.unpersist();
        }
      }
    }
  }

  /** The last event day, facts without a source record time, and all facts: one pass each. */
  private static Row recordTimes(Dataset<Row> visits, Dataset<Row> vitals) {
    return visits.select("event_time", "record_time")
        .unionByName(vitals.select("event_time", "record_time"))
        .agg(max(to_date(col("event_time"))), count(when(col("record_time").isNull(), 1)),
            count(lit(1))).first();
  }

  private static String describe(Map<String, Map<String, Long>> attrition) {
    StringBuilder sb = new StringBuilder();
    attrition.forEach((outcome, counts) -> {
      sb.append(sb.length() == 0 ? "" : "; ").append(outcome).append(' ');
      StringBuilder parts = new StringBuilder();
      counts.forEach((reason, n) -> parts.append(parts.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%,d %s", n, reason.replace('_', ' '))));
      sb.append(parts);
    });
    return sb.toString();
  }

  /** Reads a table at its current snapshot and records that snapshot as the run's input. */
  static Dataset<Row> readPinned(SparkSession spark, JobContext ctx, TableName table) {
    if (!ctx.tableExists(table)) {
      throw new IllegalStateException("Input table " + table + " does not exist in catalog "
          + ctx.catalogName() + ": run `deidentify` for this interval first");
    }
    Long snapshot = ctx.currentSnapshot(table);
    ctx.run().input(table.toString(), snapshot);
    if (snapshot == null) {
      // An empty table has no snapshot to pin; it reads as empty either way.
      return spark.table(ctx.table(table));
    }
    return spark.sql("SELECT * FROM " + ctx.table(table) + " VERSION AS OF " + snapshot);
  }
}
