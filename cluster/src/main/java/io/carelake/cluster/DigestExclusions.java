package io.carelake.cluster;

import io.carelake.core.tables.TableName;
import java.util.Map;
import java.util.Set;

/**
 * The columns {@code carelake digest} leaves out, and why: values that two correct runs of the
 * same input do not share. Everything else is content and must be identical. A column is left
 * out only by name here, so the list is the whole story (README.md, "Comparing deployments").
 */
final class DigestExclusions {

  /** Left out of every table that has them. */
  static final Map<String, String> EVERYWHERE = Map.ofEntries(
      Map.entry("ingest_time", "wall-clock time ingestion first saw the event"),
      Map.entry("governance_run_id", "id of the govern run that wrote the row (random per run)"),
      Map.entry("run_id", "id of the run that wrote the row (random per run)"));

  /** Left out of one table only. */
  static final Map<String, Map<String, String>> BY_TABLE = Map.of();

  private DigestExclusions() {}

  static boolean excluded(TableName table, String column) {
    return EVERYWHERE.containsKey(column)
        || BY_TABLE.getOrDefault(table.toString(), Map.of()).containsKey(column);
  }

  static Set<String> tablesWithOwnExclusions() {
    return BY_TABLE.keySet();
  }
}
