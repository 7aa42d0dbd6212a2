package io.carelake.ingestion.ledger;

import io.carelake.core.tables.TableSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a job without Flink state (first run, or the checkpoint directory lost) starts reading, so
 * that it neither skips nor repeats what the raw tables already hold (Iceberg issues 14425 /
 * 16008 / 18098: Kafka's committed offsets and Iceberg's commits are separate and can disagree).
 *
 * <p>The tables are the truth: every row (and dead letter) keeps its {@code kafka_topic},
 * {@code kafka_partition} and {@code kafka_offset}. A topic's messages land in its event table
 * and in {@code raw.dead_letters}, which commit each checkpoint separately, so a crash can leave
 * one behind the other; and a table that received nothing in a checkpoint may not commit it (the
 * ingest job sets {@code flink.max-continuous-empty-commits=1} on {@code raw.dead_letters} so that
 * it commits every checkpoint). Let {@code J} be the newest ingest job in the tables and, per
 * topic {@code T}, {@code c_T} the lower of the newest checkpoints of {@code J} committed to
 * {@code T}'s table and to the dead letters. Every message of {@code T} read before checkpoint
 * {@code c_T} is in both tables as of their newest snapshots at or before {@code (J, c_T)}; so each
 * partition of {@code T} starts after the highest offset of that partition found in those
 * snapshots. That is at or before where checkpoint {@code c_T} had read: the job may re-read
 * messages already landed (in the table that was ahead, or dropped as duplicates), never skips
 * one.
 *
 * <p>A re-read can only repeat what is committed, and the job started this way is seeded
 * ({@link #seeded()}): dedup treats every event id already in the tables (within the dedup TTL)
 * as seen, and a dead letter already committed at the same topic/partition/offset is not written
 * again. Partitions no table has rows of start at the earliest offset (or the group's committed
 * offset when the tables are empty, i.e. the very first run). If an as-of snapshot cannot be read
 * (expired by maintenance) the table's current rows are used for the lower of the two bounds:
 * start at {@code min_t (m_t(p) + 1)}.
 *
 * <p>Cost: one scan of the three provenance columns of each raw table. It runs only when no
 * checkpoint or savepoint is available.
 */
public final class StatelessStart {

  private static final String MAX_CHECKPOINT_ID = "flink.max-committed-checkpoint-id";

  private final Map<TopicPartition, Long> start;
  private final boolean seeded;
  private final boolean consistent;

  private final Instant seedSince;

  private StatelessStart(Map<TopicPartition, Long> start, boolean seeded, boolean consistent,
      Instant seedSince) {
    this.start = start;
    this.seeded = seeded;
    this.consistent = consistent;
    this.seedSince = seedSince;
  }

  /** Event ids ingested at or after this instant count as seen in a seeded job. */
  public Instant seedSince() {
    return seedSince;
  }

  /**
   * Start offsets for {@code partitions}.
   *
   * @param tableByTopic the raw table each input topic's events land in (its dead letters go to
   *     {@code deadLetters})
   */
  public static StatelessStart plan(Map<String, Table> tableByTopic, Table deadLetters,
      List<TopicPartition> partitions, Map<TopicPartition, Long> groupCommitted,
      Map<TopicPartition, Long> earliest, Duration dedupTtl, Instant now) {
    Set<TopicPartition> inputs = new HashSet<>(partitions);
    Set<Table> all = new HashSet<>(tableByTopic.values());
    all.add(deadLetters);
    // the newest ingest job over all tables
    String newestJob = null;
    long newestTime = Long.MIN_VALUE;
    boolean anyRows = false;
    for (Table table : all) {
      table.refresh();
      Snapshot s = lastIngestSnapshot(table);
      if (s != null && s.timestampMillis() > newestTime) {
        newestTime = s.timestampMillis();
        newestJob = s.summary().get(SnapshotCounts.FLINK_JOB_ID);
      }
      anyRows |= table.currentSnapshot() != null && Long.parseLong(table.currentSnapshot()
          .summary().getOrDefault("total-records", "0")) > 0;
    }
    Map<TopicPartition, Long> start = new HashMap<>();
    if (!anyRows) {
      for (TopicPartition tp : partitions) {
        long from = groupCommitted.getOrDefault(tp, earliest.getOrDefault(tp, 0L));
        start.put(tp, Math.max(from, earliest.getOrDefault(tp, 0L)));
      }
      return new StatelessStart(start, false, true, now.minus(dedupTtl));
    }
    long deadCheckpoint = newestJob == null ? -1 : maxCheckpoint(deadLetters, newestJob);
    boolean consistent = true;
    long oldestAsOf = now.toEpochMilli();
    Map<TopicPartition, Long> highest = new HashMap<>();
    for (Map.Entry<String, Table> e : tableByTopic.entrySet()) {
      String topic = e.getKey();
      Table table = e.getValue();
      long tableCheckpoint = newestJob == null ? -1 : maxCheckpoint(table, newestJob);
      long c = Math.min(tableCheckpoint, deadCheckpoint);
      consistent &= tableCheckpoint == deadCheckpoint;
      Set<TopicPartition> topicInputs = new HashSet<>();
      inputs.stream().filter(tp -> tp.topic().equals(topic)).forEach(topicInputs::add);
      for (Table t : List.of(table, deadLetters)) {
        Snapshot asOf = newestJob == null ? t.currentSnapshot() : asOfSnapshot(t, newestJob, c);
        if (asOf == null) {
          // nothing in this table before (J, c) (J wrote all of it), or those snapshots were
          // expired: it bounds no offset, and whatever it holds may be re-read, so all of it
          // counts as seen
          if (t.currentSnapshot() != null) {
            oldestAsOf = 0;
          }
          continue;
        }
        oldestAsOf = Math.min(oldestAsOf, asOf.timestampMillis());
        maxOffsets(t, asOf.snapshotId(), topicInputs)
            .forEach((tp, m) -> highest.merge(tp, m, Math::max));
      }
    }
    for (TopicPartition tp : partitions) {
      Long m = highest.get(tp);
      long from = m == null ? earliest.getOrDefault(tp, 0L) : m + 1;
      start.put(tp, Math.max(from, earliest.getOrDefault(tp, 0L)));
    }
    // what a re-read may repeat was ingested after the oldest snapshot read, or is a redelivery
    // of something ingested at most one TTL before that
    return new StatelessStart(start, true, consistent,
        Instant.ofEpochMilli(oldestAsOf).minus(dedupTtl));
  }

  private static Snapshot lastIngestSnapshot(Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return null;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      if (s.summary().containsKey(SnapshotCounts.FLINK_JOB_ID)) {
        return s;
      }
    }
    return null;
  }

  /** The newest checkpoint id {@code job} committed to the table, -1 when none. */
  private static long maxCheckpoint(Table table, String job) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return -1;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      if (job.equals(s.summary().get(SnapshotCounts.FLINK_JOB_ID))) {
        return Long.parseLong(s.summary().getOrDefault(MAX_CHECKPOINT_ID, "-1"));
      }
    }
    return -1;
  }

  /**
   * The newest snapshot at or before checkpoint {@code c} of {@code job}: walking back from the
   * current one, past {@code job}'s later checkpoints and past snapshots of no Flink job
   * (maintenance, watermark commits; reading older is only more conservative). Null when there
   * is none.
   */
  private static Snapshot asOfSnapshot(Table table, String job, long c) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return null;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      String j = s.summary().get(SnapshotCounts.FLINK_JOB_ID);
      if (j == null) {
        continue;
      }
      if (!j.equals(job)) {
        return s;
      }
      if (Long.parseLong(s.summary().getOrDefault(MAX_CHECKPOINT_ID, "-1")) <= c) {
        return s;
      }
    }
    return null;
  }

  private static Map<TopicPartition, Long> maxOffsets(Table table, Long snapshotId,
      Set<TopicPartition> inputs) {
    Map<TopicPartition, Long> max = new HashMap<>();
    if (table.currentSnapshot() == null) {
      return max;
    }
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table);
    if (snapshotId != null) {
      scan = scan.useSnapshot(snapshotId);
    }
    try (CloseableIterable<Record> rows = scan
        .select(TableSchemas.KAFKA_TOPIC, TableSchemas.KAFKA_PARTITION, TableSchemas.KAFKA_OFFSET)
        .build()) {
      for (Record r : rows) {
        TopicPartition tp = new TopicPartition((String) r.getField(TableSchemas.KAFKA_TOPIC),
            (Integer) r.getField(TableSchemas.KAFKA_PARTITION));
        if (inputs.contains(tp)) {
          max.merge(tp, (Long) r.getField(TableSchemas.KAFKA_OFFSET), Math::max);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Kafka offsets committed to " + table.name()
          + ": " + e.getMessage(), e);
    }
    return max;
  }

  public Map<TopicPartition, Long> start() {
    return start;
  }

  /** True when the tables hold rows already: the job must dedup against them. */
  public boolean seeded() {
    return seeded;
  }

  /** True when each event table holds the same newest checkpoint of the newest job as raw.dead_letters. */
  public boolean consistent() {
    return consistent;
  }
}
