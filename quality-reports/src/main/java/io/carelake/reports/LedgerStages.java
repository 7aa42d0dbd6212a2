package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.ledger.RunStatus;
import io.carelake.core.time.Interval;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Picks, from {@code governance.runs}, the run each pipeline stage is reported by: for every
 * interval job the latest run whose interval equals the report's, for ingest (which has no
 * interval) its latest run; plus, reported apart as {@code ingest_all_runs}, the sum over all
 * ingest runs. Ledger messages are masked with {@link Redaction} on the way in.
 *
 * <p>"Latest" is the run that ended last: its commit is the one the tables now show. Ties (runs
 * recorded within the same microsecond) fall to the later start, then to the run id, so the pick is
 * deterministic. A {@code RUNNING} row (a run still going, or one killed whose row no later run
 * has yet marked {@code ABANDONED}) has not ended: it is never picked, cited or counted as
 * considered; it is listed in {@link Picked#inProgress} so that the verdict can say the stage may
 * change. An {@code ABANDONED} run has ended (as a failure) and is picked like any other. The selection runs in Spark; the driver receives one row per stage, the per-job
 * number of runs and the ingest sums, never the whole ledger.
 */
final class LedgerStages {

  static final String INGEST = "ingest";

  /** Pipeline order: the order stages appear in the report. */
  static final List<String> PIPELINE =
      List.of(INGEST, "govern", "deidentify", "features", "corpus", "risk-dataset", "train",
          "evaluate");

  /** What the ledger says about the interval. */
  record Picked(
      List<Report.Stage> stages,
      Report.Stage ingestAllRuns,
      List<String> missingJobs,
      Map<String, String> runIdByJob,
      List<String> citedRunIds,
      long runsConsidered,
      Map<String, Map<String, String>> parametersByJob,
      List<InProgress> inProgress) {

    /** The picked run's parameters (empty when the job has no run or recorded none). */
    Map<String, String> parameters(String job) {
      return parametersByJob.getOrDefault(job, Map.of());
    }

    long runsCited() {
      return citedRunIds.size();
    }
  }

  /** A run of a reported stage still RUNNING in the ledger (not ended, so not reported). */
  record InProgress(String job, String runId, String startedAt) {}

  private LedgerStages() {}

  /** No ledger yet (a fresh home): every stage is missing. */
  static Picked nothingRecorded() {
    return new Picked(List.of(), null, PIPELINE, Map.of(), List.of(), 0, Map.of(), List.of());
  }

  static Picked pick(Dataset<Row> ledger, Interval interval) {
    Column sameInterval = col("interval_start").equalTo(functions.to_date(lit(interval.start().toString())))
        .and(col("interval_end").equalTo(functions.to_date(lit(interval.end().toString()))));
    Dataset<Row> ofInterval = ledger
        .filter(col("job").isin(PIPELINE.toArray()))
        .filter(col("job").equalTo(INGEST).or(sameInterval));
    Column running = col("status").equalTo(RunStatus.RUNNING.name());
    List<InProgress> inProgress = new ArrayList<>();
    for (Row r : ofInterval.filter(running).select("job", "run_id", "started_at")
        .orderBy("started_at", "run_id").collectAsList()) {
      inProgress.add(new InProgress(r.getString(0), r.getString(1), iso(r.get(2))));
    }
    Dataset<Row> candidates = ofInterval.filter(running.unary_$bang());

    Map<String, Long> runsPerJob = new TreeMap<>();
    for (Row r : candidates.groupBy("job").count().collectAsList()) {
      runsPerJob.put(r.getString(0), r.getLong(1));
    }

    Dataset<Row> latest = candidates
        .withColumn("_rank", functions.row_number().over(Window.partitionBy("job")
            .orderBy(col("ended_at").desc(), col("started_at").desc(), col("run_id").desc())))
        .filter(col("_rank").equalTo(1))
        .select("job", "run_id", "status", "started_at", "ended_at", "rows_in", "rows_out",
            "rows_set_aside", "counts", "input_snapshots", "output_snapshots", "message",
            "version", "spec_hash", "parameters");
    Map<String, Report.Stage> latestByJob = new LinkedHashMap<>();
    Map<String, Map<String, String>> parameters = new LinkedHashMap<>();
    for (Row r : latest.collectAsList()) {
      latestByJob.put(r.getString(0), stageOf(r));
      parameters.put(r.getString(0), r.isNullAt(14) ? Map.of()
          : new TreeMap<>(r.<String, String>getJavaMap(14)));
    }

    List<Report.Stage> stages = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Map<String, String> runIdByJob = new LinkedHashMap<>();
    List<String> cited = new ArrayList<>();
    Report.Stage ingestAll = null;
    for (String job : PIPELINE) {
      Report.Stage stage = latestByJob.get(job);
      if (stage == null) {
        missing.add(job);
        continue;
      }
      stages.add(stage);
      runIdByJob.put(job, stage.runId());
      if (job.equals(INGEST)) {
        ingestAll = ingestAllRuns(candidates.filter(col("job").equalTo(INGEST)));
        cited.addAll(ingestAll.summedRunIds());
      } else {
        cited.add(stage.runId());
      }
    }
    long considered = runsPerJob.values().stream().mapToLong(Long::longValue).sum();
    return new Picked(stages, ingestAll, missing, runIdByJob, cited, considered, parameters,
        List.copyOf(inProgress));
  }

  /** Sums every ingest run: the streaming job records one run per start, each with its own counts. */
  private static Report.Stage ingestAllRuns(Dataset<Row> ingestRuns) {
    Row sums = ingestRuns.agg(
        functions.sum("rows_in"), functions.sum("rows_out"), functions.sum("rows_set_aside"),
        functions.min("started_at"), functions.max("ended_at"),
        functions.max(statusSeverity()),
        functions.array_sort(functions.collect_list("run_id")),
        functions.count(lit(1))).first();
    Map<String, Long> counts = new TreeMap<>();
    Dataset<Row> summedCounts = ingestRuns
        .select(functions.explode(col("counts")).as(new String[] {"name", "value"}))
        .groupBy("name").agg(functions.sum("value"));
    for (Row r : summedCounts.collectAsList()) {
      counts.put(r.getString(0), r.isNullAt(1) ? 0L : r.getLong(1));
    }
    long in = sums.getLong(0);
    long out = sums.getLong(1);
    long aside = sums.getLong(2);
    List<String> runIds = sums.getList(6);
    long runs = sums.getLong(7);
    return new Report.Stage(Report.INGEST_ALL_RUNS, null, worstStatus(sums.getInt(5)),
        iso(sums.get(3)), iso(sums.get(4)), null, null, in, out, aside, in == out + aside, counts,
        Report.Snapshots.NONE,
        "sum of " + runs + " ingest run" + (runs == 1 ? "" : "s") + " since the ledger began",
        List.copyOf(runIds));
  }

  /**
   * 0 SUCCEEDED, 1 BLOCKED, 2 FAILED (ABANDONED and anything unknown count as failed): the sum is
   * as good as its worst run.
   */
  private static Column statusSeverity() {
    return functions.when(col("status").equalTo(RunStatus.SUCCEEDED.name()), 0)
        .when(col("status").equalTo(RunStatus.BLOCKED.name()), 1)
        .otherwise(2);
  }

  private static String worstStatus(int severity) {
    return switch (severity) {
      case 0 -> RunStatus.SUCCEEDED.name();
      case 1 -> RunStatus.BLOCKED.name();
      default -> RunStatus.FAILED.name();
    };
  }

  private static Report.Stage stageOf(Row r) {
    long in = r.getLong(5);
    long out = r.getLong(6);
    long aside = r.getLong(7);
    return new Report.Stage(r.getString(0), r.getString(1), r.getString(2), iso(r.get(3)),
        iso(r.get(4)), r.getString(12), r.isNullAt(13) ? null : r.getString(13), in, out, aside,
        in == out + aside, sorted(r, 8),
        new Report.Snapshots(sorted(r, 9), sorted(r, 10)),
        r.isNullAt(11) ? null : Redaction.mask(r.getString(11)), null);
  }

  private static Map<String, Long> sorted(Row r, int i) {
    return r.isNullAt(i) ? Map.of() : new TreeMap<>(r.<String, Long>getJavaMap(i));
  }

  /** Spark hands timestamps out as {@code Timestamp}, or {@code Instant} with the Java 8 time API on. */
  static String iso(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    throw new IllegalStateException("Expected a timestamp in governance.runs, got "
        + value.getClass().getName());
  }
}
