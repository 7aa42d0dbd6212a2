package io.carelake.reports;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

import picocli.CommandLine.Option;

/**
 * {@code report}: the page standards auditors read for one data interval. Reads the ledger, the
 * table catalogue, the govern run's check results and the evaluate run's results; writes
 * {@code report.json} and {@code index.html} under {@code reports.dir}; prints
 * {@code report: <path of index.html>} as the last line on stdout. Each run writes a new
 * {@code <reports.dir>/<report_id>/} and replaces {@code <reports.dir>/latest/}. The report is
 * reconciled when every stage reconciles and the cross-stage checks ({@link CrossChecks}) hold.
 *
 * <p>Only metadata and aggregates reach the driver: ledger rows, snapshot summaries, counts and
 * result rows. No raw, curated or safe row is read, so no column value can reach a report.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the auditor report (HTML + JSON) for a data interval: per-stage "
        + "reconciliation from governance.runs, table row counts and snapshot ids, check results "
        + "and evaluation results.")
public final class ReportJob extends IntervalJob {

  @Option(names = "--require-reconciled",
      description = "Exit with code 3 (blocked) after writing the report when a stage does not "
          + "reconcile, so that a scheduler stops there.")
  boolean requireReconciled;

  public static void main(String[] args) {
    System.exit(JobMain.run(new ReportJob(), args));
  }

  @Override
  public String name() {
    return "report";
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();

    List<Report.TableEntry> tables = TableCatalogue.read(spark, ctx.icebergCatalog(),
        ctx.catalogName(), Tables.ALL);
    tables.forEach(t -> ctx.run().input(t.table(), t.snapshotId()));
    ctx.progress("catalogue: %d of %d tables exist", tables.size(), Tables.ALL.size());

    LedgerStages.Picked picked = readAt(spark, ctx, tables, Tables.GOVERNANCE_RUNS)
        .map(ledger -> LedgerStages.pick(ledger, interval))
        .orElseGet(LedgerStages::nothingRecorded);
    ctx.progress("ledger: %d runs considered, %d stages picked, missing: %s",
        picked.runsConsidered(), picked.stages().size(),
        picked.missingJobs().isEmpty() ? "none" : String.join(", ", picked.missingJobs()));

    String governRun = picked.runIdByJob().get("govern");
    List<Report.Check> checks = governRun == null ? List.of()
        : readAt(spark, ctx, tables, Tables.GOVERNANCE_CHECK_RESULTS)
            .map(df -> RunResults.checks(df, governRun)).orElse(List.of());
    String evaluateRun = picked.runIdByJob().get("evaluate");
    List<Report.Evaluation> evaluation = evaluateRun == null ? List.of()
        : readAt(spark, ctx, tables, Tables.EVALUATION_RESULTS)
            .map(df -> RunResults.evaluation(df, evaluateRun)).orElse(List.of());

    List<Report.CrossCheck> crossChecks = CrossChecks.compute(spark, ctx.icebergCatalog(),
        ctx.catalogName(), picked.stages(), interval);
    crossChecks.forEach(c -> ctx.progress("cross-check %s: expected %d, actual %d%s", c.check(),
        c.expected(), c.actual(), c.reconciles() ? "" : " — DOES NOT HOLD"));

    Instant generatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Report report = new Report(Report.idFor(interval, generatedAt, ctx.run().id()),
        Report.Period.of(interval), generatedAt.toString(), Version.CARELAKE, ctx.run().id(),
        Report.reconciled(picked.stages(), picked.ingestAllRuns(), crossChecks), picked.stages(),
        picked.ingestAllRuns(), picked.missingJobs(), crossChecks, tables, checks, evaluation);

    ReportFiles.Written written = ReportFiles.write(spark.sparkContext().hadoopConfiguration(),
        ctx.config().get(CarelakeConfig.REPORTS_DIR), report.reportId(),
        ReportJson.render(report), ReportHtml.render(report));

    // In: the ledger runs considered. Out: the runs the report cites (one per stage, every ingest
    // run in the ingest sum). Set aside: runs superseded by a later rerun of the same interval.
    long superseded = picked.runsConsidered() - picked.runsCited();
    ctx.run()
        .parameter("report_id", report.reportId())
        .parameter("report_path", written.display())
        .parameter("latest_path", written.latestIndexHtml().toString())
        .parameter("reconciled", report.reconciled())
        .count("runs_considered", picked.runsConsidered())
        .count("runs_cited", picked.runsCited())
        .count("runs_superseded", superseded)
        .count("stages_reported", report.stages().size())
        .count("stages_not_reconciled", report.stages().stream().filter(s -> !s.reconciles()).count())
        .count("stages_missing", report.missingStages().size())
        .count("cross_checks", crossChecks.size())
        .count("cross_checks_failed", crossChecks.stream().filter(c -> !c.reconciles()).count())
        .count("tables_reported", tables.size())
        .count("check_results", checks.size())
        .count("evaluation_results", evaluation.size())
        .rows(picked.runsConsidered(), picked.runsCited(), superseded)
        .requireReconciled();
    ctx.progress("report %s: %s", report.reportId(),
        report.reconciled() ? "reconciled (every stage and cross-stage check)" : "NOT reconciled");
    // Last line on stdout, for the launcher; everything else goes to stderr.
    System.out.println("report: " + written.display());
    System.out.flush();
    if (requireReconciled && !report.reconciled()) {
      throw new BlockedException("Report " + report.reportId() + " for " + interval
          + " does not reconcile: " + notReconciled(report) + " (see " + written.display() + ")");
    }
  }

  /**
   * A table at the snapshot listed in the catalogue, or empty when it does not exist or has no
   * data. Reading at that snapshot (not "current") makes every number cite the snapshot the page
   * shows, even when a job commits while the report runs.
   */
  private static Optional<Dataset<Row>> readAt(SparkSession spark, JobContext ctx,
      List<Report.TableEntry> tables, TableName name) {
    return tables.stream()
        .filter(t -> t.table().equals(name.toString()) && t.snapshotId() != null)
        .findFirst()
        .map(t -> spark.sql("SELECT * FROM " + ctx.table(name) + " VERSION AS OF "
            + t.snapshotId()));
  }

  private static String notReconciled(Report report) {
    if (report.stages().isEmpty()) {
      return "no pipeline run found in governance.runs for this interval";
    }
    List<String> why = new java.util.ArrayList<>();
    List<Report.Stage> all = new java.util.ArrayList<>(report.stages());
    if (report.ingestAllRuns() != null) {
      all.add(report.ingestAllRuns());
    }
    for (Report.Stage s : all) {
      if (!s.reconciles()) {
        why.add(String.format("%s run %s: %d in, %d out, %d set aside (%+d unaccounted)", s.job(),
            s.runId() == null ? "(sum)" : s.runId(), s.rowsIn(), s.rowsOut(), s.rowsSetAside(),
            s.unaccounted()));
      }
    }
    for (Report.CrossCheck c : report.crossChecks()) {
      if (!c.reconciles()) {
        why.add(String.format("%s: expected %d (%s), got %d (%s)", c.check(), c.expected(),
            c.expectedFrom(), c.actual(), c.actualFrom()));
      }
    }
    return String.join("; ", why);
  }
}
