package io.carelake.deid;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.Tables;
import io.carelake.spark.JobContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * governance.privacy_results: one row per deidentify run and released table (safe.visits,
 * safe.vitals), written whether the run passes or is blocked by the k-anonymity policy. Appended:
 * each run has its own id, so a rerun adds its own rows and never changes another run's.
 */
public final class PrivacyResults {

  public static final Schema SCHEMA = new Schema(
      optional(1, "run_id", Types.StringType.get()),
      optional(2, "job", Types.StringType.get()),
      optional(3, "interval_start", Types.DateType.get()),
      optional(4, "interval_end", Types.DateType.get()),
      optional(5, "table", Types.StringType.get()),
      optional(6, "k", Types.IntegerType.get(), "policy: smallest class size allowed (deid.k)"),
      optional(7, "max_suppression", Types.DoubleType.get(),
          "policy: largest fraction of records that may be suppressed"),
      optional(8, "quasi_identifiers", Types.StringType.get(), "comma-separated columns"),
      optional(9, "records", Types.LongType.get()),
      optional(10, "records_generalised", Types.LongType.get()),
      optional(11, "records_suppressed", Types.LongType.get()),
      optional(12, "classes", Types.LongType.get(), "equivalence classes of released records"),
      optional(13, "min_class_size", Types.LongType.get(), "distinct patients in the smallest class"),
      optional(14, "prosecutor_risk_max", Types.DoubleType.get(), "1 / smallest class size"),
      optional(15, "prosecutor_risk_mean", Types.DoubleType.get(),
          "mean over released records of 1 / class size"),
      optional(16, "information_loss", Types.DoubleType.get(),
          "mean generalisation height per record: 0 released as is, 0.5 generalised, 1 suppressed"),
      optional(17, "date_shift_days", Types.IntegerType.get(), "N of deid.date-shift-days (0 = off)"),
      optional(18, "status", Types.StringType.get(), "PASSED or BLOCKED"),
      optional(19, "recorded_at", Types.TimestampType.withZone()),
      optional(20, "release_model", Types.StringType.get(),
          "public, agreement or enclave (deid.release-model): how the release is shared"),
      optional(21, "max_class_risk", Types.DoubleType.get(),
          "the release model's threshold on 1 / class size"),
      optional(22, "records_by_level", Types.MapType.ofOptional(100, 101, Types.StringType.get(),
          Types.LongType.get()), "visits per generalisation level: 0 as staged, 1 birth decade"
          + " and region, 2 twenty-year band without location, 3 forty-year band, 4 suppressed"),
      optional(23, "class_sizes", Types.MapType.ofOptional(102, 103, Types.StringType.get(),
          Types.LongType.get()), "released equivalence classes per size band (distinct patients):"
          + " 1, 2, 3-4, 5-9, 10-19, 20-49, 50+"));

  private PrivacyResults() {}

  /** The row of safe.visits. */
  static Row visitsRow(JobContext ctx, KAnonymity.Policy policy, ReleaseModel model,
      KAnonymityMeasure.Metrics m, int shiftDays, boolean passed) {
    return row(ctx, Tables.SAFE_VISITS.toString(), policy, model, KAnonymity.QUASI_IDENTIFIERS,
        m.records(), m.generalised(), m.suppressed(), m.classes(), m.minClassSize(), m.riskMax(),
        m.riskMean(), m.informationLoss(), shiftDays, passed, m.recordsByLevel(), m.classSizes());
  }

  /** The row of safe.vitals: facility_id follows the patient's visits; no class of its own. */
  static Row vitalsRow(JobContext ctx, KAnonymity.Policy policy, ReleaseModel model,
      long[] vitals, int shiftDays, boolean passed) {
    double loss = vitals[0] == 0 ? 0 : (0.5 * vitals[1] + vitals[2]) / vitals[0];
    return row(ctx, Tables.SAFE_VITALS.toString(), policy, model, "facility_id", vitals[0],
        vitals[1], vitals[2], null, null, null, null, loss, shiftDays, passed, null, null);
  }

  private static Row row(JobContext ctx, String table, KAnonymity.Policy policy,
      ReleaseModel model, String qis,
      long records, long generalised, long suppressed, Long classes, Long minClass,
      Double riskMax, Double riskMean, double loss, int shiftDays, boolean passed,
      Map<String, Long> byLevel, Map<String, Long> classSizes) {
    return RowFactory.create(ctx.run().id(), ctx.run().job(),
        Date.valueOf(ctx.interval().start()), Date.valueOf(ctx.interval().end()), table,
        policy.k(), policy.maxSuppression(), qis, records, generalised, suppressed, classes,
        minClass, riskMax, riskMean, loss, shiftDays, passed ? "PASSED" : "BLOCKED",
        Timestamp.from(Instant.now()), model.label(), model.maxClassRisk(),
        byLevel, classSizes);
  }

  /** Appends the rows (creating the table on first use); returns the new snapshot id. */
  static Long append(SparkSession spark, JobContext ctx, List<Row> rows) throws Exception {
    org.apache.iceberg.Table table = CatalogFactory.createIfMissing(ctx.icebergCatalog(),
        Tables.GOVERNANCE_PRIVACY_RESULTS, SCHEMA, PartitionSpec.unpartitioned());
    // a table written before the release model was recorded gets its columns
    org.apache.iceberg.UpdateSchema update = null;
    for (Types.NestedField c : SCHEMA.columns()) {
      if (table.schema().findField(c.name()) == null) {
        update = update == null ? table.updateSchema() : update;
        update.addColumn(c.name(), c.type(), c.doc());
      }
    }
    if (update != null) {
      update.commit();
      spark.catalog().refreshTable(ctx.table(Tables.GOVERNANCE_PRIVACY_RESULTS));
    }
    spark.createDataFrame(new ArrayList<>(rows), SparkSchemaUtil.convert(SCHEMA))
        .writeTo(ctx.table(Tables.GOVERNANCE_PRIVACY_RESULTS)).append();
    return ctx.currentSnapshot(Tables.GOVERNANCE_PRIVACY_RESULTS);
  }
}
