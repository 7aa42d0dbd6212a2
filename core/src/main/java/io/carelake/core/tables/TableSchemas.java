package io.carelake.core.tables;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Iceberg schemas and partition specs of the tables that more than one engine writes or reads:
 * the raw zone (written by Flink, read by Spark) and the run ledger (written by every job), and
 * of the tables one module writes for another module that cannot see it (item contamination).
 * Tables owned by one module declare their schema in that module; their names live in
 * {@link Tables}.
 *
 * <p>Every fact keeps two clocks: {@code event_time} (when it happened, from the source) and
 * {@code ingest_time} (when carelake first saw it). Raw tables are partitioned by day of event time,
 * so that late events land in their own day and batch jobs read exactly an interval's slice.
 */
public final class TableSchemas {

  /** Columns that ingestion adds to every event: where it came from and when it was seen. */
  public static final String KAFKA_TOPIC = "kafka_topic";
  public static final String KAFKA_PARTITION = "kafka_partition";
  public static final String KAFKA_OFFSET = "kafka_offset";
  public static final String INGEST_TIME = "ingest_time";
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TIME = "event_time";
  public static final String RESIDENT_ID = "resident_id";
  /**
   * When the source recorded the fact (a lab report issued, a note signed), optional: the third
   * clock, between event time and ingest time. Point-in-time features count a fact as available
   * from its record time, or from its ingest time when the source gave none.
   */
  public static final String RECORD_TIME = "record_time";

  public static final Schema RAW_VISITS = new Schema(
      required(1, "event_id", Types.StringType.get(), "unique event id, the deduplication key"),
      required(2, "event_time", Types.TimestampType.withZone(), "when the visit happened"),
      required(3, "schema_version", Types.IntegerType.get()),
      required(4, "resident_id", Types.StringType.get(), "PHI: GB 11643 resident id or source patient id"),
      optional(5, "patient_name", Types.StringType.get(), "PHI"),
      optional(6, "sex", Types.StringType.get(), "GB/T 2261.1 code"),
      optional(7, "birth_date", Types.DateType.get(), "quasi-identifier"),
      optional(8, "phone", Types.StringType.get(), "PHI"),
      optional(9, "address", Types.StringType.get(), "PHI"),
      required(10, "facility_id", Types.StringType.get()),
      optional(11, "clinician_id", Types.StringType.get()),
      required(12, "visit_type", Types.StringType.get()),
      optional(13, "diagnoses", Types.ListType.ofOptional(100, Types.StringType.get()), "ICD-10 codes"),
      optional(14, "chief_complaint", Types.StringType.get(), "free text, may hold PHI"),
      optional(15, "note", Types.StringType.get(), "free text, may hold PHI"),
      optional(16, "prescriptions", Types.ListType.ofOptional(101, Types.StructType.of(
          optional(102, "drug", Types.StringType.get()),
          optional(103, "dose", Types.StringType.get()),
          optional(104, "frequency", Types.StringType.get()),
          optional(105, "days", Types.IntegerType.get())))),
      required(17, KAFKA_TOPIC, Types.StringType.get()),
      required(18, KAFKA_PARTITION, Types.IntegerType.get()),
      required(19, KAFKA_OFFSET, Types.LongType.get()),
      required(20, INGEST_TIME, Types.TimestampType.withZone(), "when ingestion first saw the event"),
      optional(21, RECORD_TIME, Types.TimestampType.withZone(),
          "when the source recorded the visit (note signed); null when it did not say"));

  public static final Schema RAW_VITALS = new Schema(
      required(1, "event_id", Types.StringType.get(), "unique event id, the deduplication key"),
      required(2, "event_time", Types.TimestampType.withZone(), "when the measurement was taken"),
      required(3, "schema_version", Types.IntegerType.get()),
      required(4, "resident_id", Types.StringType.get(), "PHI: GB 11643 resident id or source patient id"),
      required(5, "facility_id", Types.StringType.get()),
      required(6, "code", Types.StringType.get(), "LOINC"),
      required(7, "value", Types.DoubleType.get()),
      required(8, "unit", Types.StringType.get(), "UCUM"),
      required(9, "source", Types.StringType.get(), "clinic or home_device"),
      optional(10, "device_id", Types.StringType.get()),
      required(11, KAFKA_TOPIC, Types.StringType.get()),
      required(12, KAFKA_PARTITION, Types.IntegerType.get()),
      required(13, KAFKA_OFFSET, Types.LongType.get()),
      required(14, INGEST_TIME, Types.TimestampType.withZone(), "when ingestion first saw the event"),
      optional(15, RECORD_TIME, Types.TimestampType.withZone(),
          "when the source recorded the result (lab report issued, device synced); null when it did not say"));

  /** Anything ingestion could not land, byte for byte, with a stable error code. */
  public static final Schema RAW_DEAD_LETTERS = new Schema(
      required(1, KAFKA_TOPIC, Types.StringType.get()),
      required(2, KAFKA_PARTITION, Types.IntegerType.get()),
      required(3, KAFKA_OFFSET, Types.LongType.get()),
      optional(4, "kafka_timestamp", Types.TimestampType.withZone()),
      optional(5, "payload", Types.BinaryType.get(), "the original message bytes, unchanged"),
      required(6, "payload_size", Types.IntegerType.get()),
      required(7, "error_code", Types.StringType.get(), "stable machine-readable code"),
      required(8, "error_message", Types.StringType.get(), "what was wrong and where"),
      optional(9, "event_id", Types.StringType.get(), "when it could be read from the payload"),
      required(10, INGEST_TIME, Types.TimestampType.withZone()));

  /**
   * The run ledger: one row per job run, written RUNNING when the run starts and replaced by its
   * end (SUCCEEDED, BLOCKED, FAILED; ABANDONED when a later run finds it dead). Columns 18-20 hold
   * the run's lease while it is RUNNING (see core's {@code RunLedger}).
   */
  public static final Schema GOVERNANCE_RUNS = new Schema(
      required(1, "run_id", Types.StringType.get()),
      required(2, "job", Types.StringType.get()),
      required(3, "version", Types.StringType.get(), "carelake version of the job"),
      required(4, "status", Types.StringType.get(),
          "RUNNING, SUCCEEDED, BLOCKED, FAILED or ABANDONED"),
      required(5, "started_at", Types.TimestampType.withZone()),
      optional(6, "ended_at", Types.TimestampType.withZone(), "null while RUNNING"),
      optional(7, "interval_start", Types.DateType.get(), "inclusive"),
      optional(8, "interval_end", Types.DateType.get(), "exclusive"),
      optional(9, "parameters", Types.MapType.ofOptional(100, 101,
          Types.StringType.get(), Types.StringType.get())),
      optional(10, "spec_hash", Types.StringType.get()),
      optional(11, "input_snapshots", Types.MapType.ofOptional(102, 103,
          Types.StringType.get(), Types.LongType.get()), "table -> snapshot id read"),
      optional(12, "output_snapshots", Types.MapType.ofOptional(104, 105,
          Types.StringType.get(), Types.LongType.get()), "table -> snapshot id written"),
      required(13, "rows_in", Types.LongType.get()),
      required(14, "rows_out", Types.LongType.get()),
      required(15, "rows_set_aside", Types.LongType.get(), "quarantined, dead-lettered, suppressed"),
      optional(16, "counts", Types.MapType.ofOptional(106, 107,
          Types.StringType.get(), Types.LongType.get()), "stage-specific counts"),
      optional(17, "message", Types.StringType.get(), "why a run failed or was blocked"),
      optional(18, "heartbeat_at", Types.TimestampType.withZone(),
          "when the run last renewed its lease"),
      optional(19, "lease_expires_at", Types.TimestampType.withZone(),
          "a RUNNING row past this time belongs to a dead run"),
      optional(20, "lease_owner", Types.StringType.get(),
          "host/pid/process start (epoch ms) of the process that holds the lease"));

  /**
   * {@link Tables#DATASETS_ITEM_CONTAMINATION}: which evaluation items the corpus job found in its
   * documents; written by training-datasets' corpus job, read by model-evaluation's evaluate-lm
   * (Spark: {@code SparkSchemaUtil.convert}).
   */
  public static final Schema ITEM_CONTAMINATION = new Schema(
      required(1, "item_set_sha256", Types.StringType.get()),
      required(2, "item_id", Types.StringType.get()),
      required(3, "contaminated", Types.BooleanType.get()),
      optional(4, "method", Types.StringType.get()),
      optional(5, "score", Types.DoubleType.get()),
      optional(6, "corpus_run_id", Types.StringType.get()),
      optional(7, "corpus_snapshot_id", Types.LongType.get()));

  public static PartitionSpec rawVisitsSpec() {
    return PartitionSpec.builderFor(RAW_VISITS).day(EVENT_TIME).build();
  }

  public static PartitionSpec rawVitalsSpec() {
    return PartitionSpec.builderFor(RAW_VITALS).day(EVENT_TIME).build();
  }

  public static PartitionSpec deadLettersSpec() {
    return PartitionSpec.builderFor(RAW_DEAD_LETTERS).day(INGEST_TIME).build();
  }

  public static PartitionSpec runsSpec() {
    return PartitionSpec.unpartitioned();
  }

  private TableSchemas() {}
}
