package io.carelake.reports;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IntervalJob;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: the page standards auditors read for one data interval. Leads with a verdict
 * and a scorecard by GB/T 36344-2018 dimension and Kahn category, then every rule, trends over
 * the last govern runs, the reconciliation of every stage, what was set aside, the privacy of the
 * release, the lineage of every output back to raw, and the model evaluation in TRIPOD+AI order.
 * Writes {@code report.json} (validated against {@value ReportSchema#RESOURCE} first) and
 * {@code index.html} (and with {@code --pdf} a {@code report.pdf} printed by headless Chromium)
 * under {@code reports.dir}; records their SHA-256 in the run's ledger parameters; prints
 * {@code report: <path of index.html>} as the last line on stdout. Each run writes a new
 * {@code <reports.dir>/<report_id>/} and replaces {@code <reports.dir>/latest/}.
 *
 * <p>Only metadata and aggregates reach the driver: ledger rows, snapshot summaries, check,
 * metric and privacy rows, counts per rule or error code with hashed keys. No column value of a
 * raw, curated or safe row can reach a report.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the auditor report (HTML + JSON, optionally PDF) for a data interval:"
        + " verdict and GB/T 36344 / Kahn scorecard, every rule, trends, per-stage"
        + " reconciliation, set-aside detail, privacy, lineage, model evaluation, waivers.")
public final class ReportJob extends IntervalJob {

  /** Config key: the waiver file (YAML); empty for none. {@code --waivers} overrides it. */
  public static final String WAIVERS_FILE_KEY = "reports.waivers-file";
  public static final String WAIVERS_FILE_DEFAULT = "";
  /** Config key: how many govern runs the trends show. {@code --trend-runs} overrides it. */
  public static final String TREND_RUNS_KEY = "reports.trend-runs";
  public static final String TREND_RUNS_DEFAULT = "14";
  /** Config key: also print the page to report.pdf with headless Chromium. */
  public static final String PDF_KEY = "reports.pdf";
  public static final String PDF_DEFAULT = "false";

  @Option(names = "--require-reconciled",
      description = "Exit with code 3 (blocked) after writing the report when a stage does not "
          + "reconcile, so that a scheduler stops there.")
  boolean requireReconciled;

  @Option(names = "--waivers", paramLabel = "FILE",
      description = "Waiver file (YAML: rule, scope, approver, reason, expires); a waiver in "
          + "force shows a FAIL or WARN as WAIVED with its reason. Default: config "
          + WAIVERS_FILE_KEY + " (none).")
  String waiversFile;

  @Option(names = "--trend-runs", paramLabel = "N",
      description = "Govern runs the trends show, up to this interval (default: config "
          + TREND_RUNS_KEY + ", " + TREND_RUNS_DEFAULT + ").")
  Integer trendRuns;

  @Option(names = "--pdf", description = "Also write report.pdf, the same page printed by "
      + "headless Chromium (bin/setup chromium installs it; config " + Chromium.CHROMIUM_KEY
      + " names another binary). Default: config " + PDF_KEY + ".")
  boolean pdf;

  /** The waiver file, read and checked by {@link #validate} before Spark starts. */
  private Waivers waivers = Waivers.none();
  private String waiversSource;

  public static void main(String[] args) {
    System.exit(JobMain.run(new ReportJob(), args));
  }

  /** The waiver file: a missing or wrong one exits 2 before Spark starts, naming each line. */
  @Override
  public void validate(io.carelake.core.config.CarelakeConfig config) throws java.io.IOException {
    String file = waiversFile != null ? waiversFile
        : config.get(WAIVERS_FILE_KEY, WAIVERS_FILE_DEFAULT).strip();
    if (!file.isEmpty()) {
      waivers = readWaivers(file);
      waiversSource = file;
    }
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    int runs = trendRuns(ctx);
    boolean printPdf = pdf || Boolean.parseBoolean(ctx.config().get(PDF_KEY, PDF_DEFAULT).strip());
    // the waiver file (read by validate) and the browser are checked before any table is read
    if (waiversSource != null) {
      ctx.progress("waivers: %d in %s", waivers.waivers().size(), waiversSource);
    }
    Chromium chromium = printPdf ? Chromium.locate(ctx.config().get(Chromium.CHROMIUM_KEY,
        Chromium.CHROMIUM_DEFAULT)) : null;
    Instant generatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    List<Report.TableEntry> tables = TableCatalogue.read(spark, ctx.icebergCatalog(),
        ctx.catalogName(), Tables.ALL);
    tables.forEach(t -> ctx.run().input(t.table(), t.snapshotId()));
    ctx.progress("catalogue: %d of %d tables exist", tables.size(), Tables.ALL.size());

    Optional<Dataset<Row>> ledger = readAt(spark, ctx, tables, Tables.GOVERNANCE_RUNS);
    LedgerStages.Picked picked = ledger.map(l -> LedgerStages.pick(l, interval))
        .orElseGet(LedgerStages::nothingRecorded);
    ctx.progress("ledger: %d runs considered, %d stages picked, missing: %s%s",
        picked.runsConsidered(), picked.stages().size(),
        picked.missingJobs().isEmpty() ? "none" : String.join(", ", picked.missingJobs()),
        picked.inProgress().isEmpty() ? "" : "; still running (not reported): " + picked
            .inProgress().stream().map(r -> r.job() + " " + r.runId()).toList());

    String governRun = picked.runIdByJob().get("govern");
    Optional<Dataset<Row>> checkResults = readAt(spark, ctx, tables,
        Tables.GOVERNANCE_CHECK_RESULTS);
    List<Report.Check> measured = governRun == null ? List.of()
        : checkResults.map(df -> RunResults.checks(df, governRun)).orElse(List.of());
    Waivers.Result judged = waivers.apply(measured, interval,
        LocalDate.ofInstant(generatedAt, ZoneOffset.UTC));
    List<Report.Check> checks = judged.checks();
    Scorecard scorecard = Scorecard.of(checks);
    Trends trends = ledger.map(l -> Trends.read(l, checkResults, interval, runs))
        .orElseGet(() -> Trends.none(runs));
    ctx.progress("checks: %d rules of govern run %s (%d waived); trends over %d govern runs",
        checks.size(), governRun, judged.outcome().count("APPLIED"), trends.runs().size());

    List<Report.CrossCheck> crossChecks = CrossChecks.compute(spark, ctx.icebergCatalog(),
        ctx.catalogName(), picked.stages(), interval);
    crossChecks.forEach(c -> ctx.progress("cross-check %s: expected %d, actual %d%s", c.check(),
        c.expected(), c.actual(), c.reconciles() ? "" : " — DOES NOT HOLD"));

    Map<String, Dataset<Row>> quarantines = new LinkedHashMap<>();
    for (TableName q : List.of(Tables.QUARANTINE_VISITS, Tables.QUARANTINE_VITALS)) {
      readAt(spark, ctx, tables, q).ifPresent(df -> quarantines.put(q.toString(), df));
    }
    SetAside setAside = SetAside.read(quarantines,
        readAt(spark, ctx, tables, Tables.RAW_DEAD_LETTERS), governRun, interval);
    Report.Stage deidentify = stage(picked, "deidentify");
    Privacy privacy = deidentify == null ? null : Privacy.read(
        readAt(spark, ctx, tables, Tables.GOVERNANCE_PRIVACY_RESULTS),
        readAt(spark, ctx, tables, Tables.GOVERNANCE_PSEUDONYM_KEYS), deidentify,
        picked.parameters("deidentify"));
    Lineage lineage = ledger.map(l -> Lineage.of(Lineage.hops(l.filter(col("run_id")
            .isin(picked.stages().stream().map(Report.Stage::runId).toArray()))),
        Lineage.ledger(l, ctx.icebergCatalog()))).orElseGet(() -> Lineage.of(List.of(), null));
    String evaluateRun = picked.runIdByJob().get("evaluate");
    ModelEvaluation evaluation = ModelEvaluation.read(new ModelEvaluation.Sources(
        readAt(spark, ctx, tables, Tables.EVALUATION_RESULTS),
        readAt(spark, ctx, tables, Tables.EVALUATION_CURVES),
        readAt(spark, ctx, tables, Tables.EVALUATION_SUBGROUP_GAPS),
        readAt(spark, ctx, tables, Tables.EVALUATION_COMPARISONS),
        readAt(spark, ctx, tables, Tables.EVALUATION_GATE_DECISIONS),
        readAt(spark, ctx, tables, Tables.MODELS_ITERATIONS)), evaluateRun,
        picked.parameters("evaluate"));

    ModelRegistryView registry = ModelRegistryView.read(
        readAt(spark, ctx, tables, Tables.MODELS_REGISTRY),
        readAt(spark, ctx, tables, Tables.EVALUATION_GATE_DECISIONS));
    ModelLineage modelLineage = modelLineage(spark, ctx, tables, ledger, evaluation, registry);
    LanguageModels languageModels = LanguageModels.read(
        readAt(spark, ctx, tables, Tables.EVALUATION_LM_RESULTS),
        readAt(spark, ctx, tables, Tables.EVALUATION_LM_COMPARISONS),
        readAt(spark, ctx, tables, Tables.DATASETS_ITEM_CONTAMINATION));
    ctx.progress("models: %d iterations traced (%d complete back to raw), %d registry aliases,"
        + " %d language-model results", modelLineage.iterations().size(),
        modelLineage.iterations().stream().filter(ModelLineage.IterationChain::complete).count(),
        registry.current().size(), languageModels.results().size());

    boolean reconciled = Report.reconciled(picked.stages(), picked.ingestAllRuns(), crossChecks);
    Report.Verdict verdict = Report.Verdict.decide(checks, reconciled, picked.stages(),
        picked.missingJobs(), privacy, notReconciled(picked.stages(), picked.ingestAllRuns(),
            crossChecks), picked.inProgress());
    Report report = new Report(Report.SCHEMA, Report.idFor(interval, generatedAt, ctx.run().id()),
        Report.Period.of(interval), generatedAt.toString(), Version.CARELAKE, ctx.run().id(),
        verdict, reconciled, scorecard, checks, trends, picked.stages(), picked.ingestAllRuns(),
        picked.missingJobs(), crossChecks, setAside, privacy, lineage, evaluation,
        modelLineage, registry, languageModels, judged.outcome(), tables);

    byte[] json = ReportJson.render(report);
    ReportSchema.require(json, report.reportId());
    String jsonSha = Sha256.hex(json);
    byte[] html = ReportHtml.render(report, jsonSha);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(ReportFiles.JSON, json);
    files.put(ReportFiles.HTML, html);
    if (chromium != null) {
      ctx.progress("printing the page to PDF with %s", chromium.binary());
      files.put(ReportFiles.PDF, chromium.printToPdf(html));
    }
    ReportFiles.Written written = ReportFiles.write(spark.sparkContext().hadoopConfiguration(),
        ctx.config().get(CarelakeConfig.REPORTS_DIR), report.reportId(), files);

    // In: the ledger runs considered. Out: the runs the report cites (one per stage, every ingest
    // run in the ingest sum). Set aside: runs superseded by a later rerun of the same interval.
    long superseded = picked.runsConsidered() - picked.runsCited();
    ctx.run()
        .parameter("report_id", report.reportId())
        .parameter("report_path", written.display())
        .parameter("latest_path", written.latestIndexHtml().toString())
        .parameter("reconciled", report.reconciled())
        .parameter("verdict", verdict.status())
        .parameter("report_json_sha256", jsonSha)
        .parameter("index_html_sha256", Sha256.hex(html));
    if (files.containsKey(ReportFiles.PDF)) {
      ctx.run().parameter("report_pdf_sha256", Sha256.hex(files.get(ReportFiles.PDF)));
    }
    if (judged.outcome().source() != null) {
      ctx.run().parameter("waivers_file", judged.outcome().source())
          .parameter("waivers_sha256", judged.outcome().sha256());
    }
    ctx.run()
        .count("runs_considered", picked.runsConsidered())
        .count("runs_cited", picked.runsCited())
        .count("runs_superseded", superseded)
        .count("runs_in_progress", picked.inProgress().size())
        .count("stages_reported", report.stages().size())
        .count("stages_not_reconciled", report.stages().stream().filter(s -> !s.reconciles()).count())
        .count("stages_missing", report.missingStages().size())
        .count("cross_checks", crossChecks.size())
        .count("cross_checks_failed", crossChecks.stream().filter(c -> !c.reconciles()).count())
        .count("tables_reported", tables.size())
        .count("check_results", checks.size())
        .count("waivers_applied", judged.outcome().count("APPLIED"))
        .count("waivers_expired", judged.outcome().count("EXPIRED"))
        .count("trend_runs", trends.runs().size())
        .count("lineage_runs", lineage.runs().size())
        .count("evaluation_results", evaluation.metrics().size())
        .count("evaluation_subgroup_rows", evaluation.subgroups().size())
        .count("evaluation_gate_decisions", evaluation.gates().size())
        .count("model_iterations_traced", modelLineage.iterations().size())
        .count("model_iterations_unresolved", modelLineage.iterations().stream()
            .filter(i -> !i.complete()).count())
        .count("registry_moves", registry.history().size())
        .count("lm_results", languageModels.results().size())
        .rows(picked.runsConsidered(), picked.runsCited(), superseded)
        .requireReconciled();
    ctx.progress("report %s: verdict %s; %s", report.reportId(), verdict.status(),
        report.reconciled() ? "reconciled (every stage and cross-stage check)" : "NOT reconciled");
    // Last line on stdout, for the launcher; everything else goes to stderr.
    System.out.println("report: " + written.display());
    System.out.flush();
    if (requireReconciled && !report.reconciled()) {
      throw new BlockedException("Report " + report.reportId() + " for " + interval
          + " does not reconcile: " + notReconciled(report.stages(), report.ingestAllRuns(),
              report.crossChecks()) + " (see " + written.display() + ")");
    }
  }

  /**
   * The chains of every model iteration the report names: those the evaluate run measured, then
   * those the registry points at or pointed at.
   */
  private static ModelLineage modelLineage(SparkSession spark, JobContext ctx,
      List<Report.TableEntry> tables, Optional<Dataset<Row>> ledger, ModelEvaluation evaluation,
      ModelRegistryView registry) {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    evaluation.metrics().forEach(m -> ids.add(m.iterationId()));
    ids.addAll(registry.iterationIds());
    if (ids.isEmpty() || ledger.isEmpty()) {
      return ModelLineage.none();
    }
    List<String> list = List.copyOf(ids);
    Map<String, ModelLineage.IterationRow> iterations = ModelLineage.iterationRows(
        readAt(spark, ctx, tables, Tables.MODELS_ITERATIONS), list);
    Map<String, ModelLineage.DatasetRow> datasets = ModelLineage.datasetRows(
        readAt(spark, ctx, tables, Tables.DATASETS_RISK_REGISTRY), iterations.values().stream()
            .map(ModelLineage.IterationRow::datasetId).filter(java.util.Objects::nonNull)
            .distinct().toList());
    return ModelLineage.of(list, iterations, datasets, ModelLineage.runs(ledger.get()));
  }

  private int trendRuns(JobContext ctx) {
    String text = trendRuns != null ? trendRuns.toString()
        : ctx.config().get(TREND_RUNS_KEY, TREND_RUNS_DEFAULT).strip();
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 1000) {
      throw new ConfigException((trendRuns != null ? "--trend-runs" : "Configuration key '"
          + TREND_RUNS_KEY + "' in " + ctx.config().file()) + " must be a whole number of govern"
          + " runs from 1 to 1000, got '" + text + "'");
    }
    return n;
  }

  /**
   * The waiver file named by --waivers or the config, read through Hadoop's FileSystem (a local
   * path or any file system the Hadoop configuration on the classpath reaches, such as HDFS).
   */
  private Waivers readWaivers(String file) throws java.io.IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
    try (org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.newInstance(
        path.toUri(), new org.apache.hadoop.conf.Configuration())) {
      if (!fs.exists(path)) {
        throw new ConfigException("The waiver file " + file + " (" + (waiversFile != null
            ? "--waivers" : WAIVERS_FILE_KEY) + ") does not exist; give an existing YAML file or"
            + " leave it out");
      }
      byte[] bytes;
      try (java.io.InputStream in = fs.open(path)) {
        bytes = in.readAllBytes();
      }
      return Waivers.parse(file, bytes);
    }
  }

  private static Report.Stage stage(LedgerStages.Picked picked, String job) {
    return picked.stages().stream().filter(s -> job.equals(s.job())).findFirst().orElse(null);
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

  static String notReconciled(List<Report.Stage> stages, Report.Stage ingestAllRuns,
      List<Report.CrossCheck> crossChecks) {
    if (stages.isEmpty()) {
      return "no pipeline run found in governance.runs for this interval";
    }
    List<String> why = new java.util.ArrayList<>();
    List<Report.Stage> all = new java.util.ArrayList<>(stages);
    if (ingestAllRuns != null) {
      all.add(ingestAllRuns);
    }
    for (Report.Stage s : all) {
      if (!s.reconciles()) {
        why.add(String.format("%s run %s: %d in, %d out, %d set aside (%+d unaccounted)", s.job(),
            s.runId() == null ? "(sum)" : s.runId(), s.rowsIn(), s.rowsOut(), s.rowsSetAside(),
            s.unaccounted()));
      }
    }
    for (Report.CrossCheck c : crossChecks) {
      if (!c.reconciles()) {
        why.add(String.format("%s: expected %d (%s), got %d (%s)", c.check(), c.expected(),
            c.expectedFrom(), c.actual(), c.actualFrom()));
      }
    }
    return String.join("; ", why);
  }
}
