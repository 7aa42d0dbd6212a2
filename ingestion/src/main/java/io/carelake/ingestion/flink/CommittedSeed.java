package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What a job started without Flink state must treat as already landed (see
 * {@code ledger.StatelessStart}): the event ids committed to a raw table within the dedup TTL
 * (read by each dedup subtask for its own key groups), and the Kafka positions of committed dead
 * letters at or after the job's start offsets. Serialised into the job graph; read in
 * {@code open()} on the task managers through the catalog loader.
 */
public final class CommittedSeed implements Serializable {

  private static final long serialVersionUID = 1L;

  private final CatalogLoader catalog;
  /** {@code topic-partition} to the offset the job starts at. */
  private final Map<String, Long> startOffsets;
  private final long sinceEpochMillis;

  /**
   * @param since event ids ingested at or after this instant count as seen (the dedup TTL before
   *     the oldest table snapshot the start offsets were read from)
   */
  public CommittedSeed(CatalogLoader catalog, Map<String, Long> startOffsets, Instant since) {
    this.catalog = catalog;
    this.startOffsets = new HashMap<>(startOffsets);
    this.sinceEpochMillis = since.toEpochMilli();
  }

  private Table table(TableName name) {
    return catalog.loadCatalog().loadTable(CatalogFactory.identifier(name));
  }

  /** Event ids in {@code name} ingested since the seed instant that {@code mine} accepts. */
  public Set<String> eventIds(TableName name, Predicate<String> mine) {
    Set<String> ids = new HashSet<>();
    Table table = table(name);
    if (table.currentSnapshot() == null) {
      return ids;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
        .select(TableSchemas.EVENT_ID)
        .where(Expressions.greaterThanOrEqual(TableSchemas.INGEST_TIME, sinceEpochMillis * 1000))
        .build()) {
      for (Record r : rows) {
        String id = (String) r.getField(TableSchemas.EVENT_ID);
        if (mine.test(id)) {
          ids.add(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read committed event ids of " + name, e);
    }
    return ids;
  }

  /** {@code topic-partition@offset} of dead letters committed at or after the start offsets. */
  public Set<String> deadLetterPositions() {
    Set<String> positions = new HashSet<>();
    Table table = table(Tables.RAW_DEAD_LETTERS);
    if (table.currentSnapshot() == null) {
      return positions;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
        .select(TableSchemas.KAFKA_TOPIC, TableSchemas.KAFKA_PARTITION, TableSchemas.KAFKA_OFFSET)
        .build()) {
      for (Record r : rows) {
        String partition = r.getField(TableSchemas.KAFKA_TOPIC) + "-"
            + r.getField(TableSchemas.KAFKA_PARTITION);
        Long from = startOffsets.get(partition);
        long offset = (Long) r.getField(TableSchemas.KAFKA_OFFSET);
        if (from != null && offset >= from) {
          positions.add(partition + "@" + offset);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read committed dead letters", e);
    }
    return positions;
  }
}
