package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.ingestion.ledger.Completeness;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one raw event table, exactly once, with its completeness watermark in the same commit.
 * Parallelism 1; inputs: the {@link WrittenFiles} of every {@link RawTableWriter} subtask and the
 * {@link ProgressReport}s of every lateness subtask, both sent just before each checkpoint barrier.
 *
 * <p>When the barrier of checkpoint {@code n} reaches it, what arrived before it — the files of
 * checkpoint {@code n}, the late events read, and the watermark the partitions support then
 * ({@link CompletenessWatermark}) — becomes a pending commit, kept in operator state. Once
 * checkpoint {@code n} is complete, pending commits up to {@code n} are committed in order, one
 * Iceberg append each, whose summary carries {@code flink.job-id}, {@code flink.operator-id},
 * {@code flink.max-committed-checkpoint-id} (the keys of Iceberg's own Flink committer, which
 * {@code StatelessStart}, {@code maintain} and {@code ingest status} read) and
 * {@value Completeness#WATERMARK} / {@value Completeness#WATERMARK_MS} /
 * {@value Completeness#LATE_EVENTS}. A restarted job commits the pending commits of the checkpoint
 * it restored, under the job id that wrote them, unless the table already holds them (its newest
 * commit by that job has an equal or higher checkpoint id): neither lost nor doubled.
 *
 * <p>The watermark rides on the commit that makes the rows visible, so it never claims rows the
 * table does not hold, and no commit of ours races another for the table (the previous design
 * committed it separately and collided with the sink's commits). It never moves backwards. A
 * checkpoint with no files, no late event and no advance of the watermark commits nothing.
 */
public final class RawTableCommitter extends AbstractStreamOperator<Void>
    implements TwoInputStreamOperator<WrittenFiles, ProgressReport, Void> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RawTableCommitter.class);

  /** Snapshot summary keys, as Iceberg's Flink committer names them. */
  public static final String FLINK_JOB_ID = "flink.job-id";
  public static final String FLINK_OPERATOR_ID = "flink.operator-id";
  public static final String MAX_COMMITTED_CHECKPOINT_ID = "flink.max-committed-checkpoint-id";
  private static final int STATE_VERSION = 1;
  /** Accumulator: commits Iceberg had to retry (summed over both tables). */
  public static final String COMMIT_RETRIES = "commit_retries";

  private final CatalogLoader catalogLoader;
  private final String tableName;
  private final String operatorId;
  private final long idleTimeoutMs;

  private transient Table table;
  private transient String jobId;
  private transient ListState<byte[]> state;
  private transient ListState<byte[]> partitionState;
  private transient TreeMap<Long, Pending> pending;
  /** Since the last barrier. */
  private transient List<byte[]> manifests;
  private transient long lateEvents;
  private transient CompletenessWatermark partitions;
  /** The watermark committed last (from the table at start), or {@link CompletenessWatermark#NONE}. */
  private transient long watermark;
  private transient Map<String, Long> committedByJob;
  private transient Counter commits;
  private transient LongCounter retries;

  /** What checkpoint {@code checkpointId} of job {@code jobId} brings to the table. */
  private record Pending(long checkpointId, String jobId, List<byte[]> manifests, long lateEvents,
      long watermark) {}

  /**
   * @param operatorId written as {@code flink.operator-id}: the committer's uid
   * @param idleTimeout see {@link CompletenessWatermark}
   */
  public RawTableCommitter(CatalogLoader catalogLoader, TableName table, String operatorId,
      java.time.Duration idleTimeout) {
    this.catalogLoader = catalogLoader;
    this.tableName = table.toString();
    this.operatorId = operatorId;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    table = catalogLoader.loadCatalog().loadTable(
        CatalogFactory.identifier(TableName.parse(tableName)));
    jobId = getRuntimeContext().getJobInfo().getJobId().toString();
    commits = getRuntimeContext().getMetricGroup().counter("icebergCommits");
    retries = new LongCounter();
    getRuntimeContext().addAccumulator(COMMIT_RETRIES, retries);
    pending = new TreeMap<>();
    manifests = new ArrayList<>();
    partitions = new CompletenessWatermark(idleTimeoutMs);
    committedByJob = new HashMap<>();
    watermark = Completeness.latest(table).map(w -> w.watermark().toEpochMilli())
        .orElse(CompletenessWatermark.NONE);
    state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
        "pending-commits", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    partitionState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
        "partition-progress", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    if (context.isRestored()) {
      long now = System.currentTimeMillis();
      for (byte[] bytes : partitionState.get()) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
          partitions.restore(in.readUTF(), in.readLong(), in.readBoolean(), now);
        }
      }
      for (byte[] bytes : state.get()) {
        Pending p = decode(bytes);
        pending.put(p.checkpointId(), p);
      }
      // they belong to the checkpoint this job restored, which is complete
      commitUpTo(Long.MAX_VALUE);
    }
  }

  @Override
  public void processElement1(StreamRecord<WrittenFiles> element) {
    manifests.add(element.getValue().manifest);
  }

  @Override
  public void processElement2(StreamRecord<ProgressReport> element) {
    partitions.update(element.getValue());
    lateEvents += element.getValue().lateEvents;
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    long checkpointId = context.getCheckpointId();
    pending.put(checkpointId, new Pending(checkpointId, jobId, List.copyOf(manifests), lateEvents,
        partitions.current(getProcessingTimeService().getCurrentProcessingTime())));
    manifests.clear();
    lateEvents = 0;
    List<byte[]> encoded = new ArrayList<>();
    for (Pending p : pending.values()) {
      encoded.add(encode(p));
    }
    state.update(encoded);
    List<byte[]> statuses = new ArrayList<>();
    for (Map.Entry<String, CompletenessWatermark.Status> e : partitions.statuses().entrySet()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().watermarkMs());
        out.writeBoolean(e.getValue().catchingUp());
      }
      statuses.add(bytes.toByteArray());
    }
    partitionState.update(statuses);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    commitUpTo(checkpointId);
  }

  private void commitUpTo(long checkpointId) throws IOException {
    Iterator<Pending> it = pending.headMap(checkpointId, true).values().iterator();
    while (it.hasNext()) {
      commit(it.next());
      it.remove();
    }
  }

  private void commit(Pending p) throws IOException {
    table.refresh();
    if (p.checkpointId() <= committedCheckpoint(p.jobId())) {
      deleteManifests(p); // committed before a restart
      return;
    }
    long next = Math.max(watermark, p.watermark());
    List<DataFile> files = read(p);
    if (files.isEmpty() && next == watermark && p.lateEvents() == 0) {
      return;
    }
    Snapshot base = table.currentSnapshot();
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.set(FLINK_JOB_ID, p.jobId())
        .set(FLINK_OPERATOR_ID, operatorId)
        .set(MAX_COMMITTED_CHECKPOINT_ID, Long.toString(p.checkpointId()))
        .set("carelake.job", "ingest")
        .set(Completeness.LATE_EVENTS, Long.toString(p.lateEvents()));
    if (next != CompletenessWatermark.NONE) {
      append.set(Completeness.WATERMARK, Instant.ofEpochMilli(next).toString())
          .set(Completeness.WATERMARK_MS, Long.toString(next));
    }
    append.commit();
    commits.inc();
    // Iceberg retries a commit that lost a race (with maintain, or a schema change of a writer)
    // on the refreshed table; its per-retry warnings are silenced in the log configuration and
    // the retry is counted here: the new snapshot then does not follow the one we started from
    Snapshot committed = table.currentSnapshot();
    if (base != null && committed != null && !Long.valueOf(base.snapshotId())
        .equals(committed.parentId())) {
      retries.add(1);
      LOG.info("{}: commit of checkpoint {} was retried after a concurrent commit to the table",
          tableName, p.checkpointId());
    }
    watermark = next;
    committedByJob.put(p.jobId(), p.checkpointId());
    deleteManifests(p);
    LOG.debug("{}: committed checkpoint {} of job {}: {} file(s), watermark {}, {} late event(s)",
        tableName, p.checkpointId(), p.jobId(), files.size(), next, p.lateEvents());
  }

  /** The newest checkpoint of {@code job} whose commit the table holds, or -1. */
  private long committedCheckpoint(String job) {
    Long known = committedByJob.get(job);
    if (known != null) {
      return known;
    }
    long found = -1;
    Snapshot current = table.currentSnapshot();
    if (current != null) {
      for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
        Map<String, String> summary = s.summary();
        if (summary != null && job.equals(summary.get(FLINK_JOB_ID))
            && operatorId.equals(summary.getOrDefault(FLINK_OPERATOR_ID, operatorId))
            && summary.containsKey(MAX_COMMITTED_CHECKPOINT_ID)) {
          found = Long.parseLong(summary.get(MAX_COMMITTED_CHECKPOINT_ID));
          break;
        }
      }
    }
    committedByJob.put(job, found);
    return found;
  }

  private List<DataFile> read(Pending p) throws IOException {
    List<DataFile> files = new ArrayList<>();
    for (byte[] bytes : p.manifests()) {
      ManifestFile manifest = ManifestFiles.decode(bytes);
      try (ManifestReader<DataFile> reader =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : reader) {
          files.add(file.copy());
        }
      }
    }
    return files;
  }

  private void deleteManifests(Pending p) throws IOException {
    for (byte[] bytes : p.manifests()) {
      table.io().deleteFile(ManifestFiles.decode(bytes).path());
    }
  }

  private static byte[] encode(Pending p) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(STATE_VERSION);
      out.writeLong(p.checkpointId());
      out.writeUTF(p.jobId());
      out.writeLong(p.lateEvents());
      out.writeLong(p.watermark());
      out.writeInt(p.manifests().size());
      for (byte[] m : p.manifests()) {
        out.writeInt(m.length);
        out.write(m);
      }
    }
    return bytes.toByteArray();
  }

  private static Pending decode(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      if (version != STATE_VERSION) {
        throw new IOException("Pending commit state of version " + version + ", expected "
            + STATE_VERSION);
      }
      long checkpointId = in.readLong();
      String job = in.readUTF();
      long late = in.readLong();
      long watermark = in.readLong();
      int n = in.readInt();
      List<byte[]> manifests = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] m = new byte[in.readInt()];
        in.readFully(m);
        manifests.add(m);
      }
      return new Pending(checkpointId, job, manifests, late, watermark);
    }
  }
}
