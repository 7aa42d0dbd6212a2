package io.carelake.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import io.carelake.core.tables.TableSchemas;
import io.carelake.core.time.Interval;
import io.carelake.spark.IcebergWrites;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * What the interval set aside, broken down: quarantined rows by the rule that sent them there
 * (a row failing two rules counts under both) and dead letters by error code. Counts below
 * {@value #SMALL_CELL} are shown as {@code < 5} (and, when exactly one cell of a table would be
 * suppressed, the next smallest too, so that no suppressed cell can be worked out from a total).
 * Records are named by masked keys only: the first 12 hex digits of the SHA-256 of the event id
 * (quarantine) or of {@code topic:partition:offset} (dead letters), three per cell that is shown.
 * An auditor with access finds the record with
 * {@code WHERE substr(sha2(event_id, 256), 1, 12) = '<key>'}.
 *
 * <p>Only the counts and up to three hashes per cell reach the driver.
 */
public record SetAside(int smallCellThreshold, String keyMasking, List<Cell> quarantine,
    List<Cell> deadLetters, String deadLetterScope) {

  /** Cells below this count are suppressed. */
  public static final int SMALL_CELL = 5;
  static final int EXAMPLES = 3;
  static final String MASKING = "first 12 hex digits of SHA-256(event_id), or of"
      + " topic:partition:offset for dead letters";

  public SetAside {
    quarantine = List.copyOf(quarantine);
    deadLetters = List.copyOf(deadLetters);
  }

  static SetAside none() {
    return new SetAside(SMALL_CELL, MASKING, List.of(), List.of(), null);
  }

  /**
   * One cell: {@code rows} null when suppressed (then {@code exampleKeys} is empty too).
   *
   * @param group the quarantine table, or {@code raw.dead_letters}
   * @param reason the rule id, or the dead letter's error code
   */
  public record Cell(String group, String reason, Long rows, boolean suppressed,
      List<String> exampleKeys) {}

  /**
   * @param quarantines the quarantine tables (name → the table at the cited snapshot)
   * @param deadLetters raw.dead_letters at the cited snapshot, if it exists
   */
  static SetAside read(Map<String, Dataset<Row>> quarantines, Optional<Dataset<Row>> deadLetters,
      String governRunId, Interval interval) {
    List<Cell> quarantine = new ArrayList<>();
    if (governRunId != null) {
      for (Map.Entry<String, Dataset<Row>> q : quarantines.entrySet()) {
        Dataset<Row> rows = q.getValue()
            .filter(col("governance_run_id").equalTo(governRunId))
            .filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval))
            .select(explode(col("failed_rules")).as("reason"), masked(col("event_id")));
        quarantine.addAll(suppress(q.getKey(), counted(rows)));
      }
    }
    List<Cell> dead = deadLetters.map(d -> suppress("raw.dead_letters", counted(d
        .filter(IcebergWrites.inInterval(TableSchemas.INGEST_TIME, interval))
        .select(col("error_code").as("reason"), masked(concat_ws(":", col("kafka_topic"),
            col("kafka_partition"), col("kafka_offset")))))))
        .orElse(List.of());
    return new SetAside(SMALL_CELL, MASKING, quarantine, dead,
        "dead letters whose ingest time is in the interval (they have no trustworthy event time)");
  }

  private static Column masked(Column key) {
    return substring(sha2(key.cast("string"), 256), 1, 12).as("key");
  }

  /** reason → (count, the smallest masked keys): one aggregate and one ranked pick per reason. */
  private static Map<String, Cell> counted(Dataset<Row> reasonAndKey) {
    Map<String, Cell> cells = new LinkedHashMap<>();
    for (Row r : reasonAndKey.groupBy("reason").count().orderBy("reason").collectAsList()) {
      cells.put(r.getString(0), new Cell(null, r.getString(0), r.getLong(1), false,
          new ArrayList<>()));
    }
    Dataset<Row> examples = reasonAndKey.withColumn("_n", functions.row_number()
            .over(Window.partitionBy("reason").orderBy("key")))
        .filter(col("_n").leq(EXAMPLES)).select("reason", "key").orderBy("reason", "key");
    for (Row r : examples.collectAsList()) {
      cells.get(r.getString(0)).exampleKeys().add(r.getString(1));
    }
    return cells;
  }

  /**
   * Suppresses counts of 1 to {@value #SMALL_CELL} - 1 and, when that leaves exactly one cell of
   * the group suppressed, the smallest other cell as well.
   */
  static List<Cell> suppress(String group, Map<String, Cell> cells) {
    List<Cell> in = new ArrayList<>(cells.values());
    List<String> hide = new ArrayList<>();
    in.stream().filter(c -> c.rows() > 0 && c.rows() < SMALL_CELL).forEach(c -> hide.add(c.reason()));
    if (hide.size() == 1) {
      in.stream().filter(c -> !hide.contains(c.reason()) && c.rows() > 0)
          .min(Comparator.comparing(Cell::rows).thenComparing(Cell::reason))
          .ifPresent(c -> hide.add(c.reason()));
    }
    List<Cell> out = new ArrayList<>();
    for (Cell c : in) {
      boolean hidden = hide.contains(c.reason());
      out.add(new Cell(group, c.reason(), hidden ? null : c.rows(), hidden,
          hidden ? List.of() : List.copyOf(c.exampleKeys())));
    }
    return out;
  }
}
