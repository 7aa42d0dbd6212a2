package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.ingestion.ledger.Completeness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the completeness watermark of {@code raw.visits} and {@code raw.vitals} while the job
 * streams: once a checkpoint is complete and its rows are committed to a table, an Iceberg commit
 * of no files on that table carries, in its snapshot summary, the watermark (the newest event
 * time read for the table minus the bounded out-of-orderness; never moving backwards) and the
 * late events read since the previous one ({@link Completeness}). Batch jobs read the newest with
 * {@link Completeness#latest}.
 *
 * <p>Runs with parallelism 1 on the {@link ProgressReport}s every lateness subtask emits before
 * each barrier. A watermark covers only checkpoints whose rows the table holds: Flink does not
 * order the sink's commit and this operator's notification, so the reports of checkpoints after
 * the table's newest commit by this job ({@code flink.job-id}, {@code
 * flink.max-committed-checkpoint-id}) that carried rows for it wait for a later notification. A
 * watermark therefore never claims rows that are not visible yet; it may lag by a checkpoint.
 * Pending reports are operator state, so a restart does not lose them. Nothing is committed when
 * the watermark did not advance and no late event was read.
 */
public final class CompletenessCommitter extends ProcessFunction<ProgressReport, Void>
    implements CheckpointedFunction, CheckpointListener {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CompletenessCommitter.class);

  /** Summary key of the checkpoint whose reports a watermark commit closed. */
  public static final String CHECKPOINT_ID = "carelake.checkpoint-id";

  private final CatalogLoader catalogLoader;
  /** Label ({@code visits}) to table ({@code raw.visits}). */
  private final Map<String, String> tables;
  private final Duration outOfOrderness;

  private transient List<ProgressReport> pending;
  private transient ListState<ProgressReport> state;
  private transient Catalog catalog;
  private transient String jobId;

  public CompletenessCommitter(CatalogLoader catalogLoader, Map<String, TableName> tables,
      Duration outOfOrderness) {
    this.catalogLoader = catalogLoader;
    this.tables = new LinkedHashMap<>();
    tables.forEach((label, name) -> this.tables.put(label, name.toString()));
    this.outOfOrderness = outOfOrderness;
  }

  @Override
  public void open(OpenContext context) {
    catalog = catalogLoader.loadCatalog();
    jobId = getRuntimeContext().getJobInfo().getJobId().toString();
  }

  @Override
  public void processElement(ProgressReport report, Context ctx, Collector<Void> out) {
    pending.add(report);
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    for (Map.Entry<String, String> e : tables.entrySet()) {
      try {
        commit(e.getKey(), TableName.parse(e.getValue()), checkpointId);
      } catch (RuntimeException ex) {
        // a watermark that lags is safe; the reports stay pending for the next checkpoint
        LOG.warn("Completeness watermark of {} not recorded for checkpoint {}: {}", e.getValue(),
            checkpointId, ex.toString());
      }
    }
  }

  private void commit(String label, TableName name, long checkpointId) {
    Table table = null;
    long upTo = checkpointId;
    for (ProgressReport r : pending) {
      if (r.table.equals(label) && r.checkpointId <= upTo && r.rows > 0) {
        if (table == null) {
          table = catalog.loadTable(CatalogFactory.identifier(name));
          // rows of later checkpoints are not visible yet: close only what the table holds
          upTo = Math.min(upTo, committedCheckpoint(table));
        }
      }
    }
    long maxEventTime = Long.MIN_VALUE;
    long late = 0;
    for (ProgressReport r : pending) {
      if (r.table.equals(label) && r.checkpointId <= upTo) {
        maxEventTime = Math.max(maxEventTime, r.maxEventTimeMs);
        late += r.lateEvents;
      }
    }
    if (maxEventTime == Long.MIN_VALUE) {
      return; // nothing read yet, or nothing of it committed yet
    }
    if (table == null) {
      table = catalog.loadTable(CatalogFactory.identifier(name));
    }
    Completeness.record(table, maxEventTime, outOfOrderness, late, null,
        Map.of(CHECKPOINT_ID, Long.toString(upTo)), true);
    long closed = upTo;
    pending.removeIf(r -> r.table.equals(label) && r.checkpointId <= closed);
  }

  /** The newest checkpoint of this job whose rows the table holds, or -1. */
  private long committedCheckpoint(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return -1;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      Map<String, String> summary = s.summary();
      if (summary != null && jobId.equals(summary.get("flink.job-id"))) {
        String id = summary.get("flink.max-committed-checkpoint-id");
        if (id != null) {
          return Long.parseLong(id);
        }
      }
    }
    return -1;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    state.update(new ArrayList<>(pending));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
        "pending-progress", TypeInformation.of(ProgressReport.class)));
    pending = new ArrayList<>();
    for (ProgressReport r : state.get()) {
      pending.add(r);
    }
  }
}
