package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.JobContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code datasets.chronic_risk_datasets}: one row per risk dataset (what {@code train} looks a
 * dataset up by, and what the data card describes), replaced by {@code dataset_id} like the rows.
 */
final class RiskDatasets {

  static final StructType SCHEMA = new StructType()
      .add("dataset_id", DataTypes.StringType, false)
      .add("interval_start", DataTypes.DateType, false)
      .add("interval_end", DataTypes.DateType, false)
      .add("test_from", DataTypes.DateType, false)
      .add("test_patient_fraction", DataTypes.DoubleType, false)
      .add("split_salt", DataTypes.StringType, false)
      .add("split_rule", DataTypes.StringType, false)
      .add("cohort_definition", DataTypes.StringType, false)
      .add("cohort_definition_hash", DataTypes.StringType, false)
      .add("features_snapshot_id", DataTypes.LongType, true)
      .add("outcomes", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
      .add("transforms_path", DataTypes.StringType, false)
      .add("datacard_json", DataTypes.StringType, false)
      .add("datacard_markdown", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("created_at", DataTypes.TimestampType, false);

  /** One registry row, as train reads it back. */
  record Entry(String datasetId, Interval interval, String definition, String definitionHash,
      Long featuresSnapshotId, List<String> outcomes, String transformsPath, String splitRule) {}

  private RiskDatasets() {}

  static Dataset<Row> row(SparkSession spark, String datasetId, Interval interval,
      TemporalSplit split, String definition, String definitionHash, Long featuresSnapshot,
      List<String> outcomes, Map<String, Long> counts, String transformsPath, String json,
      String markdown, String runId, Timestamp createdAt) {
    return spark.createDataFrame(List.of(RowFactory.create(datasetId,
        Date.valueOf(interval.start()), Date.valueOf(interval.end()),
        Date.valueOf(split.testFrom()), split.testFraction(), split.salt(), split.rule(),
        definition, definitionHash, featuresSnapshot, outcomes,
        scala.collection.JavaConverters.mapAsScalaMap(counts), transformsPath, json, markdown,
        runId, createdAt)), SCHEMA);
  }

  /** The named dataset, or the latest one built for exactly {@code interval}. */
  static Entry find(SparkSession spark, JobContext ctx, String datasetId, Interval interval) {
    if (!ctx.tableExists(Tables.DATASETS_RISK_REGISTRY)) {
      throw new IllegalStateException(Tables.DATASETS_RISK_REGISTRY + " does not exist in catalog '"
          + ctx.catalogName() + "': run `risk-dataset` for " + interval + " first");
    }
    Long snapshot = ctx.currentSnapshot(Tables.DATASETS_RISK_REGISTRY);
    ctx.run().input(Tables.DATASETS_RISK_REGISTRY.toString(), snapshot);
    Dataset<Row> registry = PinnedTable.at(spark, ctx, Tables.DATASETS_RISK_REGISTRY, snapshot);
    Dataset<Row> chosen = datasetId != null
        ? registry.where(col("dataset_id").equalTo(datasetId))
        : registry.where(col("interval_start").equalTo(lit(Date.valueOf(interval.start())))
            .and(col("interval_end").equalTo(lit(Date.valueOf(interval.end())))))
            .orderBy(col("created_at").desc(), col("dataset_id").desc());
    List<Row> rows = chosen.limit(1).collectAsList();
    if (rows.isEmpty()) {
      throw new IllegalStateException(datasetId != null
          ? "--dataset-id " + datasetId + " is not in " + Tables.DATASETS_RISK_REGISTRY
          : "No risk dataset in " + Tables.DATASETS_RISK_REGISTRY + " for " + interval
              + ": run `risk-dataset` for this interval first, or pass --dataset-id");
    }
    Row r = rows.get(0);
    return new Entry(r.getAs("dataset_id"), new Interval(
        r.<Date>getAs("interval_start").toLocalDate(), r.<Date>getAs("interval_end").toLocalDate()),
        r.getAs("cohort_definition"), r.getAs("cohort_definition_hash"),
        r.isNullAt(r.fieldIndex("features_snapshot_id")) ? null : r.getAs("features_snapshot_id"),
        r.getList(r.fieldIndex("outcomes")), r.getAs("transforms_path"), r.getAs("split_rule"));
  }
}
