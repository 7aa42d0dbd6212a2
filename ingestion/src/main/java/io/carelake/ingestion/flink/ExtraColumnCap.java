package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.events.EventKind;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.IngestSettings;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.types.Types;

/**
 * The table-wide cap on producer-added columns: each unknown field a producer sends becomes a
 * column of the raw table for good ({@code envelope.Extras}, at most 8 per message), so without a
 * cap a producer could grow a table without bound. A message whose extra fields would take its
 * raw table past {@code ingest.max-extra-columns} distinct added columns is refused (a dead
 * letter, {@code TOO_MANY_EXTRA_COLUMNS}); messages that only use columns already added still land.
 *
 * <p>Counted per parse subtask: the table's added columns when the subtask opens, plus those it
 * has admitted since. Two subtasks admitting different new names at the same moment can each
 * stay under the cap, so with parallelism p a table holds at most its columns at start plus
 * p × (cap − those); a restart counts again from the table.
 */
public final class ExtraColumnCap implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int max;
  private final CatalogLoader catalog;
  private transient Map<EventKind, Set<String>> added;

  /**
   * @param catalog where the raw tables' current columns are read on {@link #open()}; null: no
   *     column added yet (a test, or tables about to be created)
   */
  public ExtraColumnCap(int max, CatalogLoader catalog) {
    if (max < 0) {
      throw new IllegalArgumentException(IngestSettings.MAX_EXTRA_COLUMNS
          + " must be at least 0, got " + max);
    }
    this.max = max;
    this.catalog = catalog;
  }

  /** Reads the columns each raw table has beyond its base schema (producer-added ones). */
  public void open() {
    added = new EnumMap<>(EventKind.class);
    Catalog c = catalog == null ? null : catalog.loadCatalog();
    for (EventKind kind : EventKind.values()) {
      Set<String> names = new TreeSet<>();
      if (c != null && c.tableExists(CatalogFactory.identifier(table(kind)))) {
        Schema current = c.loadTable(CatalogFactory.identifier(table(kind))).schema();
        for (Types.NestedField f : current.columns()) {
          if (base(kind).findField(f.name()) == null) {
            names.add(f.name());
          }
        }
      }
      added.put(kind, names);
    }
  }

  /**
   * Admits a message's extra field names (remembering the new ones) or says why not: null when
   * admitted, else the dead letter's reason (the table, the cap, the key to raise).
   */
  public String admit(EventKind kind, Set<String> names) {
    if (names.isEmpty()) {
      return null;
    }
    if (added == null) {
      open();
    }
    Set<String> known = added.get(kind);
    Set<String> fresh = new TreeSet<>();
    for (String n : names) {
      if (!known.contains(n)) {
        fresh.add(n);
      }
    }
    if (fresh.isEmpty()) {
      return null;
    }
    if (known.size() + fresh.size() > max) {
      return "the message's unknown field(s) " + fresh + " would become new column(s) of "
          + table(kind) + ", which already has " + known.size() + " column(s) added by"
          + " producers; the cap is " + max + " (configuration key '"
          + IngestSettings.MAX_EXTRA_COLUMNS + "'): send the field inside a known one, or raise"
          + " the cap if the columns are wanted";
    }
    known.addAll(fresh);
    return null;
  }

  static TableName table(EventKind kind) {
    return kind == EventKind.VISIT ? Tables.RAW_VISITS : Tables.RAW_VITALS;
  }

  private static Schema base(EventKind kind) {
    return kind == EventKind.VISIT ? TableSchemas.RAW_VISITS : TableSchemas.RAW_VITALS;
  }
}
