package io.carelake.ingestion.flink;

import io.carelake.core.tables.TableName;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Passes the first row of each {@code event_id} and drops later ones: a redelivered message is
 * counted (metric {@code duplicates} and accumulator {@link #DUPLICATES}), never stored twice.
 *
 * <p>The "seen" flag lives in keyed state with a time-to-live, so the state stays bounded: a
 * duplicate that arrives more than the TTL after the original is no longer recognised. The TTL
 * runs on processing time (Flink state TTL has no other clock), i.e. on ingest time.
 */
public final class DedupFunction extends KeyedProcessFunction<String, RowData, RowData> {

  private static final long serialVersionUID = 1L;

  /** Accumulator shared by the visits and vitals instances (Flink merges by name). */
  public static final String DUPLICATES = "duplicates";

  private final Duration ttl;
  /** Set when the job started without state over non-empty tables: see {@link CommittedSeed}. */
  private final CommittedSeed seed;
  /** {@code raw.visits}: TableName is not serialisable. */
  private final String table;
  private transient Set<String> committed;
  private transient ValueState<Boolean> seen;
  private transient Counter duplicates;
  private transient LongCounter duplicatesTotal;

  public DedupFunction(Duration ttl) {
    this(ttl, null, null);
  }

  /**
   * @param seed when not null, event ids already committed to {@code table} (within the TTL)
   *     count as seen: a job without restored state does not write them again
   */
  public DedupFunction(Duration ttl, CommittedSeed seed, TableName table) {
    this.ttl = ttl;
    this.seed = seed;
    this.table = table == null ? null : table.toString();
  }

  @Override
  public void open(OpenContext context) {
    ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        // RocksDB drops expired entries while compacting; heap state cleans on full snapshots
        .cleanupInRocksdbCompactFilter(1000)
        .build());
    seen = getRuntimeContext().getState(descriptor);
    duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES);
    duplicatesTotal = new LongCounter();
    getRuntimeContext().addAccumulator(DUPLICATES, duplicatesTotal);
    if (seed != null) {
      var task = getRuntimeContext().getTaskInfo();
      int maxParallelism = task.getMaxNumberOfParallelSubtasks();
      int parallelism = task.getNumberOfParallelSubtasks();
      int index = task.getIndexOfThisSubtask();
      committed = seed.eventIds(TableName.parse(table), id -> KeyGroupRangeAssignment.assignKeyToParallelOperator(
          id, maxParallelism, parallelism) == index);
    }
  }

  @Override
  public void processElement(RowData row, Context ctx, Collector<RowData> out) throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      duplicatesTotal.add(1);
      return;
    }
    if (committed != null && committed.remove(ctx.getCurrentKey())) {
      // landed by an earlier job whose state is gone: seen from now on, not written again
      seen.update(Boolean.TRUE);
      duplicates.inc();
      duplicatesTotal.add(1);
      return;
    }
    seen.update(Boolean.TRUE);
    out.collect(row);
  }
}
