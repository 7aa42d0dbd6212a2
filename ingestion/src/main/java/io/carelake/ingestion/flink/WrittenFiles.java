package io.carelake.ingestion.flink;

/**
 * The data files one {@link RawTableWriter} subtask wrote for one checkpoint, as a temporary
 * Iceberg manifest (encoded {@code ManifestFile}): sent to the table's {@link RawTableCommitter}
 * just before the checkpoint barrier, so it belongs to that checkpoint. A Flink POJO.
 */
public final class WrittenFiles {

  public long checkpointId;
  public int subtask;
  /** {@code ManifestFiles.encode} of the manifest listing the files. */
  public byte[] manifest;
  public int files;
  public long rows;

  public WrittenFiles() {}

  WrittenFiles(long checkpointId, int subtask, byte[] manifest, int files, long rows) {
    this.checkpointId = checkpointId;
    this.subtask = subtask;
    this.manifest = manifest;
    this.files = files;
    this.rows = rows;
  }

  @Override
  public String toString() {
    return "WrittenFiles{checkpoint " + checkpointId + ", subtask " + subtask + ", " + files
        + " files, " + rows + " rows}";
  }
}
