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
import org.apache.flink.api.java.tuple.Tuple3;
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
 * Tracks, per Kafka partition, the newest event time and offset read (for the completeness
 * watermark, see {@link CompletenessWatermark}) and counts late events.
 *
 * <p>An event is <em>late</em> when it arrives after the watermark has passed it: its {@code
 * event_time} is before the table's completeness watermark committed before this job started, or,
 * once its partition has caught up with the backlog it had at the start, before that partition's
 * own watermark (newest event time read from it minus the bounded out-of-orderness, Flink's
 * per-partition definition). The backlog itself is compared with the committed watermark only: a
 * catch-up claims no completeness until it has read its backlog (the watermark does not advance
 * meanwhile), so an in-order backlog — or any backlog of events newer than what was already declared
 * complete — counts no late event, while an event older than a day already closed does. Per
 * partition, so the count depends only on the order of messages within each partition. Late events
 * are counted, never dropped.
 *
 * <p>Event times are capped at the row's {@code ingest_time} before they count as the newest: an
 * event accepted up to a day in the future must not push the watermark beyond now, nor make every
 * following event late.
 *
 * <p>Runs before dedup, chained to the parse step (so each Kafka partition is seen by exactly one
 * subtask, in offset order): a redelivered late event is counted each time it is read. Rows without
 * an {@code event_time} are position markers of dead letters ({@link RawRows#position}): they advance
 * the partition's offset and are not passed on. The per-partition maxima and offsets are operator
 * state, kept across restarts.
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

  /** What is known of one partition. */
  private static final class Partition {
    long maxEventTimeMs = Long.MIN_VALUE;
    long offset = -1;
    long lastReadMs;
    /** End offset when the job started: offsets below it are the backlog. */
    long backlogEnd;
    /** Read from by this subtask since the job started (restored state alone does not count). */
    boolean read;
  }

  private final String label;
  private final long outOfOrdernessMs;
  private final long startWatermarkMs;
  private final Map<String, Long> backlogEnds;
  private final int eventTimePosition;
  private final int ingestTimePosition;
  private final int topicPosition;
  private final int partitionPosition;
  private final int offsetPosition;

  private transient Map<String, Partition> partitions;
  private transient ListState<Tuple3<String, Long, Long>> state;
  private transient Counter lateMetric;
  private transient LongCounter late;
  private transient LongMaximum maxEventTime;
  /** Since the last {@link #report}: rows read, late events among them. */
  private transient long rowsSinceReport;
  private transient long lateSinceReport;
  private transient StringData lastTopic;
  private transient int lastPartitionNumber;
  private transient Partition lastPartition;

  /**
   * @param startWatermarkMs the table's completeness watermark committed before the job started
   *     ({@link Long#MIN_VALUE} when none)
   * @param backlogEnds end offset of each {@code topic-partition} when the job started
   */
  public LatenessFunction(String label, Duration outOfOrderness, long startWatermarkMs,
      Map<String, Long> backlogEnds, RowLayout layout) {
    this.label = label;
    this.outOfOrdernessMs = outOfOrderness.toMillis();
    this.startWatermarkMs = startWatermarkMs;
    this.backlogEnds = new HashMap<>(backlogEnds);
    this.eventTimePosition = layout.position(TableSchemas.EVENT_TIME);
    this.ingestTimePosition = layout.position(TableSchemas.INGEST_TIME);
    this.topicPosition = layout.position(TableSchemas.KAFKA_TOPIC);
    this.partitionPosition = layout.position(TableSchemas.KAFKA_PARTITION);
    this.offsetPosition = layout.position(TableSchemas.KAFKA_OFFSET);
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
    Partition p = partition(row);
    p.read = true;
    p.offset = Math.max(p.offset, row.getLong(offsetPosition));
    p.lastReadMs = row.getTimestamp(ingestTimePosition, RawRows.TIMESTAMP_PRECISION)
        .getMillisecond();
    if (row.isNullAt(eventTimePosition)) {
      return; // a dead letter's position: nothing to write
    }
    long eventTime = row.getTimestamp(eventTimePosition, RawRows.TIMESTAMP_PRECISION)
        .getMillisecond();
    long threshold = startWatermarkMs;
    boolean backlog = p.offset < p.backlogEnd;
    if (!backlog && p.maxEventTimeMs != Long.MIN_VALUE) {
      threshold = Math.max(threshold, p.maxEventTimeMs - outOfOrdernessMs);
    }
    if (eventTime < threshold) {
      late.add(1);
      lateMetric.inc();
      lateSinceReport++;
    }
    rowsSinceReport++;
    long claimed = Math.min(eventTime, p.lastReadMs);
    if (claimed > p.maxEventTimeMs) {
      p.maxEventTimeMs = claimed;
    }
    maxEventTime.add(claimed);
    out.collect(row);
  }

  /**
   * What this subtask read, for the checkpoint about to be taken (see {@link LatenessOperator}):
   * every partition it has read from since the job started. Partitions it only knows from restored
   * state are left to the reader that owns them (union state gives every subtask every partition);
   * the committer keeps their last status ({@link RawTableCommitter}).
   */
  ProgressReport report(long checkpointId, int subtask) {
    int n = 0;
    for (Partition p : partitions.values()) {
      if (p.read && p.maxEventTimeMs != Long.MIN_VALUE) {
        n++;
      }
    }
    String[] names = new String[n];
    long[] watermarks = new long[n];
    long[] lastRead = new long[n];
    boolean[] catchingUp = new boolean[n];
    int i = 0;
    for (Map.Entry<String, Partition> e : partitions.entrySet()) {
      Partition p = e.getValue();
      if (!p.read || p.maxEventTimeMs == Long.MIN_VALUE) {
        continue;
      }
      names[i] = e.getKey();
      watermarks[i] = p.maxEventTimeMs - outOfOrdernessMs;
      lastRead[i] = p.lastReadMs;
      catchingUp[i] = p.offset + 1 < p.backlogEnd;
      i++;
    }
    ProgressReport r = new ProgressReport(checkpointId, subtask, rowsSinceReport, lateSinceReport,
        names, watermarks, lastRead, catchingUp);
    rowsSinceReport = 0;
    lateSinceReport = 0;
    return r;
  }

  /**
   * The partition of the row; the one of the previous row is reused while it stays the same (a
   * source subtask emits runs of rows from one partition), so that the common case builds no string
   * and decodes no topic name.
   */
  private Partition partition(RowData row) {
    StringData topic = row.getString(topicPosition);
    int number = row.getInt(partitionPosition);
    if (lastPartition == null || number != lastPartitionNumber || !topic.equals(lastTopic)) {
      lastTopic = BinaryStringData.fromString(topic.toString());
      lastPartitionNumber = number;
      lastPartition = partitions.computeIfAbsent(topic + "-" + number, this::newPartition);
    }
    return lastPartition;
  }

  private Partition newPartition(String name) {
    Partition p = new Partition();
    p.backlogEnd = backlogEnds.getOrDefault(name, 0L);
    p.lastReadMs = System.currentTimeMillis();
    return p;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    state.clear();
    for (Map.Entry<String, Partition> e : partitions.entrySet()) {
      state.add(Tuple3.of(e.getKey(), e.getValue().maxEventTimeMs, e.getValue().offset));
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    partitions = new HashMap<>();
    // union state: after rescaling every subtask sees every partition (harmless extra entries for
    // partitions it no longer reads: they report what the previous owner read, which is true)
    state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
        "partition-progress",
        TypeInformation.of(new TypeHint<Tuple3<String, Long, Long>>() {})));
    for (Tuple3<String, Long, Long> e : state.get()) {
      Partition p = partitions.computeIfAbsent(e.f0, this::newPartition);
      p.maxEventTimeMs = Math.max(p.maxEventTimeMs, e.f1);
      p.offset = Math.max(p.offset, e.f2);
    }
  }
}
