package io.carelake.ingestion.envelope;

import java.time.Instant;
import java.util.Map;

/**
 * A vital sign whose envelope is valid, flattened to the columns of {@code raw.vitals}
 * ({@code io.carelake.core.tables.TableSchemas#RAW_VITALS}). Units and ranges are not checked
 * here: that is governance's job. {@code extras}: fields the schema does not know, by column name
 * ({@link Extras}), empty when none.
 * {@code recordTime}: when the source recorded it, null when the message did not say.
 */
public record RawVital(
    String eventId,
    Instant eventTime,
    int schemaVersion,
    String residentId,
    String facilityId,
    String code,
    double value,
    String unit,
    String source,
    String deviceId,
    Provenance provenance,
    Map<String, String> extras,
    Instant recordTime) implements ParsedMessage {}
