package io.carelake.deid;

import io.carelake.privacy.PhiScrubber;
import io.carelake.privacy.PseudonymKey;
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
 * <p>What happens to each curated column is the de-identification policy's decision
 * ({@link DeidPolicy}: the built-in {@value DeidPolicy#RESOURCE} or {@code --policy FILE}),
 * validated against the curated tables' schemas before any row is read; a curated column the
 * policy does not classify stops the run (exit 1) with {@code file:line}. The built-in policy
 * gives the behaviour below.
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
 *
 * <p>Between the privacy check and the write, {@link KAnonymity} generalises or suppresses the
 * quasi-identifiers of visits in classes under {@code deid.k} patients (rows are never dropped)
 * and records the measures in governance.privacy_results; a policy it cannot meet within
 * {@code deid.k-max-suppression} blocks the run (exit 3) before safe.* changes. With
 * {@code deid.date-shift-days} above 0, a per-patient date-shifted copy is merged into
 * safe.visits_date_shifted / safe.vitals_date_shifted after safe.* is written ({@link DateShift}
 * says why safe.* itself keeps real times).
 */
@Command(name = "deidentify", mixinStandardHelpOptions = true,
    description = "Pseudonymise and scrub curated visits and vitals of the interval into "
        + "safe.visits and safe.vitals (key from deid.key-file or the variable deid.key-env names).")
public final class DeidentifyJob extends IntervalJob {

  /** The environment the key variable is read from; tests replace it. */
  Map<String, String> env = System.getenv();

  @picocli.CommandLine.Option(names = "--policy", paramLabel = "FILE",
      description = "De-identification policy (YAML) to apply instead of the built-in "
          + DeidPolicy.RESOURCE)
  java.nio.file.Path policyFile;

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

    // the policy, checked against the curated tables' schemas before any row is read
    DeidPolicy deidPolicy = policyFile == null ? DeidPolicy.builtIn() : DeidPolicy.load(policyFile);
    requireTable(ctx, Tables.CURATED_VISITS);
    requireTable(ctx, Tables.CURATED_VITALS);
    deidPolicy.validate(Map.of(
        DeidPolicy.VISITS, columnsOf(ctx, Tables.CURATED_VISITS),
        DeidPolicy.VITALS, columnsOf(ctx, Tables.CURATED_VITALS)), key.id());
    ctx.run().parameter("policy", deidPolicy.source());
    ctx.progress("policy %s: k=%d, quasi-identifiers %s", deidPolicy.source(), deidPolicy.k(),
        deidPolicy.quasiIdentifiers());

    Dataset<Row> curatedVisits = readSlice(spark, ctx, Tables.CURATED_VISITS, interval);
    Dataset<Row> curatedVitals = readSlice(spark, ctx, Tables.CURATED_VITALS, interval);

    Pseudonyms pseudonyms = Pseudonyms.broadcast(spark, key);
    Dataset<Row> visits = SafeRows.stageVisits(curatedVisits, pseudonyms, scrubber, deidPolicy)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> vitals = SafeRows.stageVitals(curatedVitals, pseudonyms, deidPolicy)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> generalised = null;
    Dataset<Row> generalisedVitals = null;
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

      // 2. k-anonymity of the released quasi-identifiers: generalise, suppress, measure, record
      KAnonymity.Policy policy = KAnonymity.Policy.from(ctx.config(), deidPolicy);
      int shiftDays = DateShift.maxDays(ctx.config(), deidPolicy.dateShiftDays());
      ctx.run().parameter("k", policy.k()).parameter("k_max_suppression", policy.maxSuppression())
          .parameter("date_shift_days", shiftDays);
      generalised = KAnonymity.persist(
          KAnonymity.generalise(visits.where(SafeRows.publishable()), policy.k(),
              deidPolicy.quasiIdentifiers()));
      generalisedVitals = KAnonymity.persist(
          KAnonymity.generaliseVitals(vitals.where(SafeRows.publishable()), generalised));
      KAnonymity.Metrics km = KAnonymity.measure(generalised);
      long[] kv = KAnonymity.measureVitals(generalisedVitals);
      boolean kPasses = km.passes(policy);
      Long privacySnapshot = PrivacyResults.append(spark, ctx, java.util.List.of(
          PrivacyResults.visitsRow(ctx, policy, km, shiftDays, kPasses),
          PrivacyResults.vitalsRow(ctx, policy, kv, shiftDays, kPasses)));
      ctx.run().output(Tables.GOVERNANCE_PRIVACY_RESULTS.toString(), privacySnapshot)
          .count("privacy.k.records_generalised", km.generalised())
          .count("privacy.k.records_suppressed", km.suppressed())
          .count("privacy.k.classes", km.classes())
          .count("privacy.k.min_class_size", km.minClassSize() == null ? 0 : km.minClassSize())
          .count("privacy.k.vitals_generalised", kv[1])
          .count("privacy.k.vitals_suppressed", kv[2]);
      ctx.progress("k-anonymity (k=%d): %,d visits generalised, %,d suppressed, %,d classes, "
          + "smallest %s patients", policy.k(), km.generalised(), km.suppressed(), km.classes(),
          km.minClassSize());
      if (!kPasses) {
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException("deidentify blocked for " + interval + ": k-anonymity policy"
            + " k=" + policy.k() + " (config " + KAnonymity.K_KEY + ") is not met within the"
            + " suppression limit " + policy.maxSuppression() + " (config "
            + KAnonymity.MAX_SUPPRESSION_KEY + "): " + km.suppressed() + " of " + km.records()
            + " visits would be suppressed, smallest released class " + km.minClassSize()
            + " patients. safe.visits and safe.vitals were left unchanged; see "
            + Tables.GOVERNANCE_PRIVACY_RESULTS + " run " + ctx.run().id() + " (use a longer"
            + " interval, a smaller k or a higher suppression limit)");
      }

      // 3. replace the interval in safe.*
      Long visitsBefore = ctx.currentSnapshot(Tables.SAFE_VISITS);
      Long vitalsBefore = ctx.currentSnapshot(Tables.SAFE_VITALS);
      createIfMissing(ctx, Tables.SAFE_VISITS, SafeSchemas.SAFE_VISITS);
      createIfMissing(ctx, Tables.SAFE_VITALS, SafeSchemas.SAFE_VITALS);
      IcebergWrites.replaceInterval(ctx, SafeRows.visitsOut(generalised), Tables.SAFE_VISITS,
          TableSchemas.EVENT_TIME, interval);
      IcebergWrites.replaceInterval(ctx, SafeRows.vitalsOut(generalisedVitals), Tables.SAFE_VITALS,
          TableSchemas.EVENT_TIME, interval);
      Long visitsAfter = ctx.currentSnapshot(Tables.SAFE_VISITS);
      Long vitalsAfter = ctx.currentSnapshot(Tables.SAFE_VITALS);
      ctx.run().output(Tables.SAFE_VISITS.toString(), visitsAfter)
          .output(Tables.SAFE_VITALS.toString(), vitalsAfter);

      // 4. read back what was committed: counts and the pattern scan of the published text
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
      // 5. the date-shifted release, when configured (see DateShift for why not in safe.*)
      if (shiftDays > 0) {
        long shifted = writeShifted(spark, ctx, DateShift.shiftVisits(generalised, pseudonyms,
            shiftDays, deidPolicy), DateShift.SHIFTED_VISITS, SafeSchemas.SAFE_VISITS,
            SafeRows.VISIT_COLUMNS);
        long shiftedVitals = writeShifted(spark, ctx, DateShift.shiftVitals(generalisedVitals,
            pseudonyms, shiftDays, deidPolicy), DateShift.SHIFTED_VITALS, SafeSchemas.SAFE_VITALS,
            SafeRows.VITAL_COLUMNS);
        ctx.run().count("date_shifted.visits.rows", shifted)
            .count("date_shifted.vitals.rows", shiftedVitals);
        ctx.progress("date-shifted release (offsets within +/-%d days per patient): %,d visits"
            + " and %,d vitals merged into %s and %s", shiftDays, shifted, shiftedVitals,
            DateShift.SHIFTED_VISITS, DateShift.SHIFTED_VITALS);
      }
      ctx.run().rows(rowsIn, visitsOut + vitalsOut, setAside).requireReconciled();
      ctx.progress("%,d rows in, %,d written to safe.visits/safe.vitals, %,d set aside", rowsIn,
          visitsOut + vitalsOut, setAside);
    } finally {
      if (generalised != null) {
        generalised.unpersist();
      }
      if (generalisedVitals != null) {
        generalisedVitals.unpersist();
      }
      visits.unpersist();
      vitals.unpersist();
      pseudonyms.destroy();
    }
  }

  /**
   * Merges a date-shifted release into its table by event_key (a rerun replaces the same events'
   * rows, never duplicates them); returns the number of rows merged.
   */
  private static long writeShifted(SparkSession spark, JobContext ctx, Dataset<Row> shifted,
      TableName table, org.apache.iceberg.Schema schema, java.util.List<String> columns) {
    createIfMissing(ctx, table, schema);
    Dataset<Row> out = shifted.where(SafeRows.publishable()).select(columns.stream()
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
    String view = "deid_shifted_" + table.name() + "_" + Math.abs(ctx.run().id().hashCode());
    out.createOrReplaceTempView(view);
    try {
      spark.sql("MERGE INTO " + ctx.table(table) + " t USING " + view + " s"
          + " ON t.event_key = s.event_key"
          + " WHEN MATCHED THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *");
    } finally {
      spark.catalog().dropTempView(view);
    }
    ctx.run().output(table.toString(), ctx.currentSnapshot(table));
    return out.count();
  }

  private static void requireTable(JobContext ctx, TableName table) {
    if (!ctx.tableExists(table)) {
      throw new IllegalStateException(table + " does not exist in catalog '" + ctx.catalogName()
          + "'; run govern for the interval first (deidentify reads what govern curated)");
    }
  }

  /** The column names of a table, from its Iceberg metadata (no data is read). */
  static java.util.List<String> columnsOf(JobContext ctx, TableName table) {
    return ctx.icebergCatalog().loadTable(CatalogFactory.identifier(table)).schema().columns()
        .stream().map(org.apache.iceberg.types.Types.NestedField::name).toList();
  }

  private Dataset<Row> readSlice(SparkSession spark, JobContext ctx, TableName table,
      Interval interval) {
    requireTable(ctx, table);
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
