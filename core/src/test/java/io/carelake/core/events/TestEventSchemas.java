package io.carelake.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.carelake.core.ids.ResidentIds;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Java types and the JSON Schema files describe the same messages. */
class TestEventSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonSchema schema(EventKind kind) throws Exception {
    try (InputStream in = TestEventSchemas.class.getClassLoader()
        .getResourceAsStream(kind.schemaResource())) {
      assertThat(in).as(kind.schemaResource()).isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  static VisitEvent visit() {
    return new VisitEvent(1, "e-1", "2025-03-01T09:12:00+08:00",
        new Patient(ResidentIds.complete("11010519491231002"), "张伟", "1", "1949-12-31",
            "13812345678", "北京市东城区和平里街道1号"),
        "F001", "C001", "outpatient", List.of("I10"), "头晕三天", "患者张伟头晕三天。",
        List.of(new Prescription("氨氯地平", "5 mg", "qd", 30)));
  }

  @Test
  void aVisitSerialisedFromTheJavaTypeValidates() throws Exception {
    JsonNode node = JSON.valueToTree(visit());
    Set<ValidationMessage> errors = schema(EventKind.VISIT).validate(node);
    assertThat(errors).isEmpty();
    assertThat(node.get("patient").get("resident_id").asText()).hasSize(18);
    assertThat(node.has("schema_version")).isTrue();
  }

  @Test
  void aVitalSerialisedFromTheJavaTypeValidates() throws Exception {
    VitalEvent v = new VitalEvent(1, "e-2", "2025-03-01T09:15:00+08:00",
        Patient.idOnly("110105194912310021"), "F001", Codes.LOINC_SYSTOLIC_BP, 142.0,
        "mm[Hg]", Codes.SOURCE_CLINIC, null);
    JsonNode node = JSON.valueToTree(v);
    assertThat(schema(EventKind.VITAL).validate(node)).isEmpty();
    assertThat(node.has("device_id")).as("nulls are omitted").isFalse();
    assertThat(node.get("patient").size()).isEqualTo(1);
  }

  @Test
  void missingRequiredFieldsAndWrongTypesAreRejected() throws Exception {
    JsonNode node = JSON.valueToTree(visit());
    ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove("event_id");
    assertThat(schema(EventKind.VISIT).validate(node))
        .anySatisfy(m -> assertThat(m.getMessage()).contains("event_id"));
    JsonNode vital = JSON.readTree("{\"schema_version\":1,\"event_id\":\"x\",\"event_time\":"
        + "\"2025-03-01T09:15:00+08:00\",\"patient\":{\"resident_id\":\"1\"},\"facility_id\":\"F\","
        + "\"code\":\"8480-6\",\"value\":\"high\",\"unit\":\"mm[Hg]\",\"source\":\"clinic\"}");
    assertThat(schema(EventKind.VITAL).validate(vital))
        .anySatisfy(m -> assertThat(m.getMessage()).contains("value"));
  }

  @Test
  void theRecordTimeIsOptionalAndMustBeADateTime() throws Exception {
    VitalEvent recorded = new VitalEvent(1, "e-3", "2025-03-01T09:15:00+08:00",
        Patient.idOnly("110105194912310021"), "F001", Codes.LOINC_HBA1C, 6.1, "%",
        Codes.SOURCE_CLINIC, null, "2025-03-03T16:40:00+08:00");
    JsonNode node = JSON.valueToTree(recorded);
    assertThat(node.get("record_time").asText()).isEqualTo("2025-03-03T16:40:00+08:00");
    assertThat(schema(EventKind.VITAL).validate(node)).isEmpty();
    assertThat(JSON.valueToTree(visit()).has("record_time")).as("absent when unknown").isFalse();
    ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("record_time", "3 March");
    assertThat(schema(EventKind.VITAL).validate(node))
        .anySatisfy(m -> assertThat(m.getMessage()).contains("record_time"));
    assertThat(JSON.readValue(JSON.writeValueAsBytes(recorded), VitalEvent.class))
        .isEqualTo(recorded);
  }

  @Test
  void javaTypesRoundTrip() throws Exception {
    VisitEvent v = visit();
    assertThat(JSON.readValue(JSON.writeValueAsBytes(v), VisitEvent.class)).isEqualTo(v);
  }
}
