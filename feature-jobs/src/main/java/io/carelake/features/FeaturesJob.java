package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

import picocli.CommandLine.Option;

/**
 * {@code features}: point-in-time chronic-disease risk features and labels, one row per patient per
 * index date (the first day of each month in the interval), from safe.visits and safe.vitals into
 * {@code features.chronic_risk}.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Build point-in-time chronic-disease risk features and labels (new I10 / E11.x "
        + "diagnosis within the horizon) for each month start in the interval.")
public final class FeaturesJob extends IntervalJob {

  public static final int LOOKBACK_DAYS_DEFAULT = 180;
  public static final int HORIZON_DAYS_DEFAULT = 180;

  @Option(names = "--lookback-days", paramLabel = "DAYS",
      defaultValue = "" + LOOKBACK_DAYS_DEFAULT,
      description = "Days of vitals before each index date that feed the aggregates (default: ${DEFAULT-VALUE}).")
  int lookbackDays;

  @Option(names = "--horizon-days", paramLabel = "DAYS",
      defaultValue = "" + HORIZON_DAYS_DEFAULT,
      description = "Days after each index date in which a new I10 / E11.x diagnosis makes the label 1 (default: ${DEFAULT-VALUE}).")
  int horizonDays;

  @Option(names = "--clock", paramLabel = "CLOCK", defaultValue = "EVENT",
      converter = ClockConverter.class,
      description = "What counts as known at an index date: 'event' (event_time before it; the"
          + " default, right for backfilled history) or 'bitemporal' (event_time and ingest_time"
          + " before it: what a live system knew).")
  ChronicRiskFeatures.Clock clock;

  static final class ClockConverter implements picocli.CommandLine.ITypeConverter<ChronicRiskFeatures.Clock> {
    @Override
    public ChronicRiskFeatures.Clock convert(String value) {
      return ChronicRiskFeatures.Clock.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
  }

  public static void main(String[] args) {
    System.exit(JobMain.run(new FeaturesJob(), args));
  }

  @Override
  public String name() {
    return "features";
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    ChronicRiskFeatures features = new ChronicRiskFeatures(lookbackDays, horizonDays, clock);
    ctx.run().parameter("lookback_days", lookbackDays).parameter("horizon_days", horizonDays)
        .parameter("clock", clock.name().toLowerCase(java.util.Locale.ROOT));

    Dataset<Row> visits = readPinned(spark, ctx, Tables.SAFE_VISITS).select("event_key",
        "patient_pseudonym", "event_time", "ingest_time", "sex", "birth_year", "age_at_visit",
        "diagnoses");
    Dataset<Row> vitals = readPinned(spark, ctx, Tables.SAFE_VITALS).select("event_key",
        "patient_pseudonym", "event_time", "ingest_time", "code", "value");

    List<LocalDate> indexDates = IndexDates.in(interval);
    ctx.run().count("index_dates", indexDates.size());
    if (indexDates.isEmpty()) {
      ctx.progress("no month starts in %s: nothing to build", interval);
      ctx.run().rows(0, 0, 0).requireReconciled();
      return;
    }
    LocalDate lastEventDay = lastEventDay(visits);
    ctx.progress("%d index date(s) %s .. %s; last event day in %s: %s", indexDates.size(),
        indexDates.get(0), indexDates.get(indexDates.size() - 1), Tables.SAFE_VISITS, lastEventDay);

    // Features look back before the interval and labels look ahead of it, so the reads are bounded
    // by the windows rather than by the interval; Iceberg prunes day partitions on these filters.
    LocalDate lastIndex = indexDates.get(indexDates.size() - 1);
    Dataset<Row> vitalsInReach = vitals
        .filter(col("event_time").geq(midnight(indexDates.get(0).minusDays(lookbackDays)))
            .and(col("event_time").lt(midnight(lastIndex))));

    Dataset<Row> classified = features.classified(visits, vitalsInReach,
            IndexDates.frame(spark, indexDates), lastEventDay, ctx.run().id())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> byStatus = countByStatus(classified);
      long kept = byStatus.getOrDefault(CohortStatus.KEPT.countName(), 0L);
      long prevalent = byStatus.getOrDefault(CohortStatus.PREVALENT.countName(), 0L);
      long incomplete = byStatus.getOrDefault(CohortStatus.HORIZON_INCOMPLETE.countName(), 0L);
      long candidates = byStatus.values().stream().mapToLong(Long::longValue).sum();
      ctx.progress("%,d candidate rows: %,d kept, %,d prevalent, %,d horizon incomplete",
          candidates, kept, prevalent, incomplete);

      Dataset<Row> out = ChronicRiskFeatures.tableColumns(classified);
      FeatureTableWrites.replaceIndexDates(spark, ctx, out, Tables.FEATURES_CHRONIC_RISK, interval);
      ctx.run().output(Tables.FEATURES_CHRONIC_RISK.toString(),
          ctx.currentSnapshot(Tables.FEATURES_CHRONIC_RISK));

      long positives = out.filter(col("label").equalTo(1)).count();
      ctx.run().count("candidates", candidates)
          .count(CohortStatus.PREVALENT.countName(), prevalent)
          .count(CohortStatus.HORIZON_INCOMPLETE.countName(), incomplete)
          .count("rows_written", kept)
          .count("positive_labels", positives)
          .rows(candidates, kept, prevalent + incomplete)
          .requireReconciled();
      ctx.progress("wrote %,d rows (%,d with label 1) to %s", kept, positives,
          Tables.FEATURES_CHRONIC_RISK);
    } finally {
      classified.unpersist();
    }
  }

  /** UTC midnight starting {@code day} (the session time zone is UTC). */
  private static Column midnight(LocalDate day) {
    return lit(Date.valueOf(day)).cast("timestamp");
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

  /** The last UTC day with an event in safe.visits (one aggregate row), or null when it is empty. */
  static LocalDate lastEventDay(Dataset<Row> visits) {
    Row r = visits.agg(max(to_date(col("event_time"))).as("last_day")).head();
    return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
  }

  private static Map<String, Long> countByStatus(Dataset<Row> classified) {
    Map<String, Long> counts = new HashMap<>();
    for (Row r : classified.groupBy(ChronicRiskFeatures.STATUS).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }
}
