package io.carelake.ingestion.flink;

import io.carelake.core.tables.TableSchemas;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.util.Collector;

/**
 * Counts late events and tracks the newest event time, for the completeness watermark.
 *
 * <p>An event is <em>late</em> when its {@code event_time} is more than the bounded
 * out-of-orderness behind the newest event time read before it from the same Kafka partition,
 * i.e. behind that partition's watermark (Flink's per-partition watermark definition). Per
 * partition, so the count depends only on the order of messages within each partition and is
 * the same on every run over the same data. Late events are counted, never dropped.
 *
 * <p>Runs before dedup, chained to the parse step (so each Kafka partition is seen by exactly
 * one subtask, in offset order): a redelivered late event is counted each time it is read.
 * The per-partition maxima are operator state, kept across restarts from a checkpoint.
 */
public final class LatenessFunction extends ProcessFunction<RowData, RowData>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  /** Accumulator names: {@code late_events_<label>} and {@code max_event_time_ms_<label>}. */
  public static String lateAccumulator(String label) {
    return "late_events_" + label;
  }

  public static String maxEventTimeAccumulator(String label) {
    return "max_event_time_ms_" + label;
  }

  private final String label;
  private final long outOfOrdernessMs;
  private final int eventTimePosition;
  private final int topicPosition;
  private final int partitionPosition;

  private transient Map<String, Long> maxByPartition;
  private transient ListState<Tuple2<String, Long>> state;
  private transient Counter lateMetric;
  private transient LongCounter late;
  private transient LongMaximum maxEventTime;
  /** Since the last {@link #report}: rows read, late events among them. */
  private transient long rowsSinceReport;
  private transient long lateSinceReport;
  private transient StringData lastTopic;
  private transient int lastPartition;
  private transient String lastPartitionName;

  public LatenessFunction(String label, Duration outOfOrderness, RowLayout layout) {
    this.label = label;
    this.outOfOrdernessMs = outOfOrderness.toMillis();
    this.eventTimePosition = layout.position(TableSchemas.EVENT_TIME);
    this.topicPosition = layout.position(TableSchemas.KAFKA_TOPIC);
    this.partitionPosition = layout.position(TableSchemas.KAFKA_PARTITION);
  }

  @Override
  public void open(OpenContext context) {
    lateMetric = getRuntimeContext().getMetricGroup().counter("lateEvents");
    late = new LongCounter();
    maxEventTime = new LongMaximum();
    getRuntimeContext().addAccumulator(lateAccumulator(label), late);
    getRuntimeContext().addAccumulator(maxEventTimeAccumulator(label), maxEventTime);
  }

  @Override
  public void processElement(RowData row, Context ctx, Collector<RowData> out) {
    long eventTime = row.getTimestamp(eventTimePosition, RawRows.TIMESTAMP_PRECISION)
        .getMillisecond();
    String partition = partitionName(row);
    Long max = maxByPartition.get(partition);
    if (max != null && eventTime < max - outOfOrdernessMs) {
      late.add(1);
      lateMetric.inc();
      lateSinceReport++;
    }
    rowsSinceReport++;
    if (max == null || eventTime > max) {
      maxByPartition.put(partition, eventTime);
    }
    maxEventTime.add(eventTime);
    out.collect(row);
  }

  /**
   * What this subtask read since its previous report (see {@link LatenessOperator}); the newest
   * event time is over every partition it knows, restored ones included.
   */
  ProgressReport report(long checkpointId, String table, int subtask) {
    long newest = Long.MIN_VALUE;
    for (long t : maxByPartition.values()) {
      newest = Math.max(newest, t);
    }
    ProgressReport r = new ProgressReport(checkpointId, table, subtask, newest, rowsSinceReport,
        lateSinceReport);
    rowsSinceReport = 0;
    lateSinceReport = 0;
    return r;
  }

  /**
   * {@code topic-partition}; the string of the previous row is reused while the partition stays
   * the same (a source subtask emits runs of rows from one partition), so that the common case
   * builds no string and decodes no topic name.
   */
  private String partitionName(RowData row) {
    StringData topic = row.getString(topicPosition);
    int partition = row.getInt(partitionPosition);
    if (partition != lastPartition || !topic.equals(lastTopic)) {
      lastTopic = BinaryStringData.fromString(topic.toString());
      lastPartition = partition;
      lastPartitionName = topic + "-" + partition;
    }
    return lastPartitionName;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    state.clear();
    for (Map.Entry<String, Long> e : maxByPartition.entrySet()) {
      state.add(Tuple2.of(e.getKey(), e.getValue()));
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    maxByPartition = new HashMap<>();
    // union state: after rescaling every subtask sees every partition's maximum (harmless
    // extra entries for partitions it no longer reads)
    state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
        "max-event-time-by-partition",
        TypeInformation.of(new TypeHint<Tuple2<String, Long>>() {})));
    for (Tuple2<String, Long> e : state.get()) {
      maxByPartition.merge(e.f0, e.f1, Math::max);
    }
  }
}
