package io.carelake.ingestion;

import io.carelake.core.ledger.Run;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.flink.DedupFunction;
import io.carelake.ingestion.flink.LatenessFunction;
import io.carelake.ingestion.flink.ParseFunction;
import io.carelake.ingestion.flink.RawTableCommitter;
import io.carelake.ingestion.ledger.Completeness;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.OffsetRange;
import io.carelake.ingestion.ledger.SnapshotCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.kafka.common.TopicPartition;

/**
 * One {@code ingest --bounded} run and its account in the ledger row: the offset range it reads
 * (what is in Kafka when it starts), the Flink job over it ({@link BoundedExecution}), then
 * messages consumed = rows written + dead letters (both from Iceberg snapshots) + duplicates
 * (from the job's accumulators), late events and watermarks, reconciled.
 */
record BoundedRun(FlinkJob job, IngestSettings settings, CatalogLoader catalogLoader, Run run) {

  /** Reads what is in Kafka now into {@code tables} and records the run's counts. */
  void ingest(Map<TableName, Table> tables) throws Exception {
    Map<TableName, Long> startSnapshots = new LinkedHashMap<>();
    tables.forEach((name, table) -> startSnapshots.put(name, SnapshotCounts.currentSnapshotId(table)));
    job.progress("starting run %s", run.id());
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      StartPlan plan = StartPlan.decide(job, settings, tables, offsets, catalogLoader);
      Map<TopicPartition, Long> earliest = offsets.earliestOffsets(settings.topics());
      Map<TopicPartition, Long> end = offsets.endOffsets(settings.topics());
      Map<TopicPartition, Long> start =
          plan.startEstimate(offsets.committed(settings.consumerGroup()), earliest);
      start.keySet().retainAll(end.keySet());
      end.keySet().forEach(tp -> start.putIfAbsent(tp, earliest.getOrDefault(tp, 0L)));
      start.replaceAll((tp, o) -> Math.min(o, end.get(tp)));
      OffsetRange range = new OffsetRange(start, end);
      run.parameter("bounded", true)
          .parameter("kafka.bootstrap-servers", settings.bootstrapServers())
          .parameter("kafka.consumer-group", settings.consumerGroup())
          .parameter("input.kafka.start-offsets", OffsetRange.describe(range.start()))
          .parameter("input.kafka.end-offsets", OffsetRange.describe(range.end()))
          .parameter("restored-from", plan.restore() == null ? "none" : plan.restore().path());
      job.progress("%,d new messages in %s (consumer group %s)", range.messages(),
          settings.topics(), settings.consumerGroup());
      long consumed = 0;
      long duplicates = 0;
      long deadLettersAlreadyLanded = 0;
      String jobId = null;
      // a crash checkpoint may hold Iceberg files not committed yet: run to commit them
      boolean recover = plan.restore() != null && !plan.restore().savepoint();
      if (!range.isEmpty() || recover) {
        JobExecutionResult result =
            new BoundedExecution(job, settings, run).execute(catalogLoader, plan, range);
        jobId = result.getJobID().toString();
        run.parameter("flink.job-id", jobId);
        consumed = longAccumulator(result, ParseFunction.CONSUMED);
        duplicates = longAccumulator(result, DedupFunction.DUPLICATES);
        deadLettersAlreadyLanded =
            longAccumulator(result, ParseFunction.DEAD_LETTERS_ALREADY_LANDED);
        long retries = longAccumulator(result, RawTableCommitter.COMMIT_RETRIES);
        run.count("commit_retries", retries);
        if (retries > 0) {
          job.progress("%d Iceberg commit(s) retried after a concurrent commit (expected with"
              + " maintain running; nothing lost)", retries);
        }
        run.parameter("output.kafka.committed-offsets",
            OffsetRange.describe(offsets.committed(settings.consumerGroup())));
        recordLateEvents(tables, result);
      }
      Map<TableName, Long> added = new LinkedHashMap<>();
      long recovered = 0;
      final String thisJob = jobId;
      for (Map.Entry<TableName, Table> e : tables.entrySet()) {
        Table table = e.getValue();
        var snapshots = jobId == null ? List.<Snapshot>of()
            : SnapshotCounts.committedByAnyJob(table, startSnapshots.get(e.getKey()));
        long all = SnapshotCounts.addedRecords(snapshots);
        long mine = SnapshotCounts.addedRecords(snapshots.stream()
            .filter(s -> thisJob.equals(s.summary().get(SnapshotCounts.FLINK_JOB_ID)))
            .toList());
        recovered += all - mine;
        added.put(e.getKey(), all);
        run.output(e.getKey().toString(), SnapshotCounts.currentSnapshotId(table));
        if (jobId != null) {
          job.progress("%s: %,d rows added in %d commit(s)%s, now at snapshot %s", e.getKey(),
              all, snapshots.size(), all == mine ? "" : " (" + (all - mine)
                  + " from the restored checkpoint)", SnapshotCounts.currentSnapshotId(table));
        }
      }
      long visits = added.get(Tables.RAW_VISITS);
      long vitals = added.get(Tables.RAW_VITALS);
      long deadLetters = added.get(Tables.RAW_DEAD_LETTERS);
      long setAsideDuplicates = duplicates + deadLettersAlreadyLanded;
      run.count("consumed", consumed)
          .count("recovered_from_checkpoint", recovered)
          .count("visits", visits)
          .count("vitals", vitals)
          .count("dead_letters", deadLetters)
          .count("duplicates", setAsideDuplicates)
          .count("dead_letters_already_landed", deadLettersAlreadyLanded)
          .rows(consumed + recovered, visits + vitals, deadLetters + setAsideDuplicates)
          .requireReconciled();
    }
  }

  /**
   * Puts the run's late events (accumulators) and the completeness watermarks its commits carried
   * (the job commits them with the rows, see {@code flink.RawTableCommitter}) in the ledger row.
   */
  private void recordLateEvents(Map<TableName, Table> tables, JobExecutionResult result) {
    long lateTotal = 0;
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      String label = StartPlan.WATERMARKED.get(name);
      long late = longAccumulator(result, LatenessFunction.lateAccumulator(label));
      lateTotal += late;
      run.count("late_events_" + label, late);
      var watermark = Completeness.latest(tables.get(name));
      if (watermark.isPresent()) {
        run.parameter("watermark." + name, watermark.get().watermark().toString());
        job.progress("%s: watermark %s, %,d late event(s) in this run", name,
            watermark.get().watermark(), late);
      } else {
        job.progress("%s: no completeness watermark yet (%,d late event(s) in this run)", name,
            late);
      }
    }
    run.count("late_events", lateTotal);
  }

  private static long longAccumulator(JobExecutionResult result, String name) {
    Object value = result.getAllAccumulatorResults().get(name);
    return value instanceof Number n ? n.longValue() : 0L;
  }
}
