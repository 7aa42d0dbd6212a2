package io.carelake.governance;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What governance's tests read back from a govern run (published tables, their refs, ledger maps).
 * The session itself comes from spark-support's test-jar ({@code LocalSpark}).
 */
final class TestSpark {

  private TestSpark() {}

  /** The tables a govern run publishes. */
  static final List<String> PUBLISHED = List.of("curated.visits", "curated.vitals",
      "quarantine.visits", "quarantine.vitals");

  /** An Iceberg table of the session's {@code carelake} catalog, refreshed. */
  static org.apache.iceberg.Table iceberg(SparkSession spark, String table) {
    org.apache.iceberg.Table t = org.apache.iceberg.spark.Spark3Util
        .loadIcebergCatalog(spark, "carelake")
        .loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(table));
    t.refresh();
    return t;
  }

  /** Each of the published tables' refs (main and any audit branch) by name, as they are now. */
  static Map<String, Map<String, org.apache.iceberg.SnapshotRef>> publishedRefs(
      SparkSession spark) {
    Map<String, Map<String, org.apache.iceberg.SnapshotRef>> out = new java.util.HashMap<>();
    PUBLISHED.forEach(t -> out.put(t, Map.copyOf(iceberg(spark, t).refs())));
    return out;
  }

  static Map<String, Long> longMap(Row row, String field) {
    return scala.collection.JavaConverters.mapAsJavaMap(
        row.<scala.collection.Map<String, Long>>getAs(field));
  }
}
