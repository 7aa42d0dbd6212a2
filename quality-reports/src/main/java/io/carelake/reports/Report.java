package io.carelake.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    String reportSchema,
    String reportId,
    Period interval,
    String generatedAt,
    String carelakeVersion,
    String reportRunId,
    Verdict verdict,
    boolean reconciled,
    Scorecard scorecard,
    List<Check> checks,
    Trends trends,
    List<Stage> stages,
    @JsonInclude(JsonInclude.Include.ALWAYS) Stage ingestAllRuns,
    List<String> missingStages,
    List<CrossCheck> crossChecks,
    SetAside setAside,
    @JsonInclude(JsonInclude.Include.ALWAYS) Privacy privacy,
    Lineage lineage,
    ModelEvaluation modelEvaluation,
    ModelLineage modelLineage,
    ModelRegistryView modelRegistry,
    LanguageModels languageModels,
    Waivers.Outcome waivers,
    List<TableEntry> tables) {

  /**
   * The JSON Schema {@code report.json} follows (shipped in this module's jar); bumped when a
   * field is removed or changes meaning, not when one is added.
   */
  public static final String SCHEMA = "carelake/reports/report.schema.json#2";

  /** The job name of {@code ingest_all_runs}: the sum over every ingest run in the ledger. */
  public static final String INGEST_ALL_RUNS = "ingest (all runs)";

  public Report {
    stages = List.copyOf(stages);
    missingStages = List.copyOf(missingStages);
    crossChecks = List.copyOf(crossChecks);
    tables = List.copyOf(tables);
    checks = List.copyOf(checks);
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
    return Sha256.hex(text.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
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
   * One stage's run from {@code governance.runs}, with the carelake version that ran it and its
   * spec hash (govern: the specs; deidentify: the policy). {@code summedRunIds} is set only on
   * {@code ingest_all_runs}, whose numbers are the sums over those runs (job {@value #INGEST_ALL_RUNS}).
   * {@code message} is the ledger's message with identifier-like values masked ({@link Redaction}).
   */
  public record Stage(
      String job,
      String runId,
      String status,
      String startedAt,
      String endedAt,
      String version,
      String specHash,
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
   * One rule of the govern run picked (a row of {@code governance.check_results}), as the report
   * judges it. {@code measuredStatus} is what govern recorded; {@code status} is what the report
   * shows: the same, or {@code WAIVED} when a waiver in force accepts a FAIL or WARN (the
   * measurement, the waiver and its reason stay beside it). {@code message} is not the stored
   * message (which may quote a value) but one written from the rule's counts.
   *
   * @param change against the govern run before it (NEW, PERSISTING, RESOLVED; null: passing in
   *     both), as govern recorded it
   */
  public record Check(
      String ruleId,
      String table,
      String column,
      String ruleType,
      String severity,
      String status,
      String measuredStatus,
      Long numerator,
      Long denominator,
      Double rate,
      Double threshold,
      Long maxFailures,
      String message,
      String dimension,
      String indicator,
      String kahn,
      String clause,
      String rationale,
      String change,
      String specVersion,
      String specHash,
      Long inputSnapshotId,
      @JsonInclude(JsonInclude.Include.ALWAYS) Waivers.Applied waiver) {

    /** The same result with a waiver applied: status WAIVED, the measurement kept. */
    Check waivedBy(Waivers.Applied applied) {
      return new Check(ruleId, table, column, ruleType, severity, Waivers.WAIVED, measuredStatus,
          numerator, denominator, rate, threshold, maxFailures, message, dimension, indicator,
          kahn, clause, rationale, change, specVersion, specHash, inputSnapshotId, applied);
    }

    /** {@code NOT_APPLICABLE} as the page writes it. */
    public String statusLabel() {
      return status.replace('_', ' ');
    }
  }

  /**
   * The report's answer in one word, and why: {@code FAIL} (a rule failed or could not be
   * measured, a stage does not reconcile, did not succeed or was blocked), {@code WARN} (a rule
   * warns, a stage has no run), {@code PASS_WITH_WAIVERS}, {@code PASS}, or {@code NOT_ASSESSED}
   * (no govern run: nothing was judged). Reasons are ordered: failures, then warnings, then
   * waivers.
   */
  public record Verdict(String status, List<String> reasons) {
    public Verdict {
      reasons = List.copyOf(reasons);
    }

    public String label() {
      return status.replace('_', ' ');
    }

    /**
     * Decides the verdict from what the report holds. Every reason names the rule, stage or check
     * and its numbers, so that the header alone tells an auditor what to look at.
     */
    static Verdict decide(List<Check> checks, boolean reconciled, List<Stage> stages,
        List<String> missingStages, Privacy privacy, String notReconciled) {
      return decide(checks, reconciled, stages, missingStages, privacy, notReconciled, List.of());
    }

    /**
     * As above, with the runs of reported stages still RUNNING in the ledger: a stage of the
     * interval still running makes the report provisional (a warning: its numbers may change); a
     * running ingest (a streaming job runs for good) is only noted, after everything else.
     */
    static Verdict decide(List<Check> checks, boolean reconciled, List<Stage> stages,
        List<String> missingStages, Privacy privacy, String notReconciled,
        List<LedgerStages.InProgress> inProgress) {
      List<String> failures = new java.util.ArrayList<>();
      List<String> warnings = new java.util.ArrayList<>();
      List<String> waived = new java.util.ArrayList<>();
      for (Check c : checks) {
        switch (c.status()) {
          case "FAIL" -> failures.add("rule " + c.ruleId() + " failed on " + c.table() + ": "
              + c.message());
          case "ERROR" -> failures.add("rule " + c.ruleId() + " on " + c.table()
              + " could not be measured (ERROR)");
          case "WARN" -> warnings.add("rule " + c.ruleId() + " warns on " + c.table() + ": "
              + c.message());
          case Waivers.WAIVED -> waived.add("rule " + c.ruleId() + " " + c.measuredStatus()
              + " waived until " + c.waiver().expires() + " by " + c.waiver().approver());
          default -> { }
        }
      }
      if (!stages.isEmpty() && !reconciled) {
        failures.add("rows do not reconcile: " + notReconciled);
      }
      for (Stage s : stages) {
        if (!"SUCCEEDED".equals(s.status())) {
          failures.add(s.job() + " run " + s.runId() + " ended " + s.status()
              + (s.message() == null ? "" : ": " + s.message()));
        }
      }
      if (privacy != null && "BLOCKED".equals(privacy.releaseStatus())) {
        failures.add("the de-identified release was blocked by the privacy gate (run "
            + privacy.deidentifyRunId() + ")");
      }
      missingStages.forEach(j -> warnings.add("no " + j + " run for this interval"));
      List<String> notes = new java.util.ArrayList<>();
      for (LedgerStages.InProgress r : inProgress) {
        String running = r.job() + " run " + r.runId() + " (started " + r.startedAt()
            + ") is still RUNNING in governance.runs: ";
        if (LedgerStages.INGEST.equals(r.job())) {
          notes.add(running + "the ingest figures are those of its ended runs");
        } else {
          warnings.add(running + "this report shows the last ended " + r.job()
              + " run; rerun the report when it has ended");
        }
      }
      List<String> reasons = new java.util.ArrayList<>(failures);
      reasons.addAll(warnings);
      reasons.addAll(waived);
      boolean governed = stages.stream().anyMatch(s -> "govern".equals(s.job()));
      String status;
      if (!failures.isEmpty()) {
        status = "FAIL";
      } else if (!governed || checks.isEmpty()) {
        status = "NOT_ASSESSED";
        reasons.add(0, "no govern run with check results for this interval: no rule was judged");
      } else if (!warnings.isEmpty()) {
        status = "WARN";
      } else if (!waived.isEmpty()) {
        status = "PASS_WITH_WAIVERS";
      } else {
        status = "PASS";
        long passed = checks.stream().filter(c -> "PASS".equals(c.status())).count();
        reasons.add(passed + " of " + checks.size() + " rules passed ("
            + (checks.size() - passed) + " not applicable); every stage reconciles");
      }
      reasons.addAll(notes);
      return new Verdict(status, reasons);
    }
  }
}
