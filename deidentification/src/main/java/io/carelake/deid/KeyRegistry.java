package io.carelake.deid;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.privacy.PseudonymKey;
import io.carelake.spark.JobContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code governance.pseudonym_keys}: every key id used, with its key's fingerprint
 * ({@link PseudonymKey#fingerprint}) and the run that first used it. Each run checks its key
 * against the fingerprint recorded for its id: other bytes under the same id would silently give
 * every patient a new pseudonym, breaking every join with earlier releases, so the run fails
 * (exit 1) before reading any row. A new id is recorded on first use.
 */
final class KeyRegistry {

  static final TableName TABLE = TableName.of("governance", "pseudonym_keys");

  static final Schema SCHEMA = new Schema(
      optional(1, "key_id", Types.StringType.get()),
      optional(2, "fingerprint", Types.StringType.get(),
          "first 16 hex digits of HMAC-SHA-256(key, 'carelake:key-fingerprint')"),
      optional(3, "first_run_id", Types.StringType.get()),
      optional(4, "first_used_at", Types.TimestampType.withZone()));

  private KeyRegistry() {}

  /** Checks (or records, on first use) the key's fingerprint for its id. */
  static void check(SparkSession spark, JobContext ctx, PseudonymKey key) throws Exception {
    String fingerprint = key.fingerprint();
    CatalogFactory.createIfMissing(ctx.icebergCatalog(), TABLE, SCHEMA,
        PartitionSpec.unpartitioned());
    List<Row> known = spark.table(ctx.table(TABLE))
        .where(functions.col("key_id").equalTo(key.id())).collectAsList();
    ctx.run().parameter("key_fingerprint", fingerprint);
    if (known.isEmpty()) {
      spark.createDataFrame(List.of(RowFactory.create(key.id(), fingerprint, ctx.run().id(),
          Timestamp.from(Instant.now()))), SparkSchemaUtil.convert(SCHEMA))
          .writeTo(ctx.table(TABLE)).append();
      return;
    }
    for (Row r : known) {
      if (!fingerprint.equals(r.getString(1))) {
        throw new IllegalStateException("The pseudonymisation key loaded for key id '"
            + key.id() + "' (from " + key.source() + ") has fingerprint " + fingerprint
            + ", but key id '" + key.id() + "' was first used with fingerprint " + r.getString(1)
            + " (run " + r.getString(2) + ", " + TABLE + "). Other key bytes under the same id"
            + " would give every patient a new pseudonym. Restore the original key, or rotate"
            + " deliberately to a new id (deid.key-id=<new id>).");
      }
    }
  }
}
