package io.carelake.ingestion;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.ledger.StatelessStart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * The raw tables ingest writes ({@code raw.visits}, {@code raw.vitals}, {@code raw.dead_letters}),
 * created when missing and prepared for the Flink committer.
 */
final class RawTables {

  /**
   * Table property that makes Iceberg's Flink committer commit on every checkpoint, even with no
   * new files: all three raw tables then record every checkpoint id, which is what lets a start
   * without state find the last checkpoint all of them hold ({@link StatelessStart}).
   */
  static final String MAX_CONTINUOUS_EMPTY_COMMITS = "flink.max-continuous-empty-commits";

  private RawTables() {}

  /** The three raw tables by name, in that order, each created if missing and prepared. */
  static Map<TableName, Table> open(Catalog catalog) {
    Map<TableName, Table> tables = new LinkedHashMap<>();
    tables.put(Tables.RAW_VISITS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS,
        TableSchemas.RAW_VISITS, TableSchemas.rawVisitsSpec()));
    tables.put(Tables.RAW_VITALS, CatalogFactory.createIfMissing(catalog, Tables.RAW_VITALS,
        TableSchemas.RAW_VITALS, TableSchemas.rawVitalsSpec()));
    tables.put(Tables.RAW_DEAD_LETTERS, CatalogFactory.createIfMissing(catalog,
        Tables.RAW_DEAD_LETTERS, TableSchemas.RAW_DEAD_LETTERS, TableSchemas.deadLettersSpec()));
    for (TableName name : List.of(Tables.RAW_VISITS, Tables.RAW_VITALS)) {
      Table table = tables.get(name);
      if (table.currentSnapshot() == null) {
        // the DynamicIcebergSink's writers would race to create the main branch of an empty
        // table (harmless retries, noisy warnings): give it a first, empty snapshot
        table.newFastAppend().commit();
        table.refresh();
      }
    }
    for (Table table : tables.values()) {
      if (!"1".equals(table.properties().get(MAX_CONTINUOUS_EMPTY_COMMITS))) {
        table.updateProperties().set(MAX_CONTINUOUS_EMPTY_COMMITS, "1").commit();
        table.refresh();
      }
    }
    return tables;
  }
}
