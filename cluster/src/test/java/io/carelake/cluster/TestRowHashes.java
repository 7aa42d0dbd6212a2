package io.carelake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The content hash two deployments are compared by: what must and must not change it. */
class TestRowHashes {

  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.StringType.get()),
      Types.NestedField.optional(2, "at", Types.TimestampType.withZone()),
      Types.NestedField.optional(3, "tags", Types.MapType.ofOptional(4, 5,
          Types.StringType.get(), Types.StringType.get())),
      Types.NestedField.optional(6, "value", Types.DoubleType.get()));

  @Test
  void rowOrderDoesNotMatterButEveryDuplicateDoes() {
    Record a = row("a", 1.0);
    Record b = row("b", 2.0);
    assertThat(hash(a, b).sum()).isEqualTo(hash(b, a).sum());
    RowHashes twice = hash(a, a, b);
    assertThat(twice.sum()).isNotEqualTo(hash(a, b).sum());
    assertThat(twice.rows()).isEqualTo(3);
  }

  @Test
  void theSameInstantAtAnotherOffsetAndAMapInAnotherOrderHashAlike() {
    Record utc = row("a", 1.0);
    utc.setField("at", OffsetDateTime.of(2025, 1, 2, 10, 0, 0, 0, ZoneOffset.UTC));
    utc.setField("tags", map("k1", "v1", "k2", "v2"));
    Record paris = row("a", 1.0);
    paris.setField("at", OffsetDateTime.of(2025, 1, 2, 11, 0, 0, 0, ZoneOffset.ofHours(1)));
    paris.setField("tags", map("k2", "v2", "k1", "v1"));
    assertThat(hash(utc).sum()).isEqualTo(hash(paris).sum());
  }

  @Test
  void aValueThatDiffersInItsLastBitOrANullChangesTheHash() {
    Record exact = row("a", 0.3);
    Record nextUp = row("a", Math.nextUp(0.3));
    Record missing = row("a", 0.3);
    missing.setField("value", null);
    assertThat(hash(exact).sum()).isNotEqualTo(hash(nextUp).sum())
        .isNotEqualTo(hash(missing).sum());
  }

  @Test
  void stringBoundariesAreKept() {
    // "ab" + "c" and "a" + "bc" in two columns must not collide
    Schema two = new Schema(Types.NestedField.required(1, "x", Types.StringType.get()),
        Types.NestedField.required(2, "y", Types.StringType.get()));
    Record first = GenericRecord.create(two);
    first.setField("x", "ab");
    first.setField("y", "c");
    Record second = GenericRecord.create(two);
    second.setField("x", "a");
    second.setField("y", "bc");
    RowHashes h1 = new RowHashes();
    h1.add(first, two.columns());
    RowHashes h2 = new RowHashes();
    h2.add(second, two.columns());
    assertThat(h1.sum()).isNotEqualTo(h2.sum());
  }

  private static Record row(String id, double value) {
    Record r = GenericRecord.create(SCHEMA);
    r.setField("id", id);
    r.setField("value", value);
    return r;
  }

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static RowHashes hash(Record... rows) {
    RowHashes h = new RowHashes();
    for (Record r : rows) {
      h.add(r, SCHEMA.columns());
    }
    return h;
  }
}
