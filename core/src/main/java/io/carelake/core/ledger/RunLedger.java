package io.carelake.core.ledger;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;

/**
 * Appends run records to {@code governance.runs} with the plain Iceberg API, so that Spark jobs,
 * the Flink job and the launcher record runs the same way. Each record is one small commit; the
 * table is compacted by maintenance like any other.
 */
public final class RunLedger {

  private final Catalog catalog;

  public RunLedger(Catalog catalog) {
    this.catalog = catalog;
  }

  public Table table() {
    return CatalogFactory.createIfMissing(catalog, Tables.GOVERNANCE_RUNS,
        TableSchemas.GOVERNANCE_RUNS, TableSchemas.runsSpec());
  }

  public void record(RunRecord run) {
    Table table = table();
    GenericRecord row = GenericRecord.create(table.schema());
    row.setField("run_id", run.runId());
    row.setField("job", run.job());
    row.setField("version", run.version());
    row.setField("status", run.status().name());
    row.setField("started_at", run.startedAt().atOffset(ZoneOffset.UTC));
    row.setField("ended_at", run.endedAt().atOffset(ZoneOffset.UTC));
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

    String path = table.locationProvider().newDataLocation(
        "run-" + Instant.now().toEpochMilli() + "-" + UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(path);
    GenericAppenderFactory factory = new GenericAppenderFactory(table.schema(), table.spec());
    DataWriter<Record> writer = factory.newDataWriter(
        table.encryption().encrypt(out), FileFormat.PARQUET, null);
    try (writer) {
      writer.write(row);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run record to " + Tables.GOVERNANCE_RUNS, e);
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).set("carelake.run-id", run.runId()).commit();
  }
}
