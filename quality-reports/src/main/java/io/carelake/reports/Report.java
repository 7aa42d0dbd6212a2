package io.carelake.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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
    boolean reconciled,
    List<Stage> stages,
    @JsonInclude(JsonInclude.Include.ALWAYS) Stage ingestAllRuns,
    List<String> missingStages,
    List<CrossCheck> crossChecks,
    List<TableEntry> tables,
    List<Check> checks,
    List<Evaluation> evaluation) {

  /** The job name of {@code ingest_all_runs}: the sum over every ingest run in the ledger. */
  public static final String INGEST_ALL_RUNS = "ingest (all runs)";

  public Report {
    stages = List.copyOf(stages);
    missingStages = List.copyOf(missingStages);
    crossChecks = List.copyOf(crossChecks);
    tables = List.copyOf(tables);
    checks = List.copyOf(checks);
    evaluation = List.copyOf(evaluation);
  }

  /**
   * True when there is at least one stage, every stage (and the sum of all ingest runs) reconciles,
   * and every cross-stage check holds. A report with no stage at all is not "reconciled": it has
   * nothing to vouch for, and a green badge over an empty page misleads.
   */
  public static boolean reconciled(List<Stage> stages, Stage ingestAllRuns,
      List<CrossCheck> crossChecks) {
    return !stages.isEmpty() && stages.stream().allMatch(Stage::reconciles)
        && (ingestAllRuns == null || ingestAllRuns.reconciles())
        && crossChecks.stream().allMatch(CrossCheck::reconciles);
  }

  /** Stages whose picked run did not succeed, as {@code train (FAILED)}: shown beside the badge. */
  public List<String> unsuccessfulStages() {
    return stages.stream().filter(s -> !"SUCCEEDED".equals(s.status()))
        .map(s -> s.job() + " (" + s.status() + ")").toList();
  }

  /** The rows of the stage table: the stages in pipeline order, the ingest sum right after ingest. */
  public List<Stage> stageRows() {
    List<Stage> rows = new java.util.ArrayList<>();
    for (Stage s : stages) {
      rows.add(s);
      if (ingestAllRuns != null && "ingest".equals(s.job())) {
        rows.add(ingestAllRuns);
      }
    }
    return rows;
  }

  /**
   * A new id for every report run, so that a rerun never overwrites a report an auditor may hold:
   * {@code 2025-03-01_2025-03-02-20250303T010203Z-1a2b3c4d} (interval, generation time in UTC, and
   * the first 8 hex digits of the report run's UUID to separate two runs in the same second).
   */
  public static String idFor(Interval interval, Instant generatedAt, String reportRunId) {
    java.util.regex.Matcher uuid = RUN_UUID.matcher(reportRunId == null ? "" : reportRunId);
    String suffix = uuid.find() ? uuid.group(1).toLowerCase(java.util.Locale.ROOT)
        : sha8(String.valueOf(reportRunId));
    return interval.start() + "_" + interval.end() + "-" + ID_TIME.format(generatedAt) + "-"
        + suffix;
  }

  /** Run ids are {@code <job>-<uuid>}: the first group of the UUID. */
  private static final java.util.regex.Pattern RUN_UUID = java.util.regex.Pattern.compile(
      "([0-9a-fA-F]{8})-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static String sha8(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /**
   * A check across two stages (or a stage and a table): {@code actual} must equal
   * {@code expected}. E.g. govern's rows in = the raw rows of the interval at the snapshots govern
   * read; deidentify's rows in = govern's rows out.
   */
  public record CrossCheck(
      String check,
      String expectedFrom,
      long expected,
      String actualFrom,
      long actual,
      boolean reconciles,
      Map<String, Long> snapshots,
      String note) {

    public static CrossCheck of(String check, String expectedFrom, long expected,
        String actualFrom, long actual, Map<String, Long> snapshots, String note) {
      return new CrossCheck(check, expectedFrom, expected, actualFrom, actual, expected == actual,
          snapshots, note);
    }

    /** actual - expected: zero when the check holds. */
    public long difference() {
      return actual - expected;
    }
  }

  /** The data interval {@code [start, end)}, as ISO days. */
  public record Period(String start, String end) {
    public static Period of(Interval interval) {
      return new Period(interval.start().toString(), interval.end().toString());
    }
  }

  /**
   * One stage's run from {@code governance.runs}. {@code summedRunIds} is set only on
   * {@code ingest_all_runs}, whose numbers are the sums over those runs (job {@value #INGEST_ALL_RUNS}).
   * {@code message} is the ledger's message with identifier-like values masked ({@link Redaction}).
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
      Snapshots snapshots,
      String message,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> summedRunIds) {

    /** Rows neither passed on nor set aside: zero when the stage reconciles. */
    public long unaccounted() {
      return rowsIn - rowsOut - rowsSetAside;
    }
  }

  /** The snapshot ids a run read ({@code inputs}) and wrote ({@code outputs}), by table. */
  public record Snapshots(Map<String, Long> inputs, Map<String, Long> outputs) {
    public static final Snapshots NONE = new Snapshots(Map.of(), Map.of());
  }

  /**
   * A table of the catalogue at the snapshot the report read. {@code rowsSource} says where the
   * count came from: {@code snapshot-summary} (Iceberg's {@code total-records}, no scan) or
   * {@code count} (a Spark count at that snapshot, when delete files make the summary overcount).
   */
  public record TableEntry(String table, long rows, Long snapshotId, String rowsSource) {}

  /**
   * One row of {@code governance.check_results} for the govern run picked. {@code message} is not
   * the stored message (which may quote a value) but one written from the rule's counts.
   */
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

  /**
   * One row of {@code evaluation.results} for the evaluate run picked; {@code ciLevel} is the level
   * the run recorded (null for rows written before evaluate recorded it).
   */
  public record Evaluation(
      String runId,
      String iterationId,
      String outcome,
      String split,
      String metric,
      Double value,
      Double ciLow,
      Double ciHigh,
      String ciMethod,
      Double ciLevel,
      Long n,
      Long nPositive,
      Long predictionsSnapshotId) {}
}
