package io.carelake.ingestion.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.OutputTag;

/**
 * Runs a {@link LatenessFunction} and, just before each checkpoint barrier leaves it, emits a
 * {@link ProgressReport} of what the subtask read to the {@link #PROGRESS} side output. Emitted
 * before the barrier, the report belongs to the same checkpoint as the rows it describes. The
 * function's state is snapshotted exactly as when it ran in a plain process operator, so state
 * saved by either restores in the other under the same uid.
 */
public final class LatenessOperator extends ProcessOperator<RowData, RowData> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<ProgressReport> PROGRESS =
      new OutputTag<>("ingest-progress", TypeInformation.of(ProgressReport.class));

  public LatenessOperator(LatenessFunction function) {
    super(function);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    ProgressReport report = ((LatenessFunction) userFunction).report(checkpointId,
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    output.collect(PROGRESS, new StreamRecord<>(report));
  }
}
