package io.carelake.ingestion.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carelake.core.events.EventKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every dead-letter code, and the flattening of good visits and vitals. */
class TestEnvelopeValidator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2025-03-02T00:00:00Z");

  private final EnvelopeValidator validator = new EnvelopeValidator();

  static String visitJson() {
    return """
        {"schema_version":1,"event_id":"v-1","event_time":"2025-03-01T09:12:00+08:00",
         "patient":{"resident_id":"110105194912310021","name":"张伟","sex":"1",
                    "birth_date":"1949-12-31","phone":"13812345678","address":"北京市东城区"},
         "facility_id":"F001","clinician_id":"C001","visit_type":"outpatient",
         "diagnoses":["I10","E11.9"],"chief_complaint":"头晕","note":"患者头晕三天。",
         "prescriptions":[{"drug":"氨氯地平","dose":"5 mg","frequency":"qd","days":30}]}
        """;
  }

  static String vitalJson() {
    return """
        {"schema_version":1,"event_id":"s-1","event_time":"2025-03-01T09:15:00+08:00",
         "patient":{"resident_id":"110105194912310021"},"facility_id":"F001",
         "code":"8480-6","value":142.5,"unit":"mm[Hg]","source":"clinic"}
        """;
  }

  private ParsedMessage validate(EventKind kind, byte[] payload) {
    String topic = kind == EventKind.VISIT ? "carelake.visits" : "carelake.vitals";
    return validator.validate(kind, new KafkaMessage(topic, 1, 42L, 1_700_000_000_000L, payload),
        NOW);
  }

  private ParsedMessage validate(EventKind kind, String payload) {
    return validate(kind, payload.getBytes(StandardCharsets.UTF_8));
  }

  private DeadLetter dead(EventKind kind, String payload) {
    ParsedMessage parsed = validate(kind, payload);
    assertThat(parsed).isInstanceOf(DeadLetter.class);
    return (DeadLetter) parsed;
  }

  private static String edit(String json, java.util.function.Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree(json);
    change.accept(node);
    return JSON.writeValueAsString(node);
  }

  @Test
  void aGoodVisitIsFlattenedWithItsProvenance() {
    ParsedMessage parsed = validate(EventKind.VISIT, visitJson());
    assertThat(parsed).isInstanceOf(RawVisit.class);
    RawVisit v = (RawVisit) parsed;
    assertThat(v.eventId()).isEqualTo("v-1");
    assertThat(v.eventTime()).isEqualTo(Instant.parse("2025-03-01T01:12:00Z"));
    assertThat(v.residentId()).isEqualTo("110105194912310021");
    assertThat(v.patientName()).isEqualTo("张伟");
    assertThat(v.birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
    assertThat(v.diagnoses()).containsExactly("I10", "E11.9");
    assertThat(v.prescriptions()).containsExactly(
        new RawVisit.PrescriptionLine("氨氯地平", "5 mg", "qd", 30));
    assertThat(v.provenance()).isEqualTo(new Provenance("carelake.visits", 1, 42L, NOW));
  }

  @Test
  void aGoodVitalIsFlattened() {
    ParsedMessage parsed = validate(EventKind.VITAL, vitalJson());
    assertThat(parsed).isInstanceOf(RawVital.class);
    RawVital v = (RawVital) parsed;
    assertThat(v.code()).isEqualTo("8480-6");
    assertThat(v.value()).isEqualTo(142.5);
    assertThat(v.unit()).isEqualTo("mm[Hg]");
    assertThat(v.deviceId()).isNull();
  }

  @Test
  void optionalFieldsMayBeAbsent() throws Exception {
    String minimal = edit(visitJson(), n -> {
      n.remove(List.of("clinician_id", "diagnoses", "chief_complaint", "note", "prescriptions"));
      ((ObjectNode) n.get("patient")).retain("resident_id");
    });
    RawVisit v = (RawVisit) validate(EventKind.VISIT, minimal);
    assertThat(v.diagnoses()).isNull();
    assertThat(v.prescriptions()).isNull();
    assertThat(v.patientName()).isNull();
  }

  @Test
  void notJson() {
    DeadLetter d = dead(EventKind.VISIT, "{\"schema_version\":1,\"event_id\":");
    assertThat(d.errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(d.errorMessage()).contains("not valid JSON").contains("line 1");
    // the reason never quotes the payload (Jackson's message would: "Unrecognized token 'X'")
    DeadLetter quoted = dead(EventKind.VISIT, "{\"schema_version\":1,\"name\":王秀英13912345678}");
    assertThat(quoted.errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(quoted.errorMessage()).contains("not valid JSON").contains("line 1")
        .doesNotContain("王秀英").doesNotContain("13912345678");
    assertThat(dead(EventKind.VITAL, "").errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(dead(EventKind.VITAL, vitalJson() + " {}").errorCode())
        .as("trailing tokens").isEqualTo(ErrorCode.NOT_JSON);
    assertThat(dead(EventKind.VITAL, "{\"a\":1,\"a\":2}").errorCode())
        .as("duplicate keys").isEqualTo(ErrorCode.NOT_JSON);
  }

  @Test
  void aTombstoneIsNotJson() {
    ParsedMessage parsed = validate(EventKind.VITAL, (byte[]) null);
    assertThat(((DeadLetter) parsed).errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(((DeadLetter) parsed).payloadSize()).isZero();
  }

  @Test
  void notUtf8KeepsTheOriginalBytes() {
    byte[] good = vitalJson().getBytes(StandardCharsets.UTF_8);
    byte[] bad = good.clone();
    bad[10] = (byte) 0xC3;
    bad[11] = (byte) 0x28; // an invalid two-byte sequence
    ParsedMessage parsed = validate(EventKind.VITAL, bad);
    DeadLetter d = (DeadLetter) parsed;
    assertThat(d.errorCode()).isEqualTo(ErrorCode.NOT_UTF8);
    assertThat(d.payload()).isEqualTo(bad);
    assertThat(d.payloadSize()).isEqualTo(bad.length);
    assertThat(d.provenance().offset()).isEqualTo(42L);
    assertThat(d.kafkaTimestampMillis()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void notAnObject() {
    DeadLetter d = dead(EventKind.VISIT, "[1,2,3]");
    assertThat(d.errorCode()).isEqualTo(ErrorCode.NOT_AN_OBJECT);
    assertThat(d.errorMessage()).contains("an array");
    assertThat(dead(EventKind.VISIT, "\"text\"").errorCode()).isEqualTo(ErrorCode.NOT_AN_OBJECT);
  }

  @Test
  void missingField() throws Exception {
    DeadLetter d = dead(EventKind.VISIT, edit(visitJson(), n -> n.remove("facility_id")));
    assertThat(d.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(d.errorMessage()).isEqualTo("missing required field 'facility_id'");
    assertThat(d.eventId()).as("traceable by event id").isEqualTo("v-1");

    DeadLetter nested = dead(EventKind.VITAL,
        edit(vitalJson(), n -> ((ObjectNode) n.get("patient")).remove("resident_id")));
    assertThat(nested.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(nested.errorMessage()).contains("'patient.resident_id'");

    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.putNull("value"))).errorCode())
        .as("null counts as missing").isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("unit", ""))).errorCode())
        .as("empty required string").isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.remove("event_id"))).eventId())
        .isNull();
  }

  @Test
  void wrongType() throws Exception {
    DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("value", "142")));
    assertThat(d.errorCode()).isEqualTo(ErrorCode.WRONG_TYPE);
    assertThat(d.errorMessage()).isEqualTo("field 'value' must be a number, got a string");
    assertThat(d.errorMessage()).as("never quotes the value").doesNotContain("142");

    assertThat(dead(EventKind.VISIT, edit(visitJson(), n -> n.put("patient", "x"))).errorCode())
        .isEqualTo(ErrorCode.WRONG_TYPE);
    DeadLetter rx = dead(EventKind.VISIT, edit(visitJson(),
        n -> ((ObjectNode) n.get("prescriptions").get(0)).put("days", "thirty")));
    assertThat(rx.errorCode()).isEqualTo(ErrorCode.WRONG_TYPE);
    assertThat(rx.errorMessage()).contains("'prescriptions[0].days'");
    DeadLetter birth = dead(EventKind.VISIT, edit(visitJson(),
        n -> ((ObjectNode) n.get("patient")).put("birth_date", "31/12/1949")));
    assertThat(birth.errorCode()).isEqualTo(ErrorCode.WRONG_TYPE);
    assertThat(birth.errorMessage()).doesNotContain("1949");
    assertThat(dead(EventKind.VISIT, edit(visitJson(), n -> n.put("schema_version", "1")))
        .errorCode()).isEqualTo(ErrorCode.WRONG_TYPE);
  }

  @Test
  void unknownSchemaVersion() throws Exception {
    DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> {
      n.put("schema_version", 2);
      n.remove("code"); // checked before any other field: a new version may rename it
    }));
    assertThat(d.errorCode()).isEqualTo(ErrorCode.UNKNOWN_SCHEMA_VERSION);
    assertThat(d.errorMessage()).contains("schema_version 2");
  }

  @Test
  void badEventTime() throws Exception {
    for (String bad : List.of("2025-03-01 09:12", "2025-03-01T09:12:00", "yesterday",
        "2025-02-30T09:12:00+08:00")) {
      DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("event_time", bad)));
      assertThat(d.errorCode()).as(bad).isEqualTo(ErrorCode.BAD_EVENT_TIME);
      assertThat(d.errorMessage()).contains("event_time").contains(bad);
    }
    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("event_time", 1740000000)))
        .errorCode()).as("a number is the wrong type").isEqualTo(ErrorCode.WRONG_TYPE);
  }

  @Test
  void theSourceRecordTimeIsOptionalValidatedAndKeptAsAnInstant() throws Exception {
    assertThat(((RawVital) validate(EventKind.VITAL, vitalJson())).recordTime()).isNull();
    RawVital late = (RawVital) validate(EventKind.VITAL,
        edit(vitalJson(), n -> n.put("record_time", "2025-03-02T16:40:00+08:00")));
    assertThat(late.recordTime()).isEqualTo(Instant.parse("2025-03-02T08:40:00Z"));
    RawVisit signed = (RawVisit) validate(EventKind.VISIT,
        edit(visitJson(), n -> n.put("record_time", "2025-03-01T11:00:00+08:00")));
    assertThat(signed.recordTime()).isEqualTo(Instant.parse("2025-03-01T03:00:00Z"));
    assertThat(signed.extras()).as("a known field, not an extra column").isEmpty();
    for (String bad : List.of("2025-03-03 16:40", "2025-03-04T00:00:01Z")) {
      DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("record_time", bad)));
      assertThat(d.errorCode()).as(bad).isEqualTo(ErrorCode.BAD_RECORD_TIME);
      assertThat(d.errorMessage()).contains("record_time").contains(bad);
    }
    assertThat(dead(EventKind.VISIT, edit(visitJson(), n -> n.put("record_time", 17)))
        .errorCode()).as("a number is the wrong type").isEqualTo(ErrorCode.WRONG_TYPE);
  }

  @Test
  void futureEventTime() throws Exception {
    DeadLetter d = dead(EventKind.VISIT,
        edit(visitJson(), n -> n.put("event_time", "2025-03-03T00:00:01Z")));
    assertThat(d.errorCode()).isEqualTo(ErrorCode.FUTURE_EVENT_TIME);
    // within the allowed clock skew: a good event
    assertThat(validate(EventKind.VISIT,
        edit(visitJson(), n -> n.put("event_time", "2025-03-02T23:00:00Z"))))
        .isInstanceOf(RawVisit.class);
  }

  @Test
  void placeholderPastEventTimesAreDeadLettersAndOldRealOnesAreKept() throws Exception {
    for (String sentinel : List.of("0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z",
        "1900-01-01T12:00:00+08:00", "1899-12-31T08:00:00+08:00")) {
      DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("event_time", sentinel)));
      assertThat(d.errorCode()).as(sentinel).isEqualTo(ErrorCode.PAST_EVENT_TIME);
      assertThat(d.errorMessage()).contains(sentinel).contains("1900-01-02");
    }
    // a lifetime's history (Synthea reaches back decades) is kept
    assertThat(validate(EventKind.VISIT,
        edit(visitJson(), n -> n.put("event_time", "1941-07-15T10:00:00+08:00"))))
        .isInstanceOf(RawVisit.class);
    assertThat(validate(EventKind.VISIT,
        edit(visitJson(), n -> n.put("event_time", "1900-01-02T00:00:00Z"))))
        .isInstanceOf(RawVisit.class);
  }

  @Test
  void aMessageMayAddAtMostEightFieldsTheSchemaDoesNotKnow() throws Exception {
    assertThat(((RawVital) validate(EventKind.VITAL, edit(vitalJson(), n -> {
      for (int i = 0; i < Extras.MAX_PER_MESSAGE; i++) {
        n.put("extra_" + i, i);
      }
    }))).extras()).hasSize(Extras.MAX_PER_MESSAGE);
    DeadLetter d = dead(EventKind.VITAL, edit(vitalJson(), n -> {
      for (int i = 0; i < 50; i++) {
        n.put("k" + i, i);
      }
    }));
    assertThat(d.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD);
    assertThat(d.errorMessage()).contains("50 fields not in the event schema").contains("k0")
        .contains(", ...").contains("more than 8");
    // patient fields count too
    assertThat(dead(EventKind.VISIT, edit(visitJson(), n -> {
      ObjectNode patient = (ObjectNode) n.get("patient");
      for (int i = 0; i < 9; i++) {
        patient.put("p" + i, "x");
      }
    })).errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD);
  }

  @Test
  void oversized() {
    byte[] big = new byte[EnvelopeValidator.MAX_PAYLOAD_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    DeadLetter d = (DeadLetter) validate(EventKind.VISIT, big);
    assertThat(d.errorCode()).isEqualTo(ErrorCode.OVERSIZED);
    assertThat(d.payloadSize()).isEqualTo(big.length);
  }

  @Test
  void checksRunInAFixedOrder() throws Exception {
    // missing facility_id AND a bad event_time: event_time comes first in schema order
    String both = edit(visitJson(), n -> {
      n.remove("facility_id");
      n.put("event_time", "nope");
    });
    assertThat(dead(EventKind.VISIT, both).errorCode()).isEqualTo(ErrorCode.BAD_EVENT_TIME);
  }

  @Test
  void unknownFieldsAreKeptAsExtrasByColumnName() throws Exception {
    String evolved = edit(visitJson(), n -> {
      ObjectNode patient = (ObjectNode) n.get("patient");
      patient.put("ssn", "999-12-3456");
      patient.put("passport", "X12345678");
      patient.putNull("drivers_license"); // null is absent
      n.put("Referral_Source", "GP");
      n.put("priority", 2);
      n.putObject("insurance").put("plan", "A");
    });
    RawVisit v = (RawVisit) validate(EventKind.VISIT, evolved);
    assertThat(v.extras()).containsExactly(
        java.util.Map.entry("insurance", "{\"plan\":\"A\"}"),
        java.util.Map.entry("patient_passport", "X12345678"),
        java.util.Map.entry("patient_ssn", "999-12-3456"),
        java.util.Map.entry("priority", "2"),
        java.util.Map.entry("referral_source", "GP"));
    assertThat(((RawVisit) validate(EventKind.VISIT, visitJson())).extras()).isEmpty();
    RawVital vital = (RawVital) validate(EventKind.VITAL,
        edit(vitalJson(), n -> n.put("device_model", "Omron M3")));
    assertThat(vital.extras()).containsExactly(java.util.Map.entry("device_model", "Omron M3"));
  }

  @Test
  void anUnknownFieldThatCannotBeAColumnIsUnsupported() throws Exception {
    DeadLetter clash = dead(EventKind.VISIT, edit(visitJson(), n -> n.put("kafka_offset", 3)));
    assertThat(clash.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD);
    assertThat(clash.errorMessage()).contains("'kafka_offset'").contains("already holds");
    // patient.name is known; a top-level "patient_name" would clash with its column
    assertThat(dead(EventKind.VISIT, edit(visitJson(), n -> n.put("patient_name", "x")))
        .errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD);
    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("1st", "x"))).errorCode())
        .isEqualTo(ErrorCode.UNSUPPORTED_FIELD);
    // a known field with the wrong type stays WRONG_TYPE (a breaking change, not an addition)
    assertThat(dead(EventKind.VITAL, edit(vitalJson(), n -> n.put("value", "high"))).errorCode())
        .isEqualTo(ErrorCode.WRONG_TYPE);
  }

  @Test
  void theEventTimeFastPathAgreesWithTheIsoFormatter() {
    for (String t : List.of("2025-03-01T09:12:00Z", "2025-03-01T09:12:00+08:00",
        "2025-03-01T09:12:00-05:30", "2024-02-29T23:59:59+00:00", "2025-03-01T09:12:00-00:00",
        "0001-01-01T00:00:00Z", "2025-12-31T23:59:59+18:00")) {
      assertThat(EnvelopeValidator.fastEventTime(t)).as(t).isEqualTo(
          java.time.OffsetDateTime.parse(t, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)
              .toInstant());
    }
    // not the fast shapes, or out of range: left to the formatter (which accepts or rejects)
    for (String t : List.of("2025-02-30T09:12:00Z", "2025-03-01T24:00:00Z",
        "2025-03-01T09:12:00+19:00", "2025-03-01T09:12:00.5Z", "2025-03-01T09:12Z",
        "2025-03-01 09:12:00Z", "2025-03-01T09:12:00", "2025-3-01T09:12:00Z",
        "2025-03-01T09:12:00+0800", "+2025-03-01T09:12:00Z")) {
      assertThat(EnvelopeValidator.fastEventTime(t)).as(t).isNull();
    }
    // a fractional second and a missing second still parse (formatter path)
    assertThat(validate(EventKind.VITAL, vitalJson().replace("09:15:00+08:00", "09:15:00.250+08:00")))
        .isInstanceOf(RawVital.class);
  }

  @Test
  void blankAndNonAsciiPayloads() {
    assertThat(dead(EventKind.VITAL, " \n\t ").errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(dead(EventKind.VITAL, "\u3000").errorCode()).isEqualTo(ErrorCode.NOT_JSON);
    assertThat(dead(EventKind.VITAL, "[\"张伟\"]").errorCode()).isEqualTo(ErrorCode.NOT_AN_OBJECT);
  }

  @Test
  void theValidatorIsReusableAfterAFailure() {
    byte[] bad = {(byte) 0xFF, (byte) 0xFE};
    assertThat(validate(EventKind.VITAL, bad)).isInstanceOf(DeadLetter.class);
    assertThat(validate(EventKind.VITAL, vitalJson())).isInstanceOf(RawVital.class);
  }
}
