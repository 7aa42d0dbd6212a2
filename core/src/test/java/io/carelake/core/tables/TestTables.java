package io.carelake.core.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class TestTables {

  @Test
  void namesAreUniqueAndQualified() {
    Set<String> seen = new HashSet<>();
    for (TableName t : Tables.ALL) {
      assertThat(seen.add(t.toString())).as("duplicate table %s", t).isTrue();
    }
    assertThat(Tables.RAW_VISITS.in("carelake")).isEqualTo("carelake.raw.visits");
    assertThat(Tables.CURATED_VISITS.branchIn("carelake", "audit"))
        .isEqualTo("carelake.curated.visits.branch_audit");
    assertThat(TableName.parse("safe.vitals")).isEqualTo(Tables.SAFE_VITALS);
    assertThatThrownBy(() -> TableName.parse("visits")).hasMessageContaining("namespace.table");
    assertThatThrownBy(() -> TableName.of("Raw", "visits")).hasMessageContaining("lower-case");
  }

  @Test
  void rawSchemasCarryBothClocksAndKafkaLineage() {
    for (Schema s : new Schema[] {TableSchemas.RAW_VISITS, TableSchemas.RAW_VITALS}) {
      assertThat(s.findField("event_time").type()).isEqualTo(Types.TimestampType.withZone());
      assertThat(s.findField("ingest_time").type()).isEqualTo(Types.TimestampType.withZone());
      assertThat(s.findField("event_id").isRequired()).isTrue();
      assertThat(s.findField("kafka_offset").type()).isEqualTo(Types.LongType.get());
      // the source's record time: optional (many sources do not send one), an instant
      assertThat(s.findField("record_time").type()).isEqualTo(Types.TimestampType.withZone());
      assertThat(s.findField("record_time").isOptional()).isTrue();
    }
    assertThat(TableSchemas.rawVisitsSpec().fields()).singleElement()
        .satisfies(f -> assertThat(f.transform().toString()).isEqualTo("day"));
    assertThat(TableSchemas.RAW_DEAD_LETTERS.findField("payload").type())
        .isEqualTo(Types.BinaryType.get());
  }

  @Test
  void onlyVisitsCarryDirectIdentifiersBeyondTheResidentId() {
    assertThat(TableSchemas.RAW_VITALS.findField("patient_name")).isNull();
    assertThat(TableSchemas.RAW_VISITS.findField("patient_name")).isNotNull();
  }
}
