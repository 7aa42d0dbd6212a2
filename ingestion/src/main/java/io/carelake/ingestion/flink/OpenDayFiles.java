package io.carelake.ingestion.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;

/**
 * The data files one writer subtask has open for one raw table: one per (schema, day partition),
 * and never more than {@code maxOpen} at a time. Opening one more first closes the one written
 * least recently, whose rows are then final for this checkpoint (a later row of that day opens a
 * new file). So memory is bounded by {@code maxOpen} Parquet writers (a few MiB each, mostly
 * column buffers), whatever the number of days one checkpoint sees — a catch-up over decades of
 * event time included — where Iceberg's own fan-out writer keeps one file per partition open
 * until the checkpoint.
 *
 * <p>The cost of an unordered backlog (a Synthea export, ordered by patient) is more, smaller
 * files — one per run of rows of one day — which {@code maintain} compacts; an ordered backlog or
 * live traffic (a day or two at a time) keeps one file per day and checkpoint.
 */
final class OpenDayFiles {

  private final int maxOpen;
  private final OutputFileFactory fileFactory;
  private final FileIO io;
  private final PartitionSpec spec;
  private final long targetFileSizeBytes;
  /** Access-ordered: the eldest entry is the file written least recently. */
  private final LinkedHashMap<Long, RollingDataWriter<Object>> open =
      new LinkedHashMap<>(16, 0.75f, true);
  private final List<DataFile> closed = new ArrayList<>();
  /** The file of the previous row, to skip the map while rows keep to one day. */
  private long currentKey = Long.MIN_VALUE;
  private RollingDataWriter<Object> current;
  private long closedEarly;

  OpenDayFiles(int maxOpen, OutputFileFactory fileFactory, FileIO io, PartitionSpec spec,
      long targetFileSizeBytes) {
    if (maxOpen < 1) {
      throw new IllegalArgumentException("At most " + maxOpen + " open files: must be at least 1");
    }
    this.maxOpen = maxOpen;
    this.fileFactory = fileFactory;
    this.io = io;
    this.spec = spec;
    this.targetFileSizeBytes = targetFileSizeBytes;
  }

  /** Writes {@code row} (in the layout of schema {@code schemaId}) to its day's file. */
  @SuppressWarnings("unchecked")
  void write(int schemaId, int day, FileWriterFactory<?> factory, Object row) {
    long key = ((long) schemaId << 32) | (day & 0xFFFFFFFFL);
    if (key != currentKey) {
      if (current != null) {
        open.get(currentKey); // the rows since the last switch count as an access
      }
      RollingDataWriter<Object> writer = open.get(key);
      if (writer == null) {
        while (open.size() >= maxOpen) {
          closeEldest();
        }
        writer = new RollingDataWriter<>((FileWriterFactory<Object>) factory, fileFactory, io,
            targetFileSizeBytes, spec, new DayPartition(day));
        open.put(key, writer);
      }
      currentKey = key;
      current = writer;
    }
    current.write(row);
  }

  private void closeEldest() {
    Iterator<Map.Entry<Long, RollingDataWriter<Object>>> eldest = open.entrySet().iterator();
    Map.Entry<Long, RollingDataWriter<Object>> e = eldest.next();
    eldest.remove();
    if (e.getKey() == currentKey) {
      currentKey = Long.MIN_VALUE;
      current = null;
    }
    close(e.getValue());
    closedEarly++;
  }

  /** Closes every open file; returns the files written since the previous call. */
  List<DataFile> closeAll() {
    for (RollingDataWriter<Object> writer : open.values()) {
      close(writer);
    }
    open.clear();
    currentKey = Long.MIN_VALUE;
    current = null;
    List<DataFile> files = new ArrayList<>(closed);
    closed.clear();
    return files;
  }

  /** Files closed before a checkpoint to stay within {@code maxOpen}, since this object exists. */
  long closedEarly() {
    return closedEarly;
  }

  /** Closes every open file and deletes every file not yet returned by {@link #closeAll}. */
  void abort() {
    for (DataFile file : closeAll()) {
      io.deleteFile(file.location());
    }
  }

  private void close(RollingDataWriter<Object> writer) {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not close a data file of day partition", e);
    }
    closed.addAll(writer.result().dataFiles());
  }

  /** The partition tuple of a table partitioned by {@code day(event_time)} alone. */
  private record DayPartition(int day) implements StructLike {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(day);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("A day partition is immutable");
    }
  }
}
