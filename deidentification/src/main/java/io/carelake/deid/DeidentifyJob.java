// Over 400 lines: the run is one sequence (key, policy, stage, check, k-anonymity, write on the
// branches, audit, publish) best read in order; its table helpers follow it.
package io.carelake.deid;

import io.carelake.privacy.PhiScrubber;
import io.carelake.privacy.PseudonymKey;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import io.carelake.spark.BlockedException;
import io.carelake.spark.IcebergWrites;

import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;

import io.carelake.spark.IntervalJob;
import java.util.List;
import java.util.Map;
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

  /** Runs just before the publish; a test makes it throw to stand for a kill there. */
  Runnable beforePublish = () -> { };

  /** The snapshot each curated table was read at (the run's inputs). */
  private final Map<TableName, Long> inputs = new java.util.HashMap<>();

  /** The free-text scrubber; tests replace it with a faulty one to exercise the privacy block. */
  SafeRows.Scrubber scrubber = SafeRows.PHI_SCRUBBER;

  /** The policy and the date shift, loaded and checked before Spark starts ({@link #validate}). */
  private DeidPolicy deidPolicy;
  private int shiftDays;

  public static void main(String[] args) {
    System.exit(JobMain.run(new DeidentifyJob(), args));
  }

  /** The policy file and its date shift against the config: a bad one exits 2 before Spark. */
  @Override
  public void validate(io.carelake.core.config.CarelakeConfig config) {
    deidPolicy = policyFile == null ? DeidPolicy.builtIn() : DeidPolicy.load(policyFile);
    shiftDays = DateShift.maxDays(config, deidPolicy.dateShiftDays());
    boolean datesAreQuasiIdentifiers = deidPolicy.quasiIdentifiers().contains("event_time");
    if (datesAreQuasiIdentifiers && shiftDays < DateShift.MIN_DAYS_FOR_WINDOW) {
      throw new ConfigException("The de-identification policy " + deidPolicy.source() + " lists"
          + " event_time as a quasi-identifier, which the release generalises to the window of"
          + " its date shift; with date shifting at " + shiftDays + " days (config "
          + DateShift.CONFIG_KEY + ") the release would carry exact dates. Set "
          + DateShift.CONFIG_KEY + " to at least " + DateShift.MIN_DAYS_FOR_WINDOW + " (or use"
          + " date_shift.max_days in the policy)");
    }
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    Interval interval = ctx.interval();
    // a release a killed run left half published is completed first (before anything forks)
    List<String> recovered = PublishJournal.recover(ctx.icebergCatalog(),
        line -> ctx.progress("%s", line));
    if (!recovered.isEmpty()) {
      ctx.run().parameter("recovered_publish", String.join("; ", recovered));
    }
    PseudonymKey key = PseudonymKey.load(ctx.config(), env);
    ctx.run().parameter("key_id", key.id()).parameter("key_source", key.source());
    ctx.progress("pseudonymising with key %s from %s", key.id(), key.source());

    // the policy (loaded by validate), checked against the curated tables' schemas before any row
    // is read
    requireTable(ctx, Tables.CURATED_VISITS);
    requireTable(ctx, Tables.CURATED_VITALS);
    deidPolicy.validate(Map.of(
        DeidPolicy.VISITS, columnsOf(ctx, Tables.CURATED_VISITS),
        DeidPolicy.VITALS, columnsOf(ctx, Tables.CURATED_VITALS)), key.id());
    ReleaseModel model = ReleaseModel.from(ctx.config());
    KAnonymity.Policy policy = KAnonymity.Policy.forRelease(ctx.config(), deidPolicy, model);
    boolean datesAreQuasiIdentifiers = deidPolicy.quasiIdentifiers().contains("event_time");
    // the policy's hash is the run's spec hash: lineage cites the exact policy a release used
    ctx.run().specHash(deidPolicy.sha256());
    ctx.run().parameter("policy", deidPolicy.source()).parameter("release_model", model.label())
        .parameter("k", policy.k()).parameter("k_max_suppression", policy.maxSuppression())
        .parameter("date_shift_days", shiftDays)
        .parameter("quasi_identifiers", String.join(",", deidPolicy.quasiIdentifiers()));
    ctx.progress("policy %s: release model %s (class risk at most 1/%d), k=%d, quasi-identifiers"
        + " %s, dates shifted by up to %d days", deidPolicy.source(), model.label(), model.k(),
        policy.k(), deidPolicy.quasiIdentifiers(), shiftDays);
    // the key's fingerprint against the one recorded for its id, before any row is read
    KeyRegistry.check(spark, ctx, key);

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
      // 1. counts and the release check on the staged rows: one aggregate per table
      Row v = visits.agg(count(lit(1)),
          sum(when(SafeRows.publishable(), 0).otherwise(1)),
          sum(when(SafeRows.publishable(), ReleaseGate.leaks(ReleaseGate.visitText(),
              ReleaseGate.ownOfStaged()).plus(ReleaseGate.otherIdentifierLeaks())).otherwise(0)),
          sum(SafeRows.scrubbed())).first();
      Row w = vitals.agg(count(lit(1)), sum(when(SafeRows.publishable(), 0).otherwise(1)),
          sum(when(SafeRows.publishable(), ReleaseGate.leaks(ReleaseGate.vitalText(),
              ReleaseGate.noOwn())).otherwise(0))).first();
      long visitsIn = v.getLong(0);
      long visitsAside = longOrZero(v, 1);
      long ownLeaks = longOrZero(v, 2) + longOrZero(w, 2);
      Dataset<Row> knownIds = ReleaseGate.allResidentIds(
          readAt(spark, ctx.table(Tables.CURATED_VISITS), inputs.get(Tables.CURATED_VISITS)),
          readAt(spark, ctx.table(Tables.CURATED_VITALS), inputs.get(Tables.CURATED_VITALS)));
      long idMentions = ReleaseGate.residentIdMentions(visits.where(SafeRows.publishable()),
          knownIds);
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
            + " staged row(s) still hold an identifier (an id, phone, e-mail, card, record"
            + " number, name, address … or the row's own name/resident id/phone/address, in any"
            + " typed form) in a released text column, and " + idMentions + " visit(s) mention a"
            + " resident id of a patient in curated.* in chief_complaint or note. Nothing was"
            + " written; extend PhiScrubber for the format and rerun (counts"
            + " privacy.leaks_staged and privacy.resident_id_mentions in governance.runs, run "
            + ctx.run().id() + ").");
      }

      // 2. k-anonymity of the release: generalise, suppress, measure, record
      Dataset<Row> published = publishedAround(spark, ctx, interval, datesAreQuasiIdentifiers
          ? 2 * shiftDays : -1);
      generalised = KAnonymity.persist(
          KAnonymity.generalise(visits.where(SafeRows.publishable()), policy.k(),
              deidPolicy.quasiIdentifiers(), published));
      generalisedVitals = KAnonymity.persist(
          KAnonymity.generaliseVitals(vitals.where(SafeRows.publishable()), generalised));
      KAnonymityMeasure.Metrics km = KAnonymityMeasure.measure(generalised);
      long[] kv = KAnonymityMeasure.measureVitals(generalisedVitals);
      boolean kPasses = km.passes(policy);
      Long privacySnapshot = PrivacyResults.append(spark, ctx, java.util.List.of(
          PrivacyResults.visitsRow(ctx, policy, model, km, shiftDays, kPasses),
          PrivacyResults.vitalsRow(ctx, policy, model, kv, shiftDays, kPasses)));
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
        throw new BlockedException("deidentify blocked for " + interval + ": k-anonymity of the "
            + model.label() + " release model (config " + ReleaseModel.CONFIG_KEY + ") needs k="
            + policy.k()
            + " (config " + KAnonymity.K_KEY + " overrides), which is not met within the"
            + " suppression limit " + policy.maxSuppression() + " (config "
            + KAnonymity.MAX_SUPPRESSION_KEY + "): " + km.suppressed() + " of " + km.records()
            + " visits would be suppressed, smallest released class " + km.minClassSize()
            + " patients. Nothing was written; see " + Tables.GOVERNANCE_PRIVACY_RESULTS + " run "
            + ctx.run().id() + " (use a longer interval, a more controlled release model, a"
            + " smaller k or a higher suppression limit)");
      }

      // 3. write every released table on the run's audit branch
      SafeRelease release = new SafeRelease(spark, ctx);
      ctx.run().parameter("audit_branch", release.branch());
      release.fork(Tables.SAFE_VISITS, SafeSchemas.SAFE_VISITS);
      release.fork(Tables.SAFE_VITALS, SafeSchemas.SAFE_VITALS);
      Dataset<Row> previousVisitKeys = previousKeys(spark, ctx, Tables.SAFE_VISITS, interval);
      Dataset<Row> previousVitalKeys = previousKeys(spark, ctx, Tables.SAFE_VITALS, interval);
      SafeRows.visitsOut(generalised).writeTo(release.onBranch(Tables.SAFE_VISITS))
          .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      SafeRows.vitalsOut(generalisedVitals).writeTo(release.onBranch(Tables.SAFE_VITALS))
          .overwrite(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      Dataset<Row> shiftedVisits = null;
      Dataset<Row> shiftedVitals = null;
      if (shiftDays > 0) {
        release.fork(DateShift.SHIFTED_VISITS, SafeSchemas.SAFE_VISITS);
        release.fork(DateShift.SHIFTED_VITALS, SafeSchemas.SAFE_VITALS);
        shiftedVisits = SafeRows.visitsOut(DateShift.shiftVisits(generalised, pseudonyms,
            shiftDays, deidPolicy));
        shiftedVitals = SafeRows.vitalsOut(DateShift.shiftVitals(generalisedVitals, pseudonyms,
            shiftDays, deidPolicy));
        replaceEvents(spark, ctx, release.onBranch(DateShift.SHIFTED_VISITS), shiftedVisits,
            previousVisitKeys, SafeRows.VISIT_COLUMNS);
        replaceEvents(spark, ctx, release.onBranch(DateShift.SHIFTED_VITALS), shiftedVitals,
            previousVitalKeys, SafeRows.VITAL_COLUMNS);
      }

      // 4. audit what the branches hold: counts, and the release check on every text column
      Dataset<Row> branchVisits = spark.table(release.onBranch(Tables.SAFE_VISITS))
          .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      Dataset<Row> branchVitals = spark.table(release.onBranch(Tables.SAFE_VITALS))
          .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
      Row sv = branchVisits.agg(count(lit(1)), sum(ReleaseGate.leaks(ReleaseGate.visitText(),
          ReleaseGate.noOwn()))).first();
      Row st = branchVitals.agg(count(lit(1)), sum(ReleaseGate.leaks(ReleaseGate.vitalText(),
          ReleaseGate.noOwn()))).first();
      long visitsOut = sv.getLong(0);
      long vitalsOut = st.getLong(0);
      long published2 = longOrZero(sv, 1) + longOrZero(st, 1)
          + ReleaseGate.residentIdMentions(branchVisits, knownIds);
      long shiftedOut = 0;
      if (shiftDays > 0) {
        Dataset<Row> bsv = spark.table(release.onBranch(DateShift.SHIFTED_VISITS))
            .join(generalised.select("event_key"), "event_key");
        Dataset<Row> bst = spark.table(release.onBranch(DateShift.SHIFTED_VITALS))
            .join(generalisedVitals.select("event_key"), "event_key");
        Row a = bsv.agg(count(lit(1)), sum(ReleaseGate.leaks(ReleaseGate.visitText(),
            ReleaseGate.noOwn()))).first();
        Row b = bst.agg(count(lit(1)), sum(ReleaseGate.leaks(ReleaseGate.vitalText(),
            ReleaseGate.noOwn()))).first();
        shiftedOut = a.getLong(0) + b.getLong(0);
        published2 += longOrZero(a, 1) + longOrZero(b, 1)
            + ReleaseGate.residentIdMentions(bsv, knownIds);
        ctx.run().count("date_shifted.visits.rows", a.getLong(0))
            .count("date_shifted.vitals.rows", b.getLong(0));
      }
      ctx.run().count("safe.visits.rows", visitsOut).count("safe.vitals.rows", vitalsOut)
          .count("privacy.leaks_published", published2);
      if (published2 > 0) {
        release.reject();
        ctx.run().rows(rowsIn, 0, rowsIn).count("blocked.rows", rowsIn);
        throw new BlockedException("deidentify blocked for " + interval + ": " + published2
            + " row(s) of the release as written on branch " + release.branch() + " hold an"
            + " identifier in a text column; nothing was published, the branch was dropped and"
            + " its snapshots expired (run " + ctx.run().id() + ")");
      }
      long expectedShifted = shiftDays > 0 ? visitsOut + vitalsOut : 0;
      if (visitsOut != visitsIn - visitsAside || vitalsOut != vitalsIn - vitalsAside
          || shiftedOut != expectedShifted) {
        release.reject();
        throw new IllegalStateException("the release on branch " + release.branch() + " does"
            + " not reconcile with curated.* for " + interval + ": visits " + visitsIn + " in, "
            + visitsAside + " set aside, " + visitsOut + " written; vitals " + vitalsIn + " in, "
            + vitalsAside + " set aside, " + vitalsOut + " written; date-shifted " + shiftedOut
            + " of " + expectedShifted + ". Nothing was published; rerun deidentify");
      }

      // 5. publish: every table's main fast-forwarded, replaced snapshots expired
      beforePublish.run();
      Map<TableName, Long> outputs = release.publish();
      outputs.forEach((t, id) -> ctx.run().output(t.toString(), id));
      ctx.run().rows(rowsIn, visitsOut + vitalsOut, setAside).requireReconciled();
      ctx.progress("%,d rows in, %,d released to safe.visits/safe.vitals%s, %,d set aside;"
          + " published from branch %s", rowsIn, visitsOut + vitalsOut, shiftDays > 0
          ? " and their date-shifted copies (offsets within +/-" + shiftDays + " days)" : "",
          setAside, release.branch());
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
   * The visits already released around the interval, as released (quasi-identifiers and
   * pseudonym): within {@code windowDays} of it on either side (dates are generalised to that
   * window), or every released visit outside the interval when {@code windowDays} < 0 (dates are
   * not quasi-identifiers). Null when nothing is released yet.
   */
  private static Dataset<Row> publishedAround(SparkSession spark, JobContext ctx,
      Interval interval, int windowDays) {
    if (!ctx.tableExists(Tables.SAFE_VISITS)) {
      return null;
    }
    Dataset<Row> all = spark.table(ctx.table(Tables.SAFE_VISITS))
        .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval).unary_$bang());
    if (windowDays >= 0) {
      Interval around = new Interval(interval.start().minusDays(windowDays),
          interval.end().plusDays(windowDays));
      all = all.where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, around));
    }
    return all.select("patient_pseudonym", "sex", "birth_year", "age_at_visit", "facility_id");
  }

  /** The event keys the current release holds for the interval (null when none yet). */
  private static Dataset<Row> previousKeys(SparkSession spark, JobContext ctx, TableName table,
      Interval interval) {
    return spark.table(ctx.table(table))
        .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval)).select("event_key");
  }

  /**
   * Replaces, in a date-shifted table (on the audit branch), the rows of the interval's events:
   * the rows of the previous release's events go, the new rows come in (a rerun never
   * duplicates, and an event no longer curated leaves the shifted release as it leaves safe.*).
   */
  private static void replaceEvents(SparkSession spark, JobContext ctx, String target,
      Dataset<Row> rows, Dataset<Row> previousKeys, java.util.List<String> columns) {
    Dataset<Row> upserts = rows.withColumn("_delete", lit(false));
    Dataset<Row> deletes = previousKeys.join(rows.select("event_key"), "event_key", "left_anti")
        .select(columns.stream().map(c -> c.equals("event_key") ? col("event_key")
            : lit(null).cast(rows.schema().apply(c).dataType()).as(c))
            .toArray(org.apache.spark.sql.Column[]::new))
        .withColumn("_delete", lit(true));
    String view = "deid_release_" + Math.abs((target + ctx.run().id()).hashCode());
    upserts.unionByName(deletes).createOrReplaceTempView(view);
    String set = columns.stream().map(c -> "t." + c + " = s." + c)
        .collect(java.util.stream.Collectors.joining(", "));
    String cols = String.join(", ", columns);
    String values = columns.stream().map(c -> "s." + c)
        .collect(java.util.stream.Collectors.joining(", "));
    try {
      spark.sql("MERGE INTO " + target + " t USING " + view + " s ON t.event_key = s.event_key"
          + " WHEN MATCHED AND s._delete THEN DELETE"
          + " WHEN MATCHED THEN UPDATE SET " + set
          + " WHEN NOT MATCHED AND NOT s._delete THEN INSERT (" + cols + ") VALUES (" + values
          + ")");
    } finally {
      spark.catalog().dropTempView(view);
    }
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
    inputs.put(table, snapshot);
    return readAt(spark, ctx.table(table), snapshot)
        .where(IcebergWrites.inInterval(TableSchemas.EVENT_TIME, interval));
  }

  static Dataset<Row> readAt(SparkSession spark, String table, Long snapshot) {
    return snapshot == null ? spark.table(table)
        : spark.sql("SELECT * FROM " + table + " VERSION AS OF " + snapshot);
  }



  private static long longOrZero(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }
}
