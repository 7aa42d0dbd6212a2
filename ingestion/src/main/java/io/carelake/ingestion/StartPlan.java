package io.carelake.ingestion;

import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.flink.CommittedSeed;
import io.carelake.ingestion.flink.IngestPipeline;
import io.carelake.ingestion.flink.RestorePoints;
import io.carelake.ingestion.ledger.Completeness;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.OffsetRange;
import io.carelake.ingestion.ledger.StatelessStart;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.kafka.common.TopicPartition;

/**
 * How an ingest job starts: from the newest retained checkpoint or savepoint in
 * {@code ingest.checkpoint-dir} when there is one (Kafka positions, dedup keys, late-event
 * maxima and uncommitted Iceberg files all come back with it), else from offsets derived from
 * the raw tables themselves ({@link StatelessStart}), deduplicating against what they hold.
 */
record StartPlan(RestorePoints.RestorePoint restore, StatelessStart stateless,
    CommittedSeed seed, IngestPipeline.JobStart jobStart) {

  /** The raw tables that carry a completeness watermark, by their label in the job. */
  static final Map<TableName, String> WATERMARKED =
      Map.of(Tables.RAW_VISITS, "visits", Tables.RAW_VITALS, "vitals");

  /**
   * Decides the start (see README.md, "Restarts"), printing it through {@code job}; on a
   * stateless start it moves the consumer group's offsets to the start.
   */
  static StartPlan decide(FlinkJob job, IngestSettings settings, Map<TableName, Table> tables,
      KafkaOffsets offsets, CatalogLoader catalogLoader) {
    var restore = RestorePoints.latest(settings.checkpointDir());
    if (restore.isPresent()) {
      int deleted = RestorePoints.deleteAllBut(settings.checkpointDir(), restore.get());
      job.progress("restoring from %s %s%s", restore.get().savepoint() ? "savepoint"
          : "checkpoint", restore.get().path(), deleted > 0 ? " (" + deleted
              + " older restore point(s) removed)" : "");
      return new StartPlan(restore.get(), null, null, jobStart(settings, tables, offsets));
    }
    List<TopicPartition> partitions = offsets.partitions(settings.topics());
    StatelessStart stateless = StatelessStart.plan(
        Map.of(settings.visitsTopic(), tables.get(Tables.RAW_VISITS),
            settings.vitalsTopic(), tables.get(Tables.RAW_VITALS)),
        tables.get(Tables.RAW_DEAD_LETTERS), partitions,
        offsets.committed(settings.consumerGroup()), offsets.earliestOffsets(settings.topics()),
        settings.dedupTtl(), Instant.now());
    CommittedSeed seed = null;
    if (stateless.seeded()) {
      Map<String, Long> byName = new HashMap<>();
      stateless.start().forEach((tp, o) -> byName.put(tp.topic() + "-" + tp.partition(), o));
      seed = new CommittedSeed(catalogLoader, byName, stateless.seedSince());
      job.progress("no checkpoint in %s: starting after the offsets the raw tables hold as of the"
              + " last checkpoint each topic's tables all committed (%s), deduplicating against"
              + " committed rows", settings.checkpointDir(), OffsetRange.describe(stateless.start()));
    } else {
      job.progress("no checkpoint in %s and no rows yet: starting from offsets %s",
          settings.checkpointDir(), OffsetRange.describe(stateless.start()));
    }
    // the group's offsets mirror the job's position (lag, bounded runs' progress); nothing else
    // consumes with this group, so moving them is safe
    offsets.commit(settings.consumerGroup(), stateless.start());
    return new StartPlan(null, stateless, seed, jobStart(settings, tables, offsets));
  }

  /** Where the job is estimated to start: exact for a stateless start. */
  Map<TopicPartition, Long> startEstimate(Map<TopicPartition, Long> committed,
      Map<TopicPartition, Long> earliest) {
    if (stateless != null) {
      return stateless.start();
    }
    Map<TopicPartition, Long> start = new HashMap<>();
    earliest.forEach((tp, e) -> start.put(tp, Math.max(e, committed.getOrDefault(tp, e))));
    return start;
  }

  /**
   * The backlog (end offsets now) and the completeness watermarks committed so far: the
   * watermark does not advance while a partition reads its backlog, and an event older than a
   * committed watermark is late (see {@code flink.LatenessFunction}).
   */
  private static IngestPipeline.JobStart jobStart(IngestSettings settings,
      Map<TableName, Table> tables, KafkaOffsets offsets) {
    Map<String, Long> ends = new HashMap<>();
    offsets.endOffsets(settings.topics())
        .forEach((tp, end) -> ends.put(tp.topic() + "-" + tp.partition(), end));
    Map<String, Long> watermarks = new HashMap<>();
    WATERMARKED.forEach((name, label) -> Completeness.latest(tables.get(name))
        .ifPresent(w -> watermarks.put(label, w.watermark().toEpochMilli())));
    return new IngestPipeline.JobStart(ends, watermarks);
  }
}
