package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.ledger.RunRecord;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.Completeness;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.actions.Actions;
import org.apache.iceberg.util.SnapshotUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code carelake maintain}: table maintenance of raw.visits, raw.vitals and raw.dead_letters,
 * safe while ingestion runs.
 *
 * <ol>
 *   <li>compaction: small data files of a partition are rewritten into fewer files (Iceberg's
 *       Flink {@code RewriteDataFilesAction}, a local Flink batch job);
 *   <li>manifests are rewritten into one per partition spec;
 *   <li>snapshots older than {@code --retention-days} are expired, keeping the last
 *       {@code --retain-last} and always keeping the newest snapshot that holds
 *       {@code flink.max-committed-checkpoint-id} (a streaming job restoring from its checkpoint
 *       looks it up to skip what it already committed) and the newest that holds the
 *       completeness watermark.
 * </ol>
 *
 * <p>All three are Iceberg optimistic commits: a concurrent ingest commit makes them retry
 * ({@code commit.retry.*}); the raw tables are append-only, so a compaction never conflicts
 * with an ingest append. The run is recorded in governance.runs (job {@code maintain}); the
 * lifecycle is {@link JobRuntime}'s (the RUNNING row and lease first: two maintenance runs never
 * rewrite the same files at once).
 *
 * <p>Exit codes: 0 done, 1 failed, 2 usage/configuration.
 */
@Command(name = "maintain", mixinStandardHelpOptions = true,
    versionProvider = IngestJob.Versions.class,
    description = "Compacts small files, rewrites manifests and expires old snapshots of the raw"
        + " tables; safe while ingestion runs.")
public final class MaintainJob extends FlinkJob {

  public static final String JOB = "maintain";
  /** Summary key the Iceberg Flink committer writes with the last committed checkpoint. */
  public static final String MAX_COMMITTED_CHECKPOINT_ID = "flink.max-committed-checkpoint-id";
  static final List<TableName> TABLES =
      List.of(Tables.RAW_VISITS, Tables.RAW_VITALS, Tables.RAW_DEAD_LETTERS);

  @Option(names = "--retention-days", paramLabel = "DAYS", defaultValue = "7",
      description = "Expire snapshots older than this (default: ${DEFAULT-VALUE}).")
  int retentionDays;

  @Option(names = "--retain-last", paramLabel = "N", defaultValue = "5",
      description = "Always keep at least the last N snapshots (default: ${DEFAULT-VALUE}).")
  int retainLast;

  private IngestSettings settings;
  private Catalog catalog;
  private Run run;

  MaintainJob(PrintStream out) {
    super(JOB, out);
  }

  public static void main(String[] args) {
    System.exit(run(System.err, args));
  }

  static int run(PrintStream out, String... args) {
    return new MaintainJob(out).execute(args);
  }

  @Override
  public void checkOptions(CommandLine cli) {
    if (retentionDays < 0 || retainLast < 1) {
      throw new CommandLine.ParameterException(cli,
          "--retention-days must be >= 0 and --retain-last >= 1");
    }
  }

  @Override
  JobRuntime.Plan plan(CarelakeConfig cfg) {
    settings = IngestSettings.from(cfg);
    catalog = CatalogFactory.open(cfg);
    Duration lease = RunLedger.lease(cfg);
    run = Run.start(JOB, null)
        .parameter("retention-days", retentionDays)
        .parameter("retain-last", retainLast);
    return new JobRuntime.Plan(run, () -> new RunLedger(catalog, lease));
  }

  @Override
  public void run(Void engine, ActiveRun active) throws Exception {
    long rows = 0;
    for (TableName name : TABLES) {
      if (!catalog.tableExists(CatalogFactory.identifier(name))) {
        progress("%s: does not exist yet, skipped", name);
        continue;
      }
      Table table = catalog.loadTable(CatalogFactory.identifier(name));
      rows += maintain(name, table, settings, run);
      run.output(name.toString(), table.currentSnapshot() == null ? null
          : table.currentSnapshot().snapshotId());
    }
    // maintenance changes no rows: in = out
    run.rows(rows, rows, 0).requireReconciled();
  }

  @Override
  public String summary(RunRecord record) {
    return "[" + JOB + "] " + record.status() + " (run " + record.runId() + ")"
        + (record.message() == null ? "" : ": " + record.message());
  }

  /** Maintains one table; returns its row count (unchanged by maintenance). */
  private long maintain(TableName name, Table table, IngestSettings settings, Run run)
      throws Exception {
    table.refresh();
    if (table.currentSnapshot() == null) {
      progress("%s: no snapshot yet, nothing to do", name);
      return 0;
    }
    Stats before = Stats.of(table);
    String label = name.toString().replace("raw.", "");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        new Configuration());
    env.setParallelism(settings.parallelism());
    var rewrite = Actions.forTable(env, table).rewriteDataFiles().execute();
    table.refresh();
    progress("%s: compaction rewrote %d data file(s) into %d", name,
        rewrite.deletedDataFiles().size(), rewrite.addedDataFiles().size());

    int manifests = table.currentSnapshot().allManifests(table.io()).size();
    if (manifests > 1) {
      table.rewriteManifests().clusterBy(file -> file.specId()).commit();
      table.refresh();
    }

    int keep = retainLast;
    int checkpointDepth = depthOf(table, MAX_COMMITTED_CHECKPOINT_ID);
    int watermarkDepth = depthOf(table, Completeness.WATERMARK_MS);
    keep = Math.max(keep, Math.max(checkpointDepth, watermarkDepth) + 1);
    long olderThan = System.currentTimeMillis() - Duration.ofDays(retentionDays).toMillis();
    table.expireSnapshots().expireOlderThan(olderThan).retainLast(keep).commit();
    table.refresh();

    Stats after = Stats.of(table);
    if (after.records != before.records) {
      throw new IllegalStateException(name + ": row count changed from " + before.records
          + " to " + after.records + " during maintenance");
    }
    progress("%s: data files %d -> %d, manifests %d -> %d, snapshots %d -> %d, rows %d"
            + " (kept the last %d snapshots: checkpoint id at depth %d, watermark at depth %d)",
        name, before.dataFiles, after.dataFiles, before.manifests, after.manifests,
        before.snapshots, after.snapshots, after.records, keep, checkpointDepth, watermarkDepth);
    run.count(label + "_data_files_before", before.dataFiles)
        .count(label + "_data_files_after", after.dataFiles)
        .count(label + "_snapshots_before", before.snapshots)
        .count(label + "_snapshots_after", after.snapshots)
        .count(label + "_rows", after.records);
    return after.records;
  }

  /**
   * How many snapshots back from the current one the newest snapshot whose summary holds
   * {@code key} is (0 = the current snapshot), or -1 when none in the current lineage does.
   */
  static int depthOf(Table table, String key) {
    int depth = 0;
    for (Snapshot s : SnapshotUtil.ancestorsOf(table.currentSnapshot().snapshotId(),
        table::snapshot)) {
      if (s.summary() != null && s.summary().containsKey(key)) {
        return depth;
      }
      depth++;
    }
    return -1;
  }

  private record Stats(long dataFiles, long manifests, long snapshots, long records) {
    static Stats of(Table table) {
      Snapshot s = table.currentSnapshot();
      Map<String, String> summary = s.summary();
      int snapshots = 0;
      for (Snapshot ignored : table.snapshots()) {
        snapshots++;
      }
      return new Stats(
          Long.parseLong(summary.getOrDefault(SnapshotSummary.TOTAL_DATA_FILES_PROP, "0")),
          s.allManifests(table.io()).size(), snapshots,
          Long.parseLong(summary.getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0")));
    }
  }
}
