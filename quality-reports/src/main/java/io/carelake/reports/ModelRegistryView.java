package io.carelake.reports;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code models.registry} as the report shows it: per outcome the iteration each alias (champion,
 * challenger) points at now, and every move of it, newest first, each joined to the gate decision
 * that made it ({@code evaluation.gate_decisions}: the row of the move's {@code decision_run_id},
 * iteration, outcome and alias). A move whose decision is not in the table is shown with
 * {@code gateFound} false, not dropped. The registry is an append-only list of moves, a few rows
 * per outcome: it is read whole.
 */
public record ModelRegistryView(List<Alias> current, List<Move> history) {

  public ModelRegistryView {
    current = List.copyOf(current);
    history = List.copyOf(history);
  }

  /** Where an alias points now: the move with the highest version for (outcome, alias). */
  public record Alias(String outcome, String alias, String iterationId, long version,
      String movedAt, String decisionRunId) {}

  /**
   * One move of an alias, with the gate decision that made it: its decision, comparator and
   * reasons ({@code gateFound} false: no row of evaluation.gate_decisions matches).
   */
  public record Move(String outcome, String alias, long version, String iterationId,
      String previousIterationId, String decisionRunId, String specSha256, String movedAt,
      boolean gateFound, String decision, String comparatorId, List<String> reasons) {
    public Move {
      reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
  }

  static ModelRegistryView none() {
    return new ModelRegistryView(List.of(), List.of());
  }

  private static final String[] COLUMNS = {"outcome", "alias", "version", "iteration_id",
      "previous_iteration_id", "decision_run_id", "spec_sha256", "moved_at"};

  static ModelRegistryView read(Optional<Dataset<Row>> registry,
      Optional<Dataset<Row>> gateDecisions) {
    if (registry.isEmpty()) {
      return none();
    }
    DataType[] types = new DataType[COLUMNS.length];
    java.util.Arrays.fill(types, DataTypes.StringType);
    types[2] = DataTypes.LongType;
    types[7] = DataTypes.TimestampType;
    List<Row> moves = RunResults.select(registry.get(), COLUMNS, types)
        .orderBy(col("outcome"), col("alias"), col("version").desc()).collectAsList();
    Map<String, Row> gates = new LinkedHashMap<>();
    List<String> runIds = moves.stream().map(r -> r.getString(5)).distinct().toList();
    if (gateDecisions.isPresent() && !runIds.isEmpty()) {
      for (Row g : gateDecisions.get().filter(col("run_id").isin(runIds.toArray()))
          .select("run_id", "iteration_id", "outcome", "alias", "decision", "comparator_id",
              "reasons").collectAsList()) {
        gates.put(key(g.getString(0), g.getString(1), g.getString(2), g.getString(3)), g);
      }
    }
    List<Alias> current = new ArrayList<>();
    List<Move> history = new ArrayList<>();
    for (Row m : moves) {
      String movedAt = LedgerStages.iso(m.get(7));
      long version = m.isNullAt(2) ? 0 : m.getLong(2);
      boolean newest = current.stream().noneMatch(a -> a.outcome().equals(m.getString(0))
          && a.alias().equals(m.getString(1)));
      if (newest) {
        current.add(new Alias(m.getString(0), m.getString(1), m.getString(3), version, movedAt,
            m.getString(5)));
      }
      Row g = gates.get(key(m.getString(5), m.getString(3), m.getString(0), m.getString(1)));
      history.add(new Move(m.getString(0), m.getString(1), version, m.getString(3),
          m.getString(4), m.getString(5), m.getString(6), movedAt, g != null,
          g == null ? null : g.getString(4), g == null ? null : g.getString(5),
          g == null || g.isNullAt(6) ? List.of() : g.getList(6)));
    }
    return new ModelRegistryView(current, history);
  }

  private static String key(String runId, String iterationId, String outcome, String alias) {
    return runId + "\u0000" + iterationId + "\u0000" + outcome + "\u0000" + alias;
  }

  /** Every iteration the registry names (current holders and past ones), in order of first mention. */
  List<String> iterationIds() {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    current.forEach(a -> ids.add(a.iterationId()));
    history.forEach(m -> ids.add(m.iterationId()));
    return List.copyOf(ids);
  }
}
