package io.carelake.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What an auditor reads for one data interval: the run picked for each pipeline stage with its
 * reconciliation, the table catalogue, the check results of the govern run and the evaluation results
 * of the evaluate run. Only metadata and aggregates: never a patient row or a column value.
 *
 * <p>This record is both the JSON document ({@code report.json}, component names in snake_case) and
 * the model of the HTML template, so that the two can never disagree.
 */
public record Report(
    String reportId,
    Period interval,
    String generatedAt,
    String carelakeVersion,
    String reportRunId,
    List<Stage> stages,
    List<String> missingStages,
    List<TableEntry> tables,
    List<Check> checks,
    List<Evaluation> evaluation,
    boolean reconciled) {

  /** The job name of the synthetic stage that sums every ingest run. */
  public static final String INGEST_ALL_RUNS = "ingest (all runs)";

  public Report {
    stages = List.copyOf(stages);
    missingStages = List.copyOf(missingStages);
    tables = List.copyOf(tables);
    checks = List.copyOf(checks);
    evaluation = List.copyOf(evaluation);
  }

  /**
   * True when there is at least one stage and every stage reconciles. A report with no stage at all
   * is not "reconciled": it has nothing to vouch for, and a green badge over an empty page misleads.
   */
  public static boolean reconciled(List<Stage> stages) {
    return !stages.isEmpty() && stages.stream().allMatch(Stage::reconciles);
  }

  /**
   * A report id that depends only on what the report cites: the interval and the ledger runs behind
   * its numbers. Rerunning the report without a new pipeline run rewrites the same directory; any new
   * run (a rerun of a stage, another ingest run) gives a new id, so an auditor's copy never changes
   * under them. Form: {@code 2025-03-01_2025-03-02-<12 hex of SHA-256 over the sorted run ids>}.
   */
  public static String idFor(Interval interval, java.util.Collection<String> citedRunIds) {
    String prefix = interval.start() + "_" + interval.end();
    if (citedRunIds.isEmpty()) {
      return prefix + "-no-runs";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String id : new TreeSet<>(citedRunIds)) {
        sha.update(id.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return prefix + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** The data interval {@code [start, end)}, as ISO days. */
  public record Period(String start, String end) {
    public static Period of(Interval interval) {
      return new Period(interval.start().toString(), interval.end().toString());
    }
  }

  /**
   * One stage's run from {@code governance.runs}. {@code summedRunIds} is set only on the
   * {@value #INGEST_ALL_RUNS} stage, whose numbers are the sums over those runs.
   */
  public record Stage(
      String job,
      String runId,
      String status,
      String startedAt,
      String endedAt,
      long rowsIn,
      long rowsOut,
      long rowsSetAside,
      boolean reconciles,
      Map<String, Long> counts,
      Map<String, Long> inputSnapshots,
      Map<String, Long> outputSnapshots,
      String message,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> summedRunIds) {

    /** Rows neither passed on nor set aside: zero when the stage reconciles. */
    public long unaccounted() {
      return rowsIn - rowsOut - rowsSetAside;
    }
  }

  /**
   * A table of the catalogue at the snapshot the report read. {@code rowsSource} says where the
   * count came from: {@code snapshot-summary} (Iceberg's {@code total-records}, no scan) or
   * {@code count} (a Spark count at that snapshot, when delete files make the summary overcount).
   */
  public record TableEntry(String table, long rows, Long snapshotId, String rowsSource) {}

  /** One row of {@code governance.check_results} for the govern run picked. */
  public record Check(
      String ruleId,
      String table,
      String column,
      String ruleType,
      String severity,
      String status,
      Long numerator,
      Long denominator,
      Double rate,
      Double threshold,
      String message,
      String specVersion,
      String specHash,
      Long inputSnapshotId) {}

  /** One row of {@code evaluation.results} for the evaluate run picked. */
  public record Evaluation(
      String runId,
      String iterationId,
      String split,
      String metric,
      Double value,
      Double ciLow,
      Double ciHigh,
      String ciMethod,
      Long n,
      Long nPositive,
      Long predictionsSnapshotId) {}
}
