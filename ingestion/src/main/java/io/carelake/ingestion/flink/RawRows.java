package io.carelake.ingestion.flink;

import io.carelake.core.tables.TableSchemas;
import io.carelake.ingestion.envelope.DeadLetter;
import io.carelake.ingestion.envelope.Provenance;
import io.carelake.ingestion.envelope.RawVisit;
import io.carelake.ingestion.envelope.RawVisit.PrescriptionLine;
import io.carelake.ingestion.envelope.RawVital;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Converts validated events and dead letters to Flink {@link RowData} in the exact layouts of
 * {@code raw.visits}, {@code raw.vitals} and {@code raw.dead_letters} from
 * {@link TableSchemas}. Iceberg {@code timestamptz} is Flink {@code TIMESTAMP_LTZ} (an instant),
 * {@code date} is days since the epoch, strings are {@link StringData}.
 */
public final class RawRows {

  /**
   * In-flight column (never written as such) holding an event's fields the schema does not know,
   * by column name ({@code envelope.Extras}); the sink turns them into columns of their own.
   */
  public static final String EXTRAS = "carelake_extras";

  public static final RowLayout VISITS = RowLayout.of(inFlight(TableSchemas.RAW_VISITS));
  public static final RowLayout VITALS = RowLayout.of(inFlight(TableSchemas.RAW_VITALS));
  public static final RowLayout DEAD_LETTERS = RowLayout.of(TableSchemas.RAW_DEAD_LETTERS);
  private static final RowLayout PRESCRIPTION = VISITS.elementsOf("prescriptions");

  /** Positions of the two columns the pipeline reads back: both raw tables have them. */
  public static final int VISITS_EVENT_ID = VISITS.position(TableSchemas.EVENT_ID);
  public static final int VISITS_EVENT_TIME = VISITS.position(TableSchemas.EVENT_TIME);
  public static final int VITALS_EVENT_ID = VITALS.position(TableSchemas.EVENT_ID);
  public static final int VITALS_EVENT_TIME = VITALS.position(TableSchemas.EVENT_TIME);
  /** Precision of Iceberg timestamps in Flink: microseconds. */
  public static final int TIMESTAMP_PRECISION = 6;

  private RawRows() {}

  /** A raw table's schema plus the trailing {@link #EXTRAS} map column. */
  static Schema inFlight(Schema table) {
    List<Types.NestedField> columns = new ArrayList<>(table.columns());
    int id = table.highestFieldId();
    columns.add(Types.NestedField.optional(id + 1, EXTRAS, Types.MapType.ofOptional(id + 2, id + 3,
        Types.StringType.get(), Types.StringType.get())));
    return new Schema(columns);
  }

  public static RowData visit(RawVisit v) {
    RowLayout.Builder row = VISITS.newRow()
        .set("event_id", str(v.eventId()))
        .set("event_time", ts(v.eventTime()))
        .set("schema_version", v.schemaVersion())
        .set("resident_id", str(v.residentId()))
        .set("patient_name", str(v.patientName()))
        .set("sex", str(v.sex()))
        .set("birth_date", v.birthDate() == null ? null : (int) v.birthDate().toEpochDay())
        .set("phone", str(v.phone()))
        .set("address", str(v.address()))
        .set("facility_id", str(v.facilityId()))
        .set("clinician_id", str(v.clinicianId()))
        .set("visit_type", str(v.visitType()))
        .set("diagnoses", array(v.diagnoses(), RawRows::str))
        .set("chief_complaint", str(v.chiefComplaint()))
        .set("note", str(v.note()))
        .set("prescriptions", array(v.prescriptions(), RawRows::prescription))
        .set(TableSchemas.RECORD_TIME, v.recordTime() == null ? null : ts(v.recordTime()))
        .set(EXTRAS, extras(v.extras()));
    return provenance(row, v.provenance()).build();
  }

  public static RowData vital(RawVital v) {
    RowLayout.Builder row = VITALS.newRow()
        .set("event_id", str(v.eventId()))
        .set("event_time", ts(v.eventTime()))
        .set("schema_version", v.schemaVersion())
        .set("resident_id", str(v.residentId()))
        .set("facility_id", str(v.facilityId()))
        .set("code", str(v.code()))
        .set("value", v.value())
        .set("unit", str(v.unit()))
        .set("source", str(v.source()))
        .set("device_id", str(v.deviceId()))
        .set(TableSchemas.RECORD_TIME, v.recordTime() == null ? null : ts(v.recordTime()))
        .set(EXTRAS, extras(v.extras()));
    return provenance(row, v.provenance()).build();
  }

  /**
   * A position marker in the layout of an event table: only the Kafka provenance and
   * {@code ingest_time}, no {@code event_time}. Sent for a dead letter of that table's topic so
   * that lateness tracking knows the partition's offset moved past it (a partition whose backlog
   * ends in bad messages has still caught up); never written ({@link LatenessFunction} drops it).
   */
  public static RowData position(RowLayout layout, Provenance p) {
    return provenance(layout.newRow(), p).build();
  }

  public static RowData deadLetter(DeadLetter d) {
    Provenance p = d.provenance();
    return DEAD_LETTERS.newRow()
        .set(TableSchemas.KAFKA_TOPIC, str(p.topic()))
        .set(TableSchemas.KAFKA_PARTITION, p.partition())
        .set(TableSchemas.KAFKA_OFFSET, p.offset())
        .set("kafka_timestamp", d.kafkaTimestampMillis() == null ? null
            : TimestampData.fromEpochMillis(d.kafkaTimestampMillis()))
        .set("payload", d.payload())
        .set("payload_size", d.payloadSize())
        .set("error_code", str(d.errorCode().name()))
        .set("error_message", str(d.errorMessage()))
        .set("event_id", str(d.eventId()))
        .set(TableSchemas.INGEST_TIME, ts(p.ingestTime()))
        .build();
  }

  private static RowLayout.Builder provenance(RowLayout.Builder row, Provenance p) {
    return row.set(TableSchemas.KAFKA_TOPIC, str(p.topic()))
        .set(TableSchemas.KAFKA_PARTITION, p.partition())
        .set(TableSchemas.KAFKA_OFFSET, p.offset())
        .set(TableSchemas.INGEST_TIME, ts(p.ingestTime()));
  }

  private static RowData prescription(PrescriptionLine line) {
    return PRESCRIPTION.newRow()
        .set("drug", str(line.drug()))
        .set("dose", str(line.dose()))
        .set("frequency", str(line.frequency()))
        .set("days", line.days())
        .build();
  }

  private static <T> ArrayData array(List<T> values, Function<T, Object> element) {
    if (values == null) {
      return null;
    }
    Object[] elements = new Object[values.size()];
    for (int i = 0; i < elements.length; i++) {
      T value = values.get(i);
      elements[i] = value == null ? null : element.apply(value);
    }
    return new GenericArrayData(elements);
  }

  private static MapData extras(Map<String, String> extras) {
    if (extras == null || extras.isEmpty()) {
      return null;
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    extras.forEach((k, v) -> map.put(StringData.fromString(k), StringData.fromString(v)));
    return new GenericMapData(map);
  }

  private static StringData str(String value) {
    return value == null ? null : StringData.fromString(value);
  }

  private static TimestampData ts(Instant instant) {
    return TimestampData.fromInstant(instant);
  }
}
