package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carelake.core.Version;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data card of a risk dataset, as JSON ({@code datacard.json}) and Markdown
 * ({@code datacard.md}, rendered with Pebble from {@value #TEMPLATE}): per outcome the attrition
 * from candidates to dataset rows with the reason at each step, rows, patients, events and
 * prevalence per split, and every feature's missingness; the split rule, the cohort definition's
 * hash and the snapshots everything was read at. Aggregates only, never a row.
 */
final class RiskDataCard {

  static final String TEMPLATE = "carelake/datasets/risk-datacard.md.peb";
  static final String JSON_FILE = "datacard.json";
  static final String MARKDOWN_FILE = "datacard.md";

  private RiskDataCard() {}

  /** Attrition steps of one outcome (features' steps summed over the interval, then the split's). */
  static List<Map<String, Object>> attrition(Dataset<Row> featureAttrition, String outcome,
      Map<String, Long> splitRemoved, long datasetRows) {
    List<Map<String, Object>> steps = new ArrayList<>();
    if (featureAttrition != null) {
      for (Row r : featureAttrition.where(col("outcome").equalTo(outcome))
          .groupBy("step", "reason").agg(sum("rows_removed"), sum("rows_remaining"))
          .orderBy("step").collectAsList()) {
        steps.add(step(r.getString(1), r.getLong(2), r.getLong(3)));
      }
    }
    long remaining = steps.isEmpty() ? datasetRows + splitRemoved.values().stream()
        .mapToLong(Long::longValue).sum() : (long) steps.get(steps.size() - 1).get("remaining");
    for (Map.Entry<String, Long> e : splitRemoved.entrySet()) {
      remaining -= e.getValue();
      steps.add(step(e.getKey(), e.getValue(), remaining));
    }
    return steps;
  }

  private static Map<String, Object> step(String reason, long removed, long remaining) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("reason", reason);
    s.put("removed", removed);
    s.put("remaining", remaining);
    return s;
  }

  /** Rows, patients, events and prevalence per split of one outcome. */
  static List<Map<String, Object>> splits(Dataset<Row> rows, String outcome) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows.where(col(RiskColumns.OUTCOME).equalTo(outcome))
        .groupBy(TemporalSplit.COLUMN).agg(count(lit(1)), countDistinct(col(RiskColumns.PATIENT)),
            sum(col(RiskColumns.LABEL)))
        .orderBy(col(TemporalSplit.COLUMN).desc()).collectAsList()) {
      Map<String, Object> s = new LinkedHashMap<>();
      long n = r.getLong(1);
      long events = r.isNullAt(3) ? 0 : r.getLong(3);
      s.put("split", r.getString(0));
      s.put("rows", n);
      s.put("patients", r.getLong(2));
      s.put("events", events);
      s.put("prevalence", String.format(Locale.ROOT, "%.4f", n == 0 ? 0.0 : (double) events / n));
      out.add(s);
    }
    return out;
  }

  /** Share of rows without a value, per feature and split (one aggregate pass). */
  static Map<String, Map<String, Double>> missingness(Dataset<Row> rows, String outcome,
      List<String> features) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    features.forEach(f -> aggs.add(count(col(f))));
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Row r : rows.where(col(RiskColumns.OUTCOME).equalTo(outcome))
        .groupBy(TemporalSplit.COLUMN).agg(aggs.get(0), aggs.subList(1, aggs.size())
            .toArray(Column[]::new)).collectAsList()) {
      long n = r.getLong(1);
      for (int i = 0; i < features.size(); i++) {
        double missing = n == 0 ? 0.0 : 1.0 - (double) r.getLong(i + 2) / n;
        out.computeIfAbsent(features.get(i), k -> new LinkedHashMap<>())
            .put(r.getString(0), Math.round(missing * 10_000) / 10_000.0);
      }
    }
    return out;
  }

  /** The ten features missing most often in train. */
  static List<Map<String, Object>> mostMissing(Map<String, Map<String, Double>> missing) {
    return missing.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, Map<String, Double>> e) ->
            -e.getValue().getOrDefault(TemporalSplit.TRAIN, 0.0)).thenComparing(Map.Entry::getKey))
        .limit(10).map(e -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("feature", e.getKey());
          m.put("train", e.getValue().getOrDefault(TemporalSplit.TRAIN, 0.0));
          m.put("test", e.getValue().getOrDefault(TemporalSplit.TEST, 0.0));
          return m;
        }).toList();
  }

  static Map<String, Object> header(String datasetId, String runId, String start, String end) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("dataset_id", datasetId);
    card.put("run_id", runId);
    card.put("carelake_version", Version.CARELAKE);
    card.put("interval", Map.of("start", start, "end", end, "end_exclusive", true,
        "of", "index_date"));
    return card;
  }

  static String json(Map<String, Object> card) throws IOException {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(card) + "\n";
  }

  static String markdown(Map<String, Object> card) throws IOException {
    PebbleEngine engine = new PebbleEngine.Builder().loader(new ClasspathLoader())
        .autoEscaping(false).newLineTrimming(false).build();
    StringWriter out = new StringWriter();
    engine.getTemplate(TEMPLATE).evaluate(out, Map.of("card", card));
    return out.toString();
  }

  /** Writes a text file through Hadoop's file system ({@code datasets.dir} may be hdfs:// or s3a://). */
  static void write(SparkSession spark, Path path, String text) throws IOException {
    FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
