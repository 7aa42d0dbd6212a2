package io.carelake.datasets;

import io.carelake.core.tables.TableName;
import io.carelake.spark.JobContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An input table read at one snapshot: the snapshot recorded in the ledger is exactly the one the
 * job read, even if another job commits to the table while this one runs.
 *
 * <p>Could move to spark-support: every job that records an input snapshot wants this.
 */
record PinnedTable(TableName table, Long snapshotId, Dataset<Row> rows) {

  /**
   * Reads {@code table} at its current snapshot and records it as an input of the run.
   *
   * @param producer the job that writes the table, named in the error when it is missing
   */
  static PinnedTable read(SparkSession spark, JobContext ctx, TableName table, String producer) {
    if (!ctx.tableExists(table)) {
      throw new IllegalStateException("Input table " + table + " does not exist in catalog '"
          + ctx.catalogName() + "': run `" + producer + "` for this interval first");
    }
    Long snapshot = ctx.currentSnapshot(table);
    ctx.run().input(table.toString(), snapshot);
    return new PinnedTable(table, snapshot, at(spark, ctx, table, snapshot));
  }

  /** The rows of {@code table} at {@code snapshot} (its current rows when the table has no snapshot). */
  static Dataset<Row> at(SparkSession spark, JobContext ctx, TableName table, Long snapshot) {
    var reader = spark.read().format("iceberg");
    if (snapshot != null) {
      reader = reader.option("snapshot-id", snapshot);
    }
    return reader.load(ctx.table(table));
  }

  /** Creates the namespace of {@code table} if needed, so that Spark can create the table in it. */
  static void ensureNamespace(SparkSession spark, JobContext ctx, TableName table) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ctx.catalogName() + "." + table.namespace());
  }
}
