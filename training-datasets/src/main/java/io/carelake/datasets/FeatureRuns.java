package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.tables.Tables;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The features runs that built a set of feature rows, with the input snapshots the ledger recorded
 * for each (safe.visits and safe.vitals): what a data card cites so that every row traces back to
 * the de-identified snapshots it was computed from.
 */
final class FeatureRuns {

  private FeatureRuns() {}

  static List<Map<String, Object>> inputs(SparkSession spark, JobContext ctx, Dataset<Row> rows) {
    List<String> runIds = rows.select("features_run_id").distinct().orderBy("features_run_id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    List<Map<String, Object>> out = new ArrayList<>();
    if (runIds.isEmpty() || !ctx.tableExists(Tables.GOVERNANCE_RUNS)) {
      return out;
    }
    Map<String, Map<String, Long>> byRun = new TreeMap<>();
    for (Row r : spark.table(ctx.table(Tables.GOVERNANCE_RUNS))
        .where(col("run_id").isin(runIds.toArray()))
        .select("run_id", "input_snapshots").collectAsList()) {
      Map<String, Long> inputs = new TreeMap<>();
      if (!r.isNullAt(1)) {
        inputs.putAll(scala.collection.JavaConverters.mapAsJavaMap(r.getMap(1)));
      }
      byRun.put(r.getString(0), inputs);
    }
    for (String id : runIds) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("run_id", id);
      List<Map<String, Object>> entries = new ArrayList<>();
      byRun.getOrDefault(id, Map.of()).forEach((table, snapshot) -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", table);
        e.put("value", snapshot);
        entries.add(e);
      });
      run.put("inputs", entries);
      out.add(run);
    }
    return out;
  }
}
