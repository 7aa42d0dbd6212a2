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
      Map.entry("run_id", "id of the run that wrote the row (random per run)"),
      Map.entry("corpus_run_id", "id of the corpus run that wrote the row (random per run)"),
      Map.entry("first_run_id", "id of the first run that used the key (random per run)"));

  private static final String SNAPSHOT_IDS = "Iceberg snapshot ids (random per commit)";
  private static final String WALL_CLOCK = "wall-clock time of the run";

  /**
   * Left out of one table only: the ledger's and the governance tables' timestamps, snapshot ids
   * and the run's deployment (its parameters name paths, masters and savepoints; its lease owner
   * names the host and process). Their counts and outcomes stay in the hash.
   */
  static final Map<String, Map<String, String>> BY_TABLE = Map.of(
      "raw.dead_letters", Map.of("kafka_timestamp",
          "the Kafka record's timestamp: when the producer sent it"),
      "governance.runs", Map.of(
          "started_at", WALL_CLOCK, "ended_at", WALL_CLOCK, "heartbeat_at", WALL_CLOCK,
          "lease_expires_at", WALL_CLOCK,
          "lease_owner", "host and process that ran the job",
          "parameters", "the deployment the job ran on (paths, masters, savepoints)",
          "input_snapshots", SNAPSHOT_IDS, "output_snapshots", SNAPSHOT_IDS),
      "governance.check_results", Map.of("checked_at", WALL_CLOCK,
          "input_snapshot_id", SNAPSHOT_IDS),
      "governance.metrics", Map.of("computed_at", WALL_CLOCK),
      "governance.privacy_results", Map.of("recorded_at", WALL_CLOCK),
      "governance.pseudonym_keys", Map.of("first_used_at", WALL_CLOCK));

  private DigestExclusions() {}

  static boolean excluded(TableName table, String column) {
    return EVERYWHERE.containsKey(column)
        || BY_TABLE.getOrDefault(table.toString(), Map.of()).containsKey(column);
  }

  static Set<String> tablesWithOwnExclusions() {
    return BY_TABLE.keySet();
  }
}
