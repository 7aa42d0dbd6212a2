package io.carelake.governance.deid;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IcebergWrites;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/**
 * {@code deidentify}: curated.visits / curated.vitals of an interval → safe.visits / safe.vitals.
 *
 * <p>Per row: the resident id becomes a keyed pseudonym ({@code k1:} + hex HMAC-SHA-256, see
 * {@link Pseudonyms}), the event id a keyed event key; name, phone, address, birth date, resident
 * id, clinician and device ids and Kafka lineage are dropped; birth date becomes birth year and age
 * at visit, top-coded at 90 (birth year withheld for 90+); chief complaint and note are scrubbed
 * ({@link PhiScrubber}). A row without a resident id cannot be pseudonymised: it is set aside
 * (written nowhere) and counted.
 *
 * <p>Order of work: the key is loaded before any row is read (no key → exit 1 with how to create
 * it); both curated slices are read at their current snapshots (recorded as inputs) and staged;
 * the privacy check runs on the staged visits, each compared with its own identifiers and with the
 * id and mobile patterns: any hit blocks the run (exit 3) before safe.* changes; then the interval
 * of each safe table is replaced; finally the written slices are read back at their new snapshots,
 * counted and scanned again, and a hit there rolls both tables back and blocks.
 */
@Command(name = "deidentify", mixinStandardHelpOptions = true,
    description = "Pseudonymise and scrub curated visits and vitals of the interval into "
        + "safe.visits and safe.vitals (key from deid.key-file or the variable deid.key-env names).")
public final class DeidentifyJob extends IntervalJob {

  /** The environment the key variable is read from; tests replace it. */
  Map<String, String> env = System.getenv();

  /** The free-text scrubber; tests replace it with a faulty one to exercise the privacy block. */
  SafeRows.Scrubber scrubber = SafeRows.PHI_SCRUBBER;

  public static void main(String[] args) {
    System.exit(JobMain.run(new DeidentifyJob(), args));
  }

  @Override
  public String name() {
    return "deidentify";
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    PseudonymKey key = PseudonymKey.load(ctx.config(), env);
    ctx.run().parameter("key_id", key.id()).parameter("key_source", key.source());
    ctx.progress("pseudonymising with key %s from %s", key.id(), key.source());

    Dataset<Row> curatedVisits = readSlice(spark, ctx, Tables.CURATED_VISITS, interval);
    Dataset<Row> curatedVitals = readSlice(spark, ctx, Tables.CURATED_VITALS, interval);

    Pseudonyms pseudonyms = Pseudonyms.broadcast(spark, key);
    Dataset<Row> visits = SafeRows.stageVisits(curatedVisits, pseudonyms, scrubber)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> vitals = SafeRows.stageVitals(curatedVitals, pseudonyms)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // 1. counts and the privacy check on the staged rows: one aggregate per table
      Row v = visits.agg(count(lit(1)),
          sum(when(SafeRows.publishable(), 0).otherwise(1)),
          sum(when(SafeRows.publishable(), SafeRows.leaks()).otherwise(0)),
          sum(SafeRows.scrubbed())).first();
      Row w = vitals.agg(count(lit(1)), sum(when(SafeRows.publishable(), 0).otherwise(1))).first();
      long visitsIn = v.getLong(0);
      long visitsAside = longOrZero(v, 1);
      long ownLeaks = longOrZero(v, 2);
      long idMentions = SafeRows.residentIdMentions(visits, vitals);
      long leaks = ownLeaks + idMentions;
      long vitalsIn = w.getLong(0);
      long vitalsAside = longOrZero(w, 1);
      long rowsIn = visitsIn + vitalsIn;
      long setAside = visitsAside + vitalsAside;
      ctx.run().count("curated.visits.rows", visitsIn)
          .count("curated.vitals.rows", vitalsIn)
          .count("set_aside.visits.no_resident_id", visitsAside)
          .count("set_aside.vitals.no_resident_id", vitalsAside)
          .count("visits.text_scrubbed", longOrZero(v, 3))
          .count("privacy.leaks_staged", ownLeaks)
          .count("privacy.resident_id_mentions", idMentions);
      ctx.progress("%s: %,d visits (%,d with PHI scrubbed from text), %,d vitals; %,d set aside"
          + " without a resident id", interval, visitsIn, longOrZero(v, 3), vitalsIn, setAside);
      if (leaks > 0) {
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException("deidentify blocked for " + interval + ": " + ownLeaks
            + " scrubbed visit(s) still hold an 18-digit id, a mobile number or the row's own"
            + " name/resident id/phone/address in chief_complaint, note or another text column"
            + " (facility_id, visit_type, sex, diagnoses, prescriptions), and " + idMentions
            + " mention a resident id of the interval in chief_complaint or note. safe.visits and"
            + " safe.vitals were left unchanged; extend PhiScrubber for the format and rerun"
            + " (counts privacy.leaks_staged and privacy.resident_id_mentions in governance.runs,"
            + " run " + ctx.run().id() + ").");
      }

      // 2. replace the interval in safe.*
      Long visitsBefore = ctx.currentSnapshot(Tables.SAFE_VISITS);
      Long vitalsBefore = ctx.currentSnapshot(Tables.SAFE_VITALS);
      createIfMissing(ctx, Tables.SAFE_VISITS, SafeSchemas.SAFE_VISITS);
      createIfMissing(ctx, Tables.SAFE_VITALS, SafeSchemas.SAFE_VITALS);
      IcebergWrites.replaceInterval(ctx, SafeRows.visitsOut(visits), Tables.SAFE_VISITS,
          TableSchemas.EVENT_TIME, interval);
      IcebergWrites.replaceInterval(ctx, SafeRows.vitalsOut(vitals), Tables.SAFE_VITALS,
          TableSchemas.EVENT_TIME, interval);
      Long visitsAfter = ctx.currentSnapshot(Tables.SAFE_VISITS);
      Long vitalsAfter = ctx.currentSnapshot(Tables.SAFE_VITALS);
      ctx.run().output(Tables.SAFE_VISITS.toString(), visitsAfter)
          .output(Tables.SAFE_VITALS.toString(), vitalsAfter);

      // 3. read back what was committed: counts and the pattern scan of the published text
      Row sv = readAt(spark, ctx.table(Tables.SAFE_VISITS), visitsAfter)
          .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval))
          .agg(count(lit(1)), sum(SafeRows.patternLeaks())).first();
      long visitsOut = sv.getLong(0);
      long published = longOrZero(sv, 1);
      long vitalsOut = readAt(spark, ctx.table(Tables.SAFE_VITALS), vitalsAfter)
          .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval)).count();
      ctx.run().count("safe.visits.rows", visitsOut).count("safe.vitals.rows", vitalsOut)
          .count("privacy.leaks_published", published);
      if (published > 0) {
        rollBack(ctx, Tables.SAFE_VISITS, visitsBefore);
        rollBack(ctx, Tables.SAFE_VITALS, vitalsBefore);
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException("deidentify blocked for " + interval + ": " + published
            + " visit(s) in safe.visits as written hold an 18-digit id or mobile pattern in a"
            + " text column; safe.visits and safe.vitals were rolled back to their"
            + " previous snapshots (run " + ctx.run().id() + ")");
      }
      if (visitsOut != visitsIn - visitsAside || vitalsOut != vitalsIn - vitalsAside) {
        throw new IllegalStateException("safe.* do not reconcile with curated.* for " + interval
            + ": visits " + visitsIn + " in, " + visitsAside + " set aside, " + visitsOut
            + " in safe.visits; vitals " + vitalsIn + " in, " + vitalsAside + " set aside, "
            + vitalsOut + " in safe.vitals (another writer changed safe.* during the run?"
            + " rerun deidentify for the interval)");
      }
      ctx.run().rows(rowsIn, visitsOut + vitalsOut, setAside).requireReconciled();
      ctx.progress("%,d rows in, %,d written to safe.visits/safe.vitals, %,d set aside", rowsIn,
          visitsOut + vitalsOut, setAside);
    } finally {
      visits.unpersist();
      vitals.unpersist();
      pseudonyms.destroy();
    }
  }

  private Dataset<Row> readSlice(SparkSession spark, JobContext ctx, TableName table,
      Interval interval) {
    if (!ctx.tableExists(table)) {
      throw new IllegalStateException(table + " does not exist in catalog '" + ctx.catalogName()
          + "'; run govern for the interval first (deidentify reads what govern curated)");
    }
    Long snapshot = ctx.currentSnapshot(table);
    ctx.run().input(table.toString(), snapshot);
    return readAt(spark, ctx.table(table), snapshot)
        .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
  }

  static Dataset<Row> readAt(SparkSession spark, String table, Long snapshot) {
    return snapshot == null ? spark.table(table)
        : spark.sql("SELECT * FROM " + table + " VERSION AS OF " + snapshot);
  }

  /** Creates a safe table with its documented schema (all optional) on first use. */
  private static void createIfMissing(JobContext ctx, TableName table,
      org.apache.iceberg.Schema schema) {
    if (!ctx.tableExists(table)) {
      CatalogFactory.createIfMissing(ctx.icebergCatalog(), table, schema, SafeSchemas.spec(schema));
    }
  }

  /** Restores a table's snapshot from before this run (drops it if this run created it). */
  private static void rollBack(JobContext ctx, TableName name, Long before) {
    Catalog catalog = ctx.icebergCatalog();
    TableIdentifier id = CatalogFactory.identifier(name);
    if (!catalog.tableExists(id)) {
      return;
    }
    if (before == null) {
      // the table had no snapshot before this run: empty it again
      catalog.loadTable(id).newDelete().deleteFromRowFilter(
          org.apache.iceberg.expressions.Expressions.alwaysTrue()).commit();
      return;
    }
    Table table = catalog.loadTable(id);
    table.manageSnapshots().setCurrentSnapshot(before).commit();
  }

  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }
}
