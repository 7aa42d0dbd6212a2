package io.carelake.ingestion.envelope;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.carelake.core.events.EventKind;
import io.carelake.ingestion.envelope.RawVisit.PrescriptionLine;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the envelope of one event message and flattens it to a raw row, or explains why not.
 *
 * <p>The envelope is what ingestion must know to land a row at all: UTF-8, one JSON object, a
 * known {@code schema_version}, the required fields of the event's JSON Schema present with the
 * right JSON types, and an {@code event_time} that is ISO-8601 with an offset and not implausibly
 * far in the future. Content (codes, ranges, units, check digits) is left to governance, which
 * quarantines rows with reasons rather than dropping them.
 *
 * <p>Checks run in a fixed order (size, encoding, syntax, shape, schema version, then fields in
 * schema order), so that a message with several faults always gets the same code. The validator
 * never throws: every failure is a {@link DeadLetter}. It holds no Flink types. It reuses one
 * UTF-8 decoder, so it is not thread-safe: use one per thread (one per Flink subtask).
 */
public final class EnvelopeValidator {

  /** Larger payloads are dead-lettered unparsed: 1 MiB. */
  public static final int MAX_PAYLOAD_BYTES = 1 << 20;
  /** How far in the future of ingest time an event may claim to have happened (clock skew). */
  public static final Duration MAX_FUTURE_SKEW = Duration.ofDays(1);
  /**
   * The earliest event time taken: 1900-01-02T00:00Z, after the sentinel dates systems write for
   * "unknown" (0001-01-01, 1900-01-01) and before any care a living patient's record holds.
   */
  public static final Instant EARLIEST_EVENT_TIME = Instant.parse("1900-01-02T00:00:00Z");
  /** The message schema versions this validator understands. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // two values for one key is ambiguous for medical data: reject rather than pick one
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /**
   * Validates one message of the given kind.
   *
   * @param ingestTime when ingestion parsed the message: stored as {@code ingest_time} and the
   *     reference for {@link ErrorCode#FUTURE_EVENT_TIME}
   */
  public ParsedMessage validate(EventKind kind, KafkaMessage message, Instant ingestTime) {
    Provenance provenance = Provenance.of(message, ingestTime);
    JsonNode root = null;
    try {
      root = parseObject(message.payload);
      return kind == EventKind.VISIT
          ? visit(new JsonFields(root, ""), provenance)
          : vital(new JsonFields(root, ""), provenance);
    } catch (EnvelopeException e) {
      return new DeadLetter(provenance, message.timestampMillis, message.payload,
          message.payloadSize(), e.code(), e.getMessage(), readableEventId(root));
    }
  }

  private JsonNode parseObject(byte[] payload) throws EnvelopeException {
    if (payload == null) {
      throw new EnvelopeException(ErrorCode.NOT_JSON, "empty message (Kafka record has no value)");
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new EnvelopeException(ErrorCode.OVERSIZED, "message is " + payload.length
          + " bytes, more than the limit of " + MAX_PAYLOAD_BYTES + " bytes");
    }
    // validate the encoding (pure ASCII is valid UTF-8: no decoding needed), then let Jackson
    // parse the bytes directly: no intermediate String (profiling: parsing was a fifth of the CPU)
    if (!isAscii(payload)) {
      try {
        utf8.reset().decode(ByteBuffer.wrap(payload));
      } catch (CharacterCodingException e) {
        throw new EnvelopeException(ErrorCode.NOT_UTF8,
            "message is not valid UTF-8 (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (isAsciiBlank(payload)) {
      throw new EnvelopeException(ErrorCode.NOT_JSON, "empty message");
    }
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      // Jackson's own message quotes the text it stopped at (a name, a phone number): the
      // reason keeps its kind and where, the payload is kept beside it for whoever may read it
      throw new EnvelopeException(ErrorCode.NOT_JSON, "message is not valid JSON ("
          + e.getClass().getSimpleName() + locationOf(e) + ")");
    } catch (java.io.IOException e) {
      throw new EnvelopeException(ErrorCode.NOT_JSON, "message is not valid JSON ("
          + e.getClass().getSimpleName() + ")");
    }
    if (root == null || root.isMissingNode()) {
      throw new EnvelopeException(ErrorCode.NOT_JSON, "empty message");
    }
    if (!root.isObject()) {
      throw new EnvelopeException(ErrorCode.NOT_AN_OBJECT,
          "message must be a JSON object, got " + JsonFields.typeName(root));
    }
    return root;
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x0B) {
        return false;
      }
    }
    return true;
  }

  private static String locationOf(JacksonException e) {
    return e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private RawVisit visit(JsonFields f, Provenance provenance) throws EnvelopeException {
    int version = schemaVersion(f);
    String eventId = eventId(f);
    Instant eventTime = eventTime(f, provenance.ingestTime());
    Instant recordTime = recordTime(f, provenance.ingestTime());
    JsonFields patient = f.requiredObject("patient");
    String residentId = patient.requiredText("resident_id");
    String name = patient.optionalText("name");
    String sex = patient.optionalText("sex");
    var birthDate = patient.optionalDate("birth_date");
    String phone = patient.optionalText("phone");
    String address = patient.optionalText("address");
    String facilityId = f.requiredText("facility_id");
    String clinicianId = f.optionalText("clinician_id");
    String visitType = f.requiredText("visit_type");
    List<String> diagnoses = f.optionalTextArray("diagnoses");
    String chiefComplaint = f.optionalText("chief_complaint");
    String note = f.optionalText("note");
    List<PrescriptionLine> prescriptions = prescriptions(f);
    Map<String, String> extras = Extras.VISITS.collect(f.object());
    return new RawVisit(eventId, eventTime, version, residentId, name, sex, birthDate, phone,
        address, facilityId, clinicianId, visitType, diagnoses, chiefComplaint, note, prescriptions,
        provenance, extras, recordTime);
  }

  private static List<PrescriptionLine> prescriptions(JsonFields f) throws EnvelopeException {
    List<JsonFields> items = f.optionalObjectArray("prescriptions");
    if (items == null) {
      return null;
    }
    List<PrescriptionLine> lines = new ArrayList<>(items.size());
    for (JsonFields item : items) {
      lines.add(new PrescriptionLine(item.requiredText("drug"), item.optionalText("dose"),
          item.optionalText("frequency"), item.optionalInt("days")));
    }
    return lines;
  }

  private RawVital vital(JsonFields f, Provenance provenance) throws EnvelopeException {
    int version = schemaVersion(f);
    String eventId = eventId(f);
    Instant eventTime = eventTime(f, provenance.ingestTime());
    Instant recordTime = recordTime(f, provenance.ingestTime());
    String residentId = f.requiredObject("patient").requiredText("resident_id");
    String facilityId = f.requiredText("facility_id");
    String code = f.requiredText("code");
    double value = f.requiredNumber("value");
    String unit = f.requiredText("unit");
    String source = f.requiredText("source");
    String deviceId = f.optionalText("device_id");
    Map<String, String> extras = Extras.VITALS.collect(f.object());
    return new RawVital(eventId, eventTime, version, residentId, facilityId, code, value, unit,
        source, deviceId, provenance, extras, recordTime);
  }

  /** Checked first: a future version may move or rename any other field. */
  private static int schemaVersion(JsonFields f) throws EnvelopeException {
    int version = f.requiredInt("schema_version");
    if (version != SCHEMA_VERSION) {
      throw new EnvelopeException(ErrorCode.UNKNOWN_SCHEMA_VERSION, "schema_version " + version
          + " is not supported (supported: " + SCHEMA_VERSION + ")");
    }
    return version;
  }

  private static String eventId(JsonFields f) throws EnvelopeException {
    String eventId = f.requiredText("event_id");
    if (eventId.length() > 128) {
      throw new EnvelopeException(ErrorCode.WRONG_TYPE,
          "field 'event_id' is " + eventId.length() + " characters long, more than 128");
    }
    return eventId;
  }

  private static Instant eventTime(JsonFields f, Instant ingestTime) throws EnvelopeException {
    String text = f.requiredText("event_time");
    Instant eventTime = instant("event_time", text, ingestTime, ErrorCode.BAD_EVENT_TIME,
        ErrorCode.FUTURE_EVENT_TIME);
    if (eventTime.isBefore(EARLIEST_EVENT_TIME)) {
      throw new EnvelopeException(ErrorCode.PAST_EVENT_TIME, "field 'event_time' " + text
          + " is before " + EARLIEST_EVENT_TIME + ": a placeholder date, not when care happened"
          + " (send the real time, or leave the event out until it is known)");
    }
    return eventTime;
  }

  /**
   * The optional {@code record_time} (when the source recorded the fact), or null when absent. Read
   * like {@code event_time}: ISO-8601 with an offset, not implausibly far in the future.
   */
  private static Instant recordTime(JsonFields f, Instant ingestTime) throws EnvelopeException {
    String text = f.optionalText("record_time");
    return text == null ? null : instant("record_time", text, ingestTime,
        ErrorCode.BAD_RECORD_TIME, ErrorCode.BAD_RECORD_TIME);
  }

  /**
   * A time field's instant: ISO-8601 with an offset ({@code bad} otherwise), at most
   * {@link #MAX_FUTURE_SKEW} after the ingest time ({@code future} otherwise).
   */
  private static Instant instant(String field, String text, Instant ingestTime, ErrorCode bad,
      ErrorCode future) throws EnvelopeException {
    Instant instant = fastEventTime(text);
    if (instant == null) {
      try {
        instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // the value is a timestamp, not PHI: quoting it is what makes the dead letter fixable
        throw new EnvelopeException(bad, "field '" + field + "' value '" + abbreviate(text)
            + "' is not ISO-8601 with an offset (e.g. 2026-03-01T09:12:00+08:00)");
      }
    }
    if (instant.isAfter(ingestTime.plus(MAX_FUTURE_SKEW))) {
      throw new EnvelopeException(future, "field '" + field + "' " + text + " is more than "
          + MAX_FUTURE_SKEW.toHours() + " hours after ingest time " + ingestTime);
    }
    return instant;
  }

  /**
   * The common shapes {@code yyyy-MM-ddTHH:mm:ssZ} and {@code yyyy-MM-ddTHH:mm:ss+HH:MM} without
   * the (slow) formatter; null for anything else, or anything out of range, which then goes
   * through {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} and gets its verdict and message.
   */
  static Instant fastEventTime(String t) {
    int n = t.length();
    if ((n != 20 && n != 25) || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
        || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int offsetSeconds;
    if (n == 20) {
      if (t.charAt(19) != 'Z') {
        return null;
      }
      offsetSeconds = 0;
    } else {
      char sign = t.charAt(19);
      int oh = digits(t, 20, 2);
      int om = digits(t, 23, 2);
      if ((sign != '+' && sign != '-') || t.charAt(22) != ':' || (oh | om) < 0 || oh > 18
          || om > 59 || (oh == 18 && om != 0)) {
        return null;
      }
      offsetSeconds = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    try {
      return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
          .toInstant(java.time.ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** The non-negative number in {@code t[from, from + count)}, or -1 when not all digits. */
  private static int digits(String t, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  /** The payload's event id, if it has a usable one, so that a dead letter can be traced. */
  private static String readableEventId(JsonNode root) {
    if (root == null || !root.isObject()) {
      return null;
    }
    JsonNode id = root.get("event_id");
    return id != null && id.isTextual() && !id.textValue().isEmpty()
        && id.textValue().length() <= 128 ? id.textValue() : null;
  }
}
