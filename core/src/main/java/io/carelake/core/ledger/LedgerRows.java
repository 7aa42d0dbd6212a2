package io.carelake.core.ledger;

import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;

/**
 * governance.runs rows ↔ data files, with the plain Iceberg API. Each run's row is written alone
 * in a file named after the run, so that it can be replaced by replacing its file.
 */
final class LedgerRows {

  /** A run's lease while it is RUNNING: last heartbeat, expiry, holder. */
  record Lease(Instant heartbeatAt, Instant expiresAt, LeaseOwner owner) {}

  /** A row as read back, with the file it is in (the file holds that row only). */
  record Located(DataFile file, List<Record> rows) {}

  private LedgerRows() {}

  static Record toRecord(Schema schema, RunRecord run, Lease lease) {
    GenericRecord row = GenericRecord.create(schema);
    row.setField("run_id", run.runId());
    row.setField("job", run.job());
    row.setField("version", run.version());
    row.setField("status", run.status().name());
    row.setField("started_at", utc(run.startedAt()));
    row.setField("ended_at", utc(run.endedAt()));
    row.setField("interval_start", run.interval() == null ? null : run.interval().start());
    row.setField("interval_end", run.interval() == null ? null : run.interval().end());
    row.setField("parameters", run.parameters());
    row.setField("spec_hash", run.specHash());
    row.setField("input_snapshots", run.inputSnapshots());
    row.setField("output_snapshots", run.outputSnapshots());
    row.setField("rows_in", run.rowsIn());
    row.setField("rows_out", run.rowsOut());
    row.setField("rows_set_aside", run.rowsSetAside());
    row.setField("counts", run.counts());
    row.setField("message", run.message());
    if (schema.findField("lease_owner") != null) {
      row.setField("heartbeat_at", lease == null ? null : utc(lease.heartbeatAt()));
      row.setField("lease_expires_at", lease == null ? null : utc(lease.expiresAt()));
      row.setField("lease_owner", lease == null || lease.owner() == null ? null
          : lease.owner().toString());
    }
    return row;
  }

  @SuppressWarnings("unchecked")
  static RunRecord toRun(Record r) {
    LocalDate start = (LocalDate) r.getField("interval_start");
    LocalDate end = (LocalDate) r.getField("interval_end");
    return new RunRecord((String) r.getField("run_id"), (String) r.getField("job"),
        (String) r.getField("version"), RunStatus.valueOf((String) r.getField("status")),
        instant(r.getField("started_at")), instant(r.getField("ended_at")),
        start == null || end == null ? null : new Interval(start, end),
        orEmpty((Map<String, String>) r.getField("parameters")), (String) r.getField("spec_hash"),
        orEmpty((Map<String, Long>) r.getField("input_snapshots")),
        orEmpty((Map<String, Long>) r.getField("output_snapshots")),
        (Long) r.getField("rows_in"), (Long) r.getField("rows_out"),
        (Long) r.getField("rows_set_aside"), orEmpty((Map<String, Long>) r.getField("counts")),
        (String) r.getField("message"));
  }

  static Lease leaseOf(Record r) {
    if (r.struct().field("lease_owner") == null) {
      return new Lease(null, null, null);
    }
    return new Lease(instant(r.getField("heartbeat_at")), instant(r.getField("lease_expires_at")),
        LeaseOwner.parse((String) r.getField("lease_owner")).orElse(null));
  }

  /**
   * Writes one run's row into a new data file of the table (not committed), named after the run
   * ({@link #fileTag}) so that {@link #scan} can tell which file to replace.
   */
  static DataFile write(Table table, Record row) {
    String path = table.locationProvider().newDataLocation(fileTag(runId(row))
        + Instant.now().toEpochMilli() + "-" + UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(path);
    GenericAppenderFactory factory = new GenericAppenderFactory(table.schema(), table.spec());
    DataWriter<Record> writer = factory.newDataWriter(
        table.encryption().encrypt(out), FileFormat.PARQUET, null);
    try (writer) {
      writer.write(row);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run record to " + Tables.GOVERNANCE_RUNS, e);
    }
    return writer.toDataFile();
  }

  /**
   * The rows of {@code snapshot} matching {@code filter}, each with the data file that holds it
   * (found by the run id in the file's name: see {@link #write}). Rows are read with Iceberg's
   * generic reader, whose Parquet classes are the engine's own (shaded in the Spark and Flink
   * runtimes), so no Parquet type appears here.
   */
  static List<Located> scan(Table table, Snapshot snapshot, Expression filter) {
    List<Located> out = new ArrayList<>();
    if (snapshot == null) {
      return out;
    }
    Map<String, DataFile> files = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId())
        .filter(filter).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new IllegalStateException(Tables.GOVERNANCE_RUNS + " has delete files ("
              + task.file().location() + "); the ledger replaces whole files and cannot read"
              + " merge-on-read deletes: rewrite the table's data files (rewrite_data_files)");
        }
        files.put(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan a scan of " + Tables.GOVERNANCE_RUNS, e);
    }
    if (files.isEmpty()) {
      return out;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
        .useSnapshot(snapshot.snapshotId()).where(filter).build()) {
      for (Record row : rows) {
        out.add(new Located(fileOf(files, runId(row)), List.of(row.copy())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + Tables.GOVERNANCE_RUNS, e);
    }
    return out;
  }

  /** The file a run's row is in: the one named after the run, alone in it. */
  private static DataFile fileOf(Map<String, DataFile> files, String runId) {
    String tag = fileTag(runId);
    DataFile found = null;
    for (DataFile f : files.values()) {
      if (f.location().contains(tag)) {
        found = f;
      }
    }
    if (found == null || found.recordCount() != 1) {
      throw new IllegalStateException(Tables.GOVERNANCE_RUNS + " holds run " + runId + " in a file"
          + " with other rows or under another name (was the table compacted?); the ledger"
          + " replaces a run's row by replacing its one-row file. Do not compact governance.runs"
          + " while a run is RUNNING; end or remove that run's row by hand, then rerun.");
    }
    return found;
  }

  /** The part of a data file's name that says whose row it holds. */
  static String fileTag(String runId) {
    return "run-" + runId.replaceAll("[^A-Za-z0-9_-]", "_") + "-";
  }

  static String runId(Record r) {
    return (String) r.getField("run_id");
  }

  static RunStatus status(Record r) {
    return RunStatus.valueOf((String) r.getField("status"));
  }

  /** The schema of a new ledger table; an older table gets its missing columns added. */
  static Schema schema() {
    return TableSchemas.GOVERNANCE_RUNS;
  }

  static List<Types.NestedField> missingColumns(Schema have) {
    return schema().columns().stream().filter(c -> have.findField(c.name()) == null).toList();
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Object value) {
    return value == null ? null : ((OffsetDateTime) value).toInstant();
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : new LinkedHashMap<>(m);
  }
}
