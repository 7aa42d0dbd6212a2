package io.carelake.spark;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.tables.TableName;
import io.carelake.core.time.Interval;
import java.io.PrintStream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;

/** What a running job can reach: its config, its run record, the catalog, and progress output. */
public final class JobContext {

  private final SparkSession spark;
  private final CarelakeConfig config;
  private final Run run;
  private final PrintStream progress;
  private final ActiveRun active;

  JobContext(SparkSession spark, CarelakeConfig config, Run run, PrintStream progress,
      ActiveRun active) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.progress = progress;
    this.active = active;
  }

  /**
   * Throws when this run no longer holds its lease (a later run found it dead while it hung):
   * call right before publishing, so that a run that lost its interval never overwrites it.
   */
  public void requireLease() {
    if (active != null) {
      active.requireLease();
    }
  }

  public CarelakeConfig config() {
    return config;
  }

  public Run run() {
    return run;
  }

  public Interval interval() {
    return run.interval();
  }

  public String catalogName() {
    return config.catalogName();
  }

  /** The name Spark resolves: {@code carelake.raw.visits}. */
  public String table(TableName name) {
    return name.in(catalogName());
  }

  /** The Iceberg catalog behind the Spark catalog, for metadata work (snapshots, table creation). */
  public Catalog icebergCatalog() {
    return Spark3Util.loadIcebergCatalog(spark, catalogName());
  }

  public RunLedger ledger() {
    return new RunLedger(icebergCatalog());
  }

  public boolean tableExists(TableName name) {
    return icebergCatalog().tableExists(io.carelake.core.catalog.CatalogFactory.identifier(name));
  }

  /** The current snapshot id of a table's main branch, or null if it has none. */
  public Long currentSnapshot(TableName name) {
    Catalog catalog = icebergCatalog();
    var id = io.carelake.core.catalog.CatalogFactory.identifier(name);
    if (!catalog.tableExists(id)) {
      return null;
    }
    Table table = catalog.loadTable(id);
    table.refresh();
    Snapshot s = table.currentSnapshot();
    return s == null ? null : s.snapshotId();
  }

  /** One progress line on stderr, prefixed with the job name: {@code [govern] 120,000 rows checked}. */
  public void progress(String format, Object... args) {
    progress.println("[" + run.job() + "] " + String.format(format, args));
    progress.flush();
  }
}
