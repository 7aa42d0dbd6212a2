package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.SnapshotCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.common.TopicPartition;

/**
 * The latency phase of {@code bench ingest} ({@link IngestBench}): the streaming ingest job on the
 * scratch home, a steady stream of events into it, and one produce-to-visible latency per event
 * (the commit time of the Iceberg snapshot that added its row minus its Kafka produce timestamp).
 * Progress and, when {@code verbose} or on failure, the job's output go to {@code out}.
 */
record LatencyPhase(PrintStream out, boolean verbose) {

  /**
   * Starts the streaming job on the scratch home, produces {@code n} events at {@code rate}/s
   * once it runs, waits until all are committed, cancels it and returns one latency per event:
   * the commit time of the snapshot that added its row minus its Kafka produce timestamp.
   */
  List<Long> run(Path scratch, Properties kafkaProps, IngestSettings settings, Catalog catalog,
      int n, double rate) throws Exception {
    Map<TableName, Long> before = new HashMap<>();
    long rowsBefore = 0;
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table t = catalog.loadTable(CatalogFactory.identifier(name));
      before.put(name, SnapshotCounts.currentSnapshotId(t));
      rowsBefore += IngestBench.totalRecords(catalog, name);
    }
    ByteArrayOutputStream jobOut = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(jobOut, true, StandardCharsets.UTF_8);
    int[] exit = {-1};
    Thread job = new Thread(() -> exit[0] = IngestJob.run(ps, "--home", scratch.toString()),
        "bench-streaming-ingest");
    job.setDaemon(true);
    job.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (IngestJob.STREAMING.get() == null || IngestJob.STREAMING.get().getJobStatus()
        .get(10, TimeUnit.SECONDS) != org.apache.flink.api.common.JobStatus.RUNNING) {
      if (!job.isAlive() || System.nanoTime() > deadline) {
        out.print(jobOut.toString(StandardCharsets.UTF_8));
        throw new IllegalStateException("the streaming ingest job did not start (exit " + exit[0]
            + ")");
      }
      Thread.sleep(100);
    }
    IngestBench.progress(out, "latency phase: streaming job running; producing %,d events at %,.0f/s", n, rate);
    Map<TopicPartition, long[]> produced = new HashMap<>();
    BenchTraffic.produceSteady(kafkaProps, settings, n, rate, produced);
    long target = rowsBefore + n;
    deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (IngestBench.totalRecords(catalog, Tables.RAW_VISITS) + IngestBench.totalRecords(catalog, Tables.RAW_VITALS)
        < target) {
      if (!job.isAlive() || System.nanoTime() > deadline) {
        out.print(jobOut.toString(StandardCharsets.UTF_8));
        throw new IllegalStateException("the streaming ingest job did not commit all events");
      }
      Thread.sleep(100);
    }
    IngestJob.STREAMING.get().cancel().get(1, TimeUnit.MINUTES);
    job.join(TimeUnit.MINUTES.toMillis(2));
    if (verbose) {
      out.print(jobOut.toString(StandardCharsets.UTF_8));
    }
    List<Long> latencies = new ArrayList<>(n);
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table table = catalog.loadTable(CatalogFactory.identifier(name));
      commitLatencies(table, before.get(name), produced, latencies);
    }
    return latencies;
  }

  /**
   * For every snapshot the ingest job committed after {@code fromSnapshot}, the rows it added
   * became visible at its commit time: one latency per row produced in the latency phase.
   */
  private static void commitLatencies(Table table, Long fromSnapshot,
      Map<TopicPartition, long[]> produced, List<Long> latencies) throws Exception {
    table.refresh();
    for (Snapshot s : SnapshotCounts.committedByAnyJob(table, fromSnapshot)) {
      if (Long.parseLong(s.summary().getOrDefault("added-records", "0")) == 0
          || s.parentId() == null) {
        continue;
      }
      try (CloseableIterable<Record> it = IcebergGenerics.read(table)
          .appendsBetween(s.parentId(), s.snapshotId())
          .select(TableSchemas.KAFKA_TOPIC, TableSchemas.KAFKA_PARTITION,
              TableSchemas.KAFKA_OFFSET).build()) {
        for (Record r : it) {
          long[] ts = produced.get(new TopicPartition((String) r.getField(TableSchemas.KAFKA_TOPIC),
              (Integer) r.getField(TableSchemas.KAFKA_PARTITION)));
          long offset = (Long) r.getField(TableSchemas.KAFKA_OFFSET);
          if (ts != null && offset < ts.length && ts[(int) offset] >= 0) {
            latencies.add(Math.max(0, s.timestampMillis() - ts[(int) offset]));
          }
        }
      }
    }
  }

  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
