package io.carelake.governance;

import io.carelake.core.tables.TableSchemas;
import io.carelake.core.time.Interval;
import io.carelake.governance.rules.CompiledSpec;
import io.carelake.governance.rules.RuleContext;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * govern's first stage, and what it hands on: one governed table's slice for the interval, read at
 * the snapshot recorded as the run's input, with the rules' helper columns; checked against every
 * rule before any row is read. Later stages fill in the counts.
 */
final class GovernSlice {

  private final GovernJob.Target target;
  private final CompiledSpec spec;
  private final Long snapshot;
  private final Dataset<Row> data;
  private final StructType rawSchema;
  /** Rows of the slice, as Deequ counted them. */
  long rows;
  long curatedRows;
  long quarantinedRows;

  GovernSlice(GovernJob.Target target, CompiledSpec spec, Long snapshot, Dataset<Row> data,
      StructType rawSchema) {
    this.rawSchema = rawSchema;
    this.target = target;
    this.spec = spec;
    this.snapshot = snapshot;
    this.data = data;
  }

  /**
   * Every target's slice: inputs pinned to their current snapshot, every rule checked against its
   * table's schema; no row read yet.
   */
  static List<GovernSlice> plan(SparkSession spark, JobContext ctx, GovernanceSpecs specs,
      Interval interval) throws Exception {
    // other tables a rule reads (referential integrity) are read at the snapshot current when
    // the slice is planned, and recorded as inputs at it: a rerun reads the same rows, and rows
    // landing meanwhile cannot make the metrics and the split disagree
    RuleContext ruleContext = new RuleContext(spark, other -> {
      if (!ctx.tableExists(other)) {
        return Optional.empty();
      }
      Long snapshot = ctx.currentSnapshot(other);
      ctx.run().input(other.toString(), snapshot);
      // Iceberg's Spark catalog resolves the snapshot_id_<id> suffix to that snapshot
      return Optional.of(snapshot == null ? ctx.table(other)
          : ctx.table(other) + ".snapshot_id_" + snapshot);
    });
    List<GovernSlice> slices = new ArrayList<>();
    for (GovernJob.Target t : GovernJob.TARGETS) {
      if (!ctx.tableExists(t.raw())) {
        throw new IllegalStateException(t.raw() + " does not exist in catalog '" + ctx.catalogName()
            + "'; run ingest first (govern reads what ingestion landed)");
      }
      Long snapshot = ctx.currentSnapshot(t.raw());
      ctx.run().input(t.raw().toString(), snapshot);
      Dataset<Row> slice = readAt(spark, ctx.table(t.raw()), snapshot)
          .filter(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      CompiledSpec spec = specs.forTable(t.raw());
      StructType rawSchema = slice.schema();
      Dataset<Row> prepared = spec.prepare(slice, ruleContext);
      spec.validateAgainst(prepared);
      slices.add(new GovernSlice(t, spec, snapshot, prepared, rawSchema));
    }
    return slices;
  }

  /** Reads a table at the snapshot recorded as the run's input, so metrics and split agree. */
  static Dataset<Row> readAt(SparkSession spark, String table, Long snapshot) {
    return snapshot == null ? spark.table(table)
        : spark.sql("SELECT * FROM " + table + " VERSION AS OF " + snapshot);
  }

  GovernJob.Target target() {
    return target;
  }

  CompiledSpec spec() {
    return spec;
  }

  Long snapshot() {
    return snapshot;
  }

  /** The slice with the rules' helper columns. */
  Dataset<Row> data() {
    return data;
  }

  /** The raw table's columns: what curated and quarantine carry. */
  StructType rawSchema() {
    return rawSchema;
  }
}
