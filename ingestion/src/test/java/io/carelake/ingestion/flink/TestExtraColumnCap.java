package io.carelake.ingestion.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.events.EventKind;
import io.carelake.ingestion.envelope.KafkaMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

/**
 * The table-wide cap on producer-added columns (issue 11 item 10): unit checks of
 * {@link ExtraColumnCap}, and the parse step in Flink's operator harness routing a message over
 * the cap to the dead letters, payload kept.
 */
class TestExtraColumnCap {

  private static final String VITALS = "carelake.vitals";

  private static String vital(String eventId, String extras) {
    return "{\"schema_version\":1,\"event_id\":\"" + eventId + "\",\"event_time\":"
        + "\"2025-03-01T09:15:00+08:00\",\"patient\":{\"resident_id\":\"110105194912310021\"},"
        + "\"facility_id\":\"F001\",\"code\":\"8480-6\",\"value\":142.5,\"unit\":\"mm[Hg]\","
        + "\"source\":\"clinic\"" + extras + "}";
  }

  private static KafkaMessage message(long offset, String payload) {
    return new KafkaMessage(VITALS, 0, offset, Instant.now().toEpochMilli(),
        payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void namesAlreadyAddedPassAndNewOnesPastTheCapAreRefusedWithTheTableCapAndKey() {
    ExtraColumnCap cap = new ExtraColumnCap(3, null);
    cap.open();
    assertThat(cap.admit(EventKind.VITAL, Set.of("device_model", "room"))).isNull();
    assertThat(cap.admit(EventKind.VITAL, Set.of("ward"))).isNull(); // 3 of 3
    assertThat(cap.admit(EventKind.VITAL, Set.of("room", "ward"))).as("already columns").isNull();
    String refused = cap.admit(EventKind.VITAL, Set.of("room", "shift_lead"));
    assertThat(refused).contains("raw.vitals", "[shift_lead]", "already has 3", "cap is 3",
        "ingest.max-extra-columns");
    // the refused name was not counted, and the other table has its own count
    assertThat(cap.admit(EventKind.VITAL, Set.of("device_model"))).isNull();
    assertThat(cap.admit(EventKind.VISIT, Set.of("a", "b", "c"))).isNull();
    assertThat(cap.admit(EventKind.VISIT, Set.of("d"))).contains("raw.visits");
    assertThat(cap.admit(EventKind.VISIT, Set.of())).isNull();
  }

  @Test
  void aCapOfZeroRefusesEveryNewColumn() {
    ExtraColumnCap cap = new ExtraColumnCap(0, null);
    assertThat(cap.admit(EventKind.VISIT, Set.of("x"))).contains("cap is 0");
  }

  @Test
  void theParseStepSendsAMessageOverTheCapToTheDeadLettersWithItsPayload() throws Exception {
    ParseFunction parse = new ParseFunction(Map.of(VITALS, EventKind.VITAL), null,
        new ExtraColumnCap(2, null));
    try (OneInputStreamOperatorTestHarness<KafkaMessage, Void> h =
        ProcessFunctionTestHarnesses.forProcessFunction(parse)) {
      String over = vital("v-3", ",\"ward\":\"3\"");
      h.processElement(message(0, vital("v-1", ",\"room\":\"12\",\"bed\":\"2\"")), 0);
      h.processElement(message(1, vital("v-2", ",\"room\":\"14\"")), 0);
      h.processElement(message(2, over), 0);

      List<RowData> vitals = TestOperatorHarnesses.values(h.getSideOutput(ParseFunction.VITALS));
      assertThat(vitals).hasSize(3);
      assertThat(vitals.subList(0, 2)).extracting(r -> r.getString(RawRows.VITALS_EVENT_ID)
          .toString()).containsExactly("v-1", "v-2");
      // the refused message still moves its partition's offset on (a position marker)
      assertThat(vitals.get(2).isNullAt(RawRows.VITALS_EVENT_TIME)).isTrue();
      List<RowData> dead =
          TestOperatorHarnesses.values(h.getSideOutput(ParseFunction.DEAD_LETTERS));
      assertThat(dead).hasSize(1);
      RowData d = dead.get(0);
      assertThat(d.getString(RawRows.DEAD_LETTERS.position("error_code")).toString())
          .isEqualTo("TOO_MANY_EXTRA_COLUMNS");
      assertThat(d.getString(RawRows.DEAD_LETTERS.position("error_message")).toString())
          .contains("[ward]", "raw.vitals", "ingest.max-extra-columns");
      assertThat(new String(d.getBinary(RawRows.DEAD_LETTERS.position("payload")),
          StandardCharsets.UTF_8)).isEqualTo(over);
    }
  }
}
