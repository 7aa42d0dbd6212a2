package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.jobs.Tool;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.Completeness;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.SnapshotCounts;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code carelake ingest status}: the ingest counters of the last bounded runs (from
 * {@code governance.runs}), the consumer group's lag per partition (committed vs end offsets,
 * read through the Kafka admin API, so no consumer joins the group), the time since the last
 * commit of the ingest job to each raw table and the completeness watermark.
 *
 * <p>Runs on {@link Tool}. Exit codes ({@link JobExit}): 0 printed, 1 Kafka unreachable (or
 * another failure), 2 usage or configuration (a bad option, a home whose configuration or
 * catalog settings do not load), before Kafka is asked anything.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    versionProvider = IngestJob.Versions.class,
    description = "Prints ingest counters of the last runs, consumer lag, time since the last raw"
        + " commit and the completeness watermark.")
public final class IngestStatus extends Tool {

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
      description = "How many of the last ingest runs to show (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--kafka-timeout-ms", paramLabel = "MS", defaultValue = "15000",
      description = "How long to wait for Kafka before giving up (default: ${DEFAULT-VALUE}).")
  long kafkaTimeoutMs;

  private IngestSettings settings;
  private Catalog catalog;

  IngestStatus(PrintStream out) {
    super("ingest status", out, out);
  }

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  static int run(PrintStream out, String... args) {
    return new IngestStatus(out).execute(args);
  }

  @Override
  public void checkOptions(CommandLine cli) {
    if (runs < 0 || kafkaTimeoutMs < 1) {
      throw new CommandLine.ParameterException(cli,
          "--runs must be >= 0 and --kafka-timeout-ms >= 1");
    }
  }

  /** The configuration, the ingest settings and the catalog: a failure is exit 2. */
  @Override
  protected void check() {
    EngineLogging.configure(verbose);
    CarelakeConfig cfg = configOptions.resolve();
    settings = IngestSettings.from(cfg);
    catalog = CatalogFactory.open(cfg);
  }

  @Override
  protected JobExit call() {
    printRuns(catalog);
    printTables(catalog);
    return printLag(settings);
  }

  private void printRuns(Catalog catalog) {
    List<Record> ingestRuns = new ArrayList<>();
    if (catalog.tableExists(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS))) {
      Table table = catalog.loadTable(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS));
      try (CloseableIterable<Record> it = IcebergGenerics.read(table)
          .where(org.apache.iceberg.expressions.Expressions.equal("job", IngestJob.JOB)).build()) {
        it.forEach(r -> {
          if (IngestJob.JOB.equals(r.getField("job"))) {
            ingestRuns.add(r.copy());
          }
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    ingestRuns.sort(Comparator.comparing(
        (Record r) -> (OffsetDateTime) r.getField("started_at")).reversed());
    out.printf(Locale.ROOT, "last ingest runs (%d of %d, newest first):%n",
        Math.min(runs, ingestRuns.size()), ingestRuns.size());
    if (ingestRuns.isEmpty()) {
      out.println("  none recorded in " + Tables.GOVERNANCE_RUNS);
    }
    for (Record r : ingestRuns.subList(0, Math.min(runs, ingestRuns.size()))) {
      @SuppressWarnings("unchecked")
      Map<String, Long> c = r.getField("counts") == null ? Map.of()
          : (Map<String, Long>) r.getField("counts");
      out.printf(Locale.ROOT,
          "  %s %-9s consumed=%d written=%d (visits=%d vitals=%d) dead_lettered=%d"
              + " duplicates=%d late=%d run=%s%n",
          r.getField("started_at"), r.getField("status"), c.getOrDefault("consumed", 0L),
          c.getOrDefault("visits", 0L) + c.getOrDefault("vitals", 0L),
          c.getOrDefault("visits", 0L), c.getOrDefault("vitals", 0L),
          c.getOrDefault("dead_letters", 0L), c.getOrDefault("duplicates", 0L),
          c.getOrDefault("late_events", 0L), r.getField("run_id"));
    }
  }

  private void printTables(Catalog catalog) {
    out.println("raw tables:");
    Instant now = Instant.now();
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS, Tables.RAW_DEAD_LETTERS)) {
      if (!catalog.tableExists(CatalogFactory.identifier(name))) {
        out.printf(Locale.ROOT, "  %-17s not created yet (no ingest run)%n", name);
        continue;
      }
      Table table = catalog.loadTable(CatalogFactory.identifier(name));
      Optional<Snapshot> last = lastIngestCommit(table);
      String commit = last.map(s -> {
        Instant at = Instant.ofEpochMilli(s.timestampMillis());
        return "last commit " + at + " (" + age(Duration.between(at, now)) + " ago, snapshot "
            + s.snapshotId() + ")";
      }).orElse("no commit by the ingest job yet");
      String watermark = name.equals(Tables.RAW_DEAD_LETTERS) ? ""
          : Completeness.latest(table).map(w -> ", watermark " + w.watermark() + " ("
              + w.lateEvents() + " late event(s) in its run)").orElse(", no watermark yet");
      out.printf(Locale.ROOT, "  %-17s %s%s%n", name, commit, watermark);
    }
  }

  /** The newest snapshot in the current lineage committed by the ingest job's Flink sink. */
  static Optional<Snapshot> lastIngestCommit(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return Optional.empty();
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      if (s.summary() != null && s.summary().containsKey(SnapshotCounts.FLINK_JOB_ID)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private JobExit printLag(IngestSettings settings) {
    Properties props = settings.adminProperties();
    String timeout = Long.toString(kafkaTimeoutMs);
    props.put("default.api.timeout.ms", timeout);
    props.put("request.timeout.ms", timeout);
    props.put("socket.connection.setup.timeout.max.ms", timeout);
    props.put("client.id", "carelake-ingest-status");
    Map<TopicPartition, Long> end;
    Map<TopicPartition, Long> earliest;
    Map<TopicPartition, Long> committed;
    try (KafkaOffsets offsets = new KafkaOffsets(props)) {
      end = offsets.endOffsets(settings.topics());
      earliest = offsets.earliestOffsets(settings.topics());
      committed = offsets.committed(settings.consumerGroup());
    } catch (RuntimeException e) {
      out.println("carelake ingest status: Kafka unreachable at " + settings.bootstrapServers()
          + ": " + JobRuntime.describe(e));
      if (verbose) {
        e.printStackTrace(out);
      }
      return JobExit.FAILED;
    }
    Map<String, TopicPartition> sorted = new TreeMap<>();
    end.keySet().forEach(tp -> sorted.put(String.format(Locale.ROOT, "%s-%05d", tp.topic(),
        tp.partition()), tp));
    long total = 0;
    out.printf(Locale.ROOT, "consumer lag (group %s):%n", settings.consumerGroup());
    for (TopicPartition tp : sorted.values()) {
      Long c = committed.get(tp);
      long from = c == null ? earliest.get(tp) : Math.max(c, earliest.get(tp));
      long lag = Math.max(0, end.get(tp) - from);
      total += lag;
      out.printf(Locale.ROOT, "  %s committed=%s end=%d lag=%d%n", tp,
          c == null ? "none" : c.toString(), end.get(tp), lag);
    }
    out.printf(Locale.ROOT, "  total lag=%d%n", total);
    return JobExit.OK;
  }

  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172800) {
      return s / 3600 + " h";
    }
    return s / 86400 + " d";
  }
}
