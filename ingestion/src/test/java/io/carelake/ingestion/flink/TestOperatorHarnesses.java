package io.carelake.ingestion.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.events.EventKind;
import io.carelake.core.tables.TableSchemas;
import io.carelake.ingestion.envelope.EnvelopeValidator;
import io.carelake.ingestion.envelope.KafkaMessage;
import io.carelake.ingestion.envelope.RawVital;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

/**
 * The ingestion's Flink functions one at a time, in Flink's operator test harnesses (real
 * operators, keyed state, snapshots and restores; no cluster): parse routing, dedup with its state
 * across a restore and its time-to-live, and lateness per partition.
 */
class TestOperatorHarnesses {

  private static final String VISITS = "carelake.visits";
  private static final String VITALS = "carelake.vitals";
  private static final Instant NOW = Instant.now();

  private static String vital(String eventId, String eventTime) {
    return "{\"schema_version\":1,\"event_id\":\"" + eventId + "\",\"event_time\":\"" + eventTime
        + "\",\"patient\":{\"resident_id\":\"110105194912310021\"},\"facility_id\":\"F001\","
        + "\"code\":\"8480-6\",\"value\":142.5,\"unit\":\"mm[Hg]\",\"source\":\"clinic\"}";
  }

  private static KafkaMessage message(String topic, int partition, long offset, String payload) {
    return new KafkaMessage(topic, partition, offset, NOW.toEpochMilli(),
        payload.getBytes(StandardCharsets.UTF_8));
  }

  /** A raw vitals row as the parse step makes it, read from {@code partition} at {@code offset}. */
  private static RowData vitalRow(String eventId, String eventTime, int partition, long offset) {
    return RawRows.vital((RawVital) new EnvelopeValidator().validate(EventKind.VITAL,
        message(VITALS, partition, offset, vital(eventId, eventTime)), NOW));
  }

  static List<RowData> values(Queue<?> records) {
    List<RowData> rows = new ArrayList<>();
    for (Object o : records) {
      if (o instanceof StreamRecord<?> r) {
        rows.add((RowData) r.getValue());
      }
    }
    return rows;
  }

  private static String eventId(RowData row) {
    return row.getString(RawRows.VITALS_EVENT_ID).toString();
  }

  @Test
  void parseRoutesGoodEventsToTheirTableAndBadOnesToDeadLettersWithAPositionMarker()
      throws Exception {
    ParseFunction parse = new ParseFunction(Map.of(VISITS, EventKind.VISIT,
        VITALS, EventKind.VITAL));
    try (OneInputStreamOperatorTestHarness<KafkaMessage, Void> h =
        ProcessFunctionTestHarnesses.forProcessFunction(parse)) {
      h.processElement(message(VITALS, 0, 0, vital("s-1", "2025-03-01T09:15:00+08:00")), 0);
      h.processElement(message(VITALS, 0, 1, "{not json"), 0);
      h.processElement(message(VISITS, 1, 7, "[]"), 0);

      List<RowData> vitals = values(h.getSideOutput(ParseFunction.VITALS));
      // the good row, then the dead letter's position marker (no event time) for the watermark
      assertThat(vitals).hasSize(2);
      assertThat(eventId(vitals.get(0))).isEqualTo("s-1");
      assertThat(vitals.get(1).isNullAt(RawRows.VITALS_EVENT_TIME)).isTrue();
      assertThat(vitals.get(1).getLong(RawRows.VITALS.position(TableSchemas.KAFKA_OFFSET)))
          .isEqualTo(1);
      assertThat(values(h.getSideOutput(ParseFunction.VISITS))).hasSize(1)
          .allSatisfy(r -> assertThat(r.isNullAt(RawRows.VISITS_EVENT_TIME)).isTrue());
      List<RowData> dead = values(h.getSideOutput(ParseFunction.DEAD_LETTERS));
      int code = RawRows.DEAD_LETTERS.position("error_code");
      assertThat(dead).extracting(r -> r.getString(code).toString())
          .containsExactly("NOT_JSON", "NOT_AN_OBJECT");
      assertThat(h.extractOutputValues()).as("the main output carries nothing").isEmpty();
      // a topic the job was not wired for is a bug, not a dead letter
      assertThatThrownBy(() -> h.processElement(message("other", 0, 0, "{}"), 0))
          .hasMessageContaining("unexpected topic");
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RowData, RowData> dedup(
      Duration ttl) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DedupFunction(ttl),
        new EventIdKey(RawRows.VITALS_EVENT_ID), Types.STRING);
  }

  @Test
  void dedupPassesTheFirstOfEachEventIdAndRemembersItAcrossARestoreUntilItsTtl()
      throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = dedup(Duration.ofHours(1))) {
      h.setStateTtlProcessingTime(0);
      h.processElement(vitalRow("a", "2025-03-01T09:15:00Z", 0, 0), 0);
      h.processElement(vitalRow("b", "2025-03-01T09:16:00Z", 0, 1), 0);
      h.processElement(vitalRow("a", "2025-03-01T09:15:00Z", 0, 2), 0);
      assertThat(h.extractOutputValues()).extracting(TestOperatorHarnesses::eventId)
          .containsExactly("a", "b");
      snapshot = h.snapshot(1, 1);
    }
    try (var restored = new KeyedOneInputStreamOperatorTestHarness<String, RowData, RowData>(
        new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
            new DedupFunction(Duration.ofHours(1))),
        new EventIdKey(RawRows.VITALS_EVENT_ID), Types.STRING)) {
      restored.setStateTtlProcessingTime(0);
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(vitalRow("a", "2025-03-01T09:15:00Z", 0, 3), 0);
      restored.processElement(vitalRow("c", "2025-03-01T09:17:00Z", 0, 4), 0);
      assertThat(restored.extractOutputValues()).as("a is still known after the restore")
          .extracting(TestOperatorHarnesses::eventId).containsExactly("c");
      // past the time-to-live (processing time), a redelivery is no longer recognised
      restored.setStateTtlProcessingTime(Duration.ofHours(1).toMillis() + 1);
      restored.processElement(vitalRow("b", "2025-03-01T09:16:00Z", 0, 5), 0);
      assertThat(restored.extractOutputValues()).extracting(TestOperatorHarnesses::eventId)
          .containsExactly("c", "b");
    }
  }

  @Test
  void latenessCountsPerPartitionAfterItsBacklogAndCapsFutureEventsAtIngestTime()
      throws Exception {
    long committed = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    // partition 0 had 2 messages when the job started (its backlog), partition 1 none
    LatenessFunction lateness = new LatenessFunction("vitals", Duration.ofMinutes(10), committed,
        Map.of(VITALS + "-0", 2L, VITALS + "-1", 0L), RawRows.VITALS);
    try (OneInputStreamOperatorTestHarness<RowData, RowData> h =
        ProcessFunctionTestHarnesses.forProcessFunction(lateness)) {
      // backlog of partition 0, out of order but after the committed watermark: not late
      h.processElement(vitalRow("b1", "2025-03-02T10:00:00Z", 0, 0), 0);
      h.processElement(vitalRow("b2", "2025-03-02T08:00:00Z", 0, 1), 0);
      // past the backlog: 2 h behind the partition's newest, beyond 10 min of out-of-orderness
      h.processElement(vitalRow("l1", "2025-03-02T08:00:00Z", 0, 2), 0);
      // partition 1 is on its own clock: its first event is not late
      h.processElement(vitalRow("p1", "2025-03-02T07:00:00Z", 1, 0), 0);
      // before the committed watermark: late wherever it is read
      h.processElement(vitalRow("old", "2025-02-28T23:00:00Z", 1, 1), 0);
      // accepted up to a day ahead, but it claims no more than the moment it was read
      h.processElement(vitalRow("ahead", NOW.plus(Duration.ofHours(12)).toString(), 1, 2), 0);
      assertThat(h.extractOutputValues()).hasSize(6);

      ProgressReport r = lateness.report(1, 0);
      assertThat(r.rows).isEqualTo(6);
      assertThat(r.lateEvents).isEqualTo(2);
      Map<String, Long> watermarks = new java.util.HashMap<>();
      for (int i = 0; i < r.partitions.length; i++) {
        watermarks.put(r.partitions[i], r.watermarkMs[i]);
      }
      assertThat(watermarks).containsOnlyKeys(VITALS + "-0", VITALS + "-1");
      assertThat(watermarks.get(VITALS + "-0")).isEqualTo(
          Instant.parse("2025-03-02T09:50:00Z").toEpochMilli());
      assertThat(watermarks.get(VITALS + "-1")).isEqualTo(
          NOW.toEpochMilli() - Duration.ofMinutes(10).toMillis());
      assertThat(lateness.report(2, 0).rows).as("counts restart after each report").isZero();
    }
  }
}
