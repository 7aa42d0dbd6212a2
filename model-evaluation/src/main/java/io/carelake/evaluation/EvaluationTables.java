package io.carelake.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.carelake.core.tables.TableName;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tables {@code evaluate} writes, their schemas, and how a run replaces its own rows.
 *
 * <p>Idempotence: a run replaces the rows of its iteration and split (results, curves, subgroup
 * gaps) or its iteration, baseline and split (comparisons) with one Iceberg overwrite each; the
 * tables are partitioned by those keys, so the overwrite filter always selects whole files. Gate
 * decisions and registry moves are events: appended, never replaced.
 *
 * <p>Schema evolution: a table created by an older carelake gains the new columns (nullable) before
 * the first write that has them, and columns the table has but a row does not are written null.
 */
public final class EvaluationTables {

  static final StructType RESULTS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, true)
      .add("split", DataTypes.StringType, false)
      .add("subgroup_dimension", DataTypes.StringType, true)
      .add("subgroup_value", DataTypes.StringType, true)
      .add("metric", DataTypes.StringType, false)
      .add("operating_point", DataTypes.StringType, true)
      .add("threshold", DataTypes.DoubleType, true)
      .add("value", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, true)
      .add("ci_level", DataTypes.DoubleType, true)
      .add("n", DataTypes.LongType, true)
      .add("n_positive", DataTypes.LongType, true)
      .add("n_patients", DataTypes.LongType, true)
      .add("resamples", DataTypes.IntegerType, true)
      .add("resamples_undefined", DataTypes.IntegerType, true)
      .add("seed", DataTypes.LongType, true)
      .add("flags", DataTypes.createArrayType(DataTypes.StringType, false), true)
      .add("suppressed", DataTypes.BooleanType, true)
      .add("spec_sha256", DataTypes.StringType, true)
      .add("predictions_snapshot_id", DataTypes.LongType, true);

  static final StructType CURVES = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("curve", DataTypes.StringType, false)
      .add("point", DataTypes.IntegerType, false)
      .add("x", DataTypes.DoubleType, true)
      .add("y", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, true)
      .add("ci_level", DataTypes.DoubleType, true)
      .add("n", DataTypes.LongType, true)
      .add("n_positive", DataTypes.LongType, true)
      .add("method", DataTypes.StringType, true)
      .add("spec_sha256", DataTypes.StringType, true);

  static final StructType SUBGROUP_GAPS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("subgroup_dimension", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("subgroup_value", DataTypes.StringType, false)
      .add("reference_value", DataTypes.StringType, false)
      .add("difference", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, true)
      .add("ci_level", DataTypes.DoubleType, true)
      .add("z", DataTypes.DoubleType, true)
      .add("p_value", DataTypes.DoubleType, true)
      .add("p_holm", DataTypes.DoubleType, true)
      .add("significant", DataTypes.BooleanType, true)
      .add("spec_sha256", DataTypes.StringType, true);

  static final StructType COMPARISONS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("baseline_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("value_iteration", DataTypes.DoubleType, true)
      .add("value_baseline", DataTypes.DoubleType, true)
      .add("difference", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("ci_method", DataTypes.StringType, false)
      .add("ci_level", DataTypes.DoubleType, false)
      .add("p_value", DataTypes.DoubleType, true)
      .add("n", DataTypes.LongType, false)
      .add("n_positive", DataTypes.LongType, false)
      .add("n_patients", DataTypes.LongType, true)
      .add("rows_only_in_iteration", DataTypes.LongType, false)
      .add("rows_only_in_baseline", DataTypes.LongType, false)
      .add("rows_label_mismatch", DataTypes.LongType, false)
      .add("resamples", DataTypes.IntegerType, true)
      .add("resamples_undefined", DataTypes.IntegerType, true)
      .add("seed", DataTypes.LongType, true)
      .add("spec_sha256", DataTypes.StringType, true)
      .add("predictions_snapshot_id", DataTypes.LongType, true);

  static final StructType CRITERION = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("scope", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("interval", DataTypes.StringType, false)
      .add("rule", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("subgroup", DataTypes.StringType, true)
      .add("value", DataTypes.DoubleType, true)
      .add("ci_low", DataTypes.DoubleType, true)
      .add("ci_high", DataTypes.DoubleType, true)
      .add("detail", DataTypes.StringType, false);

  static final StructType GATE_DECISIONS = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("alias", DataTypes.StringType, false)
      .add("comparator_id", DataTypes.StringType, true)
      .add("comparator_kind", DataTypes.StringType, true)
      .add("decision", DataTypes.StringType, false)
      .add("criteria", DataTypes.createArrayType(CRITERION, false), false)
      .add("reasons", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("spec_name", DataTypes.StringType, false)
      .add("spec_version", DataTypes.StringType, false)
      .add("spec_sha256", DataTypes.StringType, false)
      .add("ci_level", DataTypes.DoubleType, false)
      .add("decided_at", DataTypes.TimestampType, false);

  static final StructType REGISTRY = new StructType()
      .add("outcome", DataTypes.StringType, false)
      .add("alias", DataTypes.StringType, false)
      .add("version", DataTypes.LongType, false)
      .add("iteration_id", DataTypes.StringType, false)
      .add("previous_iteration_id", DataTypes.StringType, true)
      .add("decision_run_id", DataTypes.StringType, false)
      .add("spec_sha256", DataTypes.StringType, false)
      .add("moved_at", DataTypes.TimestampType, false);

  private EvaluationTables() {}

  static Column sameIterationAndSplit(String iterationId, String split) {
    return col("iteration_id").equalTo(lit(iterationId)).and(col("split").equalTo(lit(split)));
  }

  /**
   * Replaces the rows {@code filter} selects with {@code rows} in one commit; creates the table
   * (partitioned by {@code partitions}) when it does not exist.
   */
  public static void replace(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, Column filter, String... partitions) throws Exception {
    if (!ctx.tableExists(table)) {
      create(spark, ctx, table, rows, partitions);
      return;
    }
    aligned(spark, ctx, table, rows).writeTo(ctx.table(table)).overwrite(filter);
  }

  /** Appends {@code rows}; creates the table when it does not exist. */
  public static void append(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, String... partitions) throws Exception {
    if (!ctx.tableExists(table)) {
      create(spark, ctx, table, rows, partitions);
      return;
    }
    aligned(spark, ctx, table, rows).writeTo(ctx.table(table)).append();
  }

  private static void create(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows, String... partitions) {
    try {
      IcebergWrites.create(spark, ctx, table, rows, partitions);
    } catch (Exception e) {
      throw new IllegalStateException("could not create " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * The rows in the table's column order: columns the table lacks are added to it first (an older
   * table evolves), columns the rows lack are null.
   */
  private static Dataset<Row> aligned(SparkSession spark, JobContext ctx, TableName table,
      Dataset<Row> rows) {
    String name = ctx.table(table);
    StructType existing = spark.table(name).schema();
    List<String> have = Arrays.asList(existing.fieldNames());
    List<StructField> missing = Arrays.stream(rows.schema().fields())
        .filter(f -> !have.contains(f.name())).collect(Collectors.toList());
    for (StructField f : missing) {
      spark.sql("ALTER TABLE " + name + " ADD COLUMN " + f.name() + " " + f.dataType().sql());
    }
    StructType target = missing.isEmpty() ? existing : spark.table(name).schema();
    List<String> offered = Arrays.asList(rows.columns());
    List<Column> select = new ArrayList<>();
    for (StructField f : target.fields()) {
      DataType type = f.dataType();
      select.add(offered.contains(f.name()) ? col(f.name()).cast(type).as(f.name())
          : lit(null).cast(type).as(f.name()));
    }
    return rows.select(select.toArray(Column[]::new));
  }
}
