package io.carelake.reports;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.IcebergWrites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.SparkSession;

/**
 * Checks that hold between stages, beyond each run's own in = out + set aside:
 *
 * <ul>
 *   <li>govern's rows in = the raw rows of the interval (raw.visits + raw.vitals, event time in
 *       the interval) at the snapshots govern read, as recorded in its input snapshots;
 *   <li>deidentify's rows in = govern's rows out (safe.* is built from curated.*).
 * </ul>
 *
 * A check is made only when both sides exist. Raw rows of an interval are counted from Iceberg
 * metadata (the record counts of the data files whose day partitions lie in the interval) when
 * that is exact, and by a Spark count at the same snapshot otherwise (unaligned partitions, or
 * delete files).
 */
final class CrossChecks {

  /** The raw tables govern reads, in the order it reads them. */
  static final List<TableName> GOVERNED_RAW = List.of(Tables.RAW_VISITS, Tables.RAW_VITALS);

  static final String GOVERN_VS_RAW = "govern.rows_in = raw rows of the interval";
  static final String DEIDENTIFY_VS_GOVERN = "deidentify.rows_in = govern.rows_out";

  private CrossChecks() {}

  static List<Report.CrossCheck> compute(SparkSession spark, Catalog catalog, String catalogName,
      List<Report.Stage> stages, Interval interval) {
    Map<String, Report.Stage> byJob = new LinkedHashMap<>();
    stages.forEach(s -> byJob.put(s.job(), s));
    List<Report.CrossCheck> checks = new ArrayList<>();

    Report.Stage govern = byJob.get("govern");
    if (govern != null) {
      checks.add(governVsRaw(spark, catalog, catalogName, govern, interval));
    }
    Report.Stage deidentify = byJob.get("deidentify");
    if (govern != null && deidentify != null) {
      checks.add(Report.CrossCheck.of(DEIDENTIFY_VS_GOVERN, "govern run " + govern.runId()
          + " rows_out", govern.rowsOut(), "deidentify run " + deidentify.runId() + " rows_in",
          deidentify.rowsIn(), Map.of(), null));
    }
    return checks;
  }

  private static Report.CrossCheck governVsRaw(SparkSession spark, Catalog catalog,
      String catalogName, Report.Stage govern, Interval interval) {
    long raw = 0;
    Map<String, Long> snapshots = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (TableName table : GOVERNED_RAW) {
      TableIdentifier id = CatalogFactory.identifier(table);
      if (!catalog.tableExists(id)) {
        notes.add(table + " does not exist (0 rows)");
        continue;
      }
      Table t = catalog.loadTable(id);
      t.refresh();
      Long read = govern.snapshots().inputs().get(table.toString());
      Snapshot current = t.currentSnapshot();
      Long snapshot = read != null ? read : current == null ? null : current.snapshotId();
      if (read == null) {
        notes.add("govern recorded no snapshot of " + table + ": counted at the current one");
      } else if (t.snapshot(read) == null) {
        notes.add(table + " snapshot " + read + " that govern read has expired: counted at the"
            + " current one");
        snapshot = current == null ? null : current.snapshotId();
      } else if (current != null && current.snapshotId() != read) {
        notes.add(table + " has changed since govern read it (snapshot " + read + ", now "
            + current.snapshotId() + "); rerun govern to include late events");
      }
      if (snapshot == null) {
        continue;
      }
      snapshots.put(table.toString(), snapshot);
      raw += rowsInInterval(spark, t, table.in(catalogName), snapshot, interval);
    }
    return Report.CrossCheck.of(GOVERN_VS_RAW, "raw.visits + raw.vitals rows with event_time in "
        + interval, raw, "govern run " + govern.runId() + " rows_in", govern.rowsIn(), snapshots,
        notes.isEmpty() ? null : String.join("; ", notes));
  }

  /**
   * Rows of {@code table} at {@code snapshot} whose event time lies in the interval: from metadata
   * when {@link #rowsFromMetadata} can tell exactly, else a Spark count at that snapshot.
   */
  static long rowsInInterval(SparkSession spark, Table table, String sparkName, long snapshot,
      Interval interval) {
    Long fromMetadata = rowsFromMetadata(table, sparkName, snapshot, interval);
    if (fromMetadata != null) {
      return fromMetadata;
    }
    return spark.sql("SELECT * FROM " + sparkName + " VERSION AS OF " + snapshot)
        .filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval)).count();
  }

  /**
   * The sum of the data files' record counts when every file the interval's filter matches lies
   * wholly inside the interval (day partitions of event time) and carries no delete file; null
   * when that cannot be told from metadata.
   */
  static Long rowsFromMetadata(Table table, String sparkName, long snapshot, Interval interval) {
    if (table.schema().findField(TableSchemas.EVENT_TIME) == null) {
      throw new IllegalStateException(sparkName + " has no column " + TableSchemas.EVENT_TIME
          + "; the raw tables must follow core TableSchemas (re-create the table or fix ingestion)");
    }
    Expression inInterval = Expressions.and(
        Expressions.greaterThanOrEqual(TableSchemas.EVENT_TIME, micros(interval.start())),
        Expressions.lessThan(TableSchemas.EVENT_TIME, micros(interval.end())));
    long rows = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot)
        .filter(inInterval).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()
            || task.residual().op() != Expression.Operation.TRUE) {
          return null;
        }
        rows += task.file().recordCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan a scan of " + sparkName + " at snapshot "
          + snapshot, e);
    }
    return rows;
  }

  private static long micros(java.time.LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
  }
}
