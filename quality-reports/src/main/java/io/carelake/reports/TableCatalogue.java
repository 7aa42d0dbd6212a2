package io.carelake.reports;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.SparkSession;

/**
 * Row counts and current snapshot ids of the carelake tables that exist.
 *
 * <p>The count comes from the snapshot summary's {@code total-records} when it can be trusted: it is
 * metadata, so reporting nineteen tables costs no scan. {@code total-records} counts rows in data
 * files and ignores delete files, so when the snapshot carries position or equality deletes
 * (merge-on-read updates, deletion vectors) or the summary lacks the figure, the table is counted
 * with Spark at that same snapshot instead. Either way the number belongs to the snapshot id beside it.
 */
final class TableCatalogue {

  static final String FROM_SUMMARY = "snapshot-summary";
  static final String FROM_COUNT = "count";

  private TableCatalogue() {}

  static List<Report.TableEntry> read(SparkSession spark, Catalog catalog, String catalogName,
      List<TableName> tables) {
    List<Report.TableEntry> entries = new ArrayList<>();
    for (TableName name : tables) {
      TableIdentifier id = CatalogFactory.identifier(name);
      if (!catalog.tableExists(id)) {
        continue;
      }
      Table table = catalog.loadTable(id);
      table.refresh();
      Snapshot snapshot = table.currentSnapshot();
      if (snapshot == null) {
        entries.add(new Report.TableEntry(name.toString(), 0, null, FROM_SUMMARY));
        continue;
      }
      Long summarised = trustedTotal(snapshot.summary());
      if (summarised != null) {
        entries.add(new Report.TableEntry(name.toString(), summarised, snapshot.snapshotId(),
            FROM_SUMMARY));
      } else {
        long counted = spark.sql("SELECT count(*) FROM " + name.in(catalogName)
            + " VERSION AS OF " + snapshot.snapshotId()).first().getLong(0);
        entries.add(new Report.TableEntry(name.toString(), counted, snapshot.snapshotId(),
            FROM_COUNT));
      }
    }
    return entries;
  }

  /** {@code total-records} when no delete file can make it overcount, else null. */
  static Long trustedTotal(Map<String, String> summary) {
    Long records = number(summary.get(SnapshotSummary.TOTAL_RECORDS_PROP));
    Long positionDeletes = number(summary.get(SnapshotSummary.TOTAL_POS_DELETES_PROP));
    Long equalityDeletes = number(summary.get(SnapshotSummary.TOTAL_EQ_DELETES_PROP));
    Long deleteFiles = number(summary.get(SnapshotSummary.TOTAL_DELETE_FILES_PROP));
    boolean noDeletes = isZeroOrAbsent(positionDeletes) && isZeroOrAbsent(equalityDeletes)
        && isZeroOrAbsent(deleteFiles);
    return records != null && noDeletes ? records : null;
  }

  private static boolean isZeroOrAbsent(Long n) {
    return n == null || n == 0L;
  }

  private static Long number(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
