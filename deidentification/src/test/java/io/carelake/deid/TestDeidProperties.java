package io.carelake.deid;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.privacy.KeyedHashes;
import io.carelake.privacy.PhiCorpus;
import io.carelake.privacy.PseudonymKey;
import io.carelake.spark.LocalSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties over generated inputs, across engines: the Spark UDFs over many partitions give
 * exactly what the plain-Java {@link KeyedHashes} (the code the Flink job would call) gives, in
 * any partitioning and order; and age top-coding holds for every generated birth and visit date.
 */
class TestDeidProperties {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    LocalSpark.stop();
    spark = LocalSpark.live();
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop();
  }

  static byte[] key(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) r.nextInt(256);
    }
    return k;
  }

  /** Resident ids, some typed with spaces or a lower-case x, and event ids. */
  static List<Row> generated(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = PhiCorpus.residentId(r);
      String typed = switch (r.nextInt(4)) {
        case 0 -> id.toLowerCase();
        case 1 -> id.substring(0, 6) + " " + id.substring(6, 14) + " " + id.substring(14);
        default -> id;
      };
      rows.add(RowFactory.create(typed, "evt-" + seed + "-" + i));
    }
    return rows;
  }

  static final StructType IDS = new StructType().add("resident_id", DataTypes.StringType)
      .add("event_id", DataTypes.StringType);

  static Map<String, String[]> viaSpark(Pseudonyms p, List<Row> rows, int partitions) {
    Dataset<Row> df = spark.createDataFrame(rows, IDS).repartition(partitions);
    Map<String, String[]> out = new HashMap<>();
    for (Row r : df.select(col("event_id"), p.patient().apply(col("resident_id")),
        p.eventKey().apply(col("event_id")), p.dateShift(90).apply(col("resident_id")))
        .collectAsList()) {
      out.put(r.getString(0), new String[] {r.getString(1), r.getString(2),
          Integer.toString(r.getInt(3))});
    }
    return out;
  }

  @Test
  void sparkOverManyPartitionsGivesThePlainJavaPseudonymsInAnyOrder() {
    byte[] keyBytes = key(1);
    PseudonymKey key = new PseudonymKey("k1", keyBytes, "test");
    List<Row> rows = generated(3_000, 99);
    Pseudonyms p = Pseudonyms.broadcast(spark, key);
    try {
      Map<String, String[]> seven = viaSpark(p, rows, 7);
      List<Row> shuffled = new ArrayList<>(rows);
      Collections.shuffle(shuffled, new java.util.Random(5));
      Map<String, String[]> three = viaSpark(p, shuffled, 3);
      Mac mac = PseudonymKey.newMac(keyBytes);
      assertThat(seven).hasSize(rows.size());
      for (Row r : rows) {
        String[] expected = {KeyedHashes.pseudonym("k1", mac, r.getString(0)),
            KeyedHashes.eventKey(mac, r.getString(1)),
            Integer.toString(KeyedHashes.dateShiftDays(mac, r.getString(0), 90))};
        assertThat(seven.get(r.getString(1))).containsExactly(expected);
        assertThat(three.get(r.getString(1))).containsExactly(expected);
      }
    } finally {
      p.destroy();
    }
    // another run (a new broadcast of the same key) gives the same pseudonyms
    Pseudonyms again = Pseudonyms.broadcast(spark, new PseudonymKey("k1", key(1), "again"));
    try {
      Map<String, String[]> rerun = viaSpark(again, rows.subList(0, 500), 5);
      Mac mac = PseudonymKey.newMac(keyBytes);
      for (Row r : rows.subList(0, 500)) {
        assertThat(rerun.get(r.getString(1))[0])
            .isEqualTo(KeyedHashes.pseudonym("k1", mac, r.getString(0)));
      }
    } finally {
      again.destroy();
    }
  }

  @Test
  void differentKeysInSparkShareNoPseudonym() {
    List<Row> rows = generated(10_000, 3);
    Pseudonyms a = Pseudonyms.broadcast(spark, new PseudonymKey("k1", key(10), "a"));
    Pseudonyms b = Pseudonyms.broadcast(spark, new PseudonymKey("k1", key(11), "b"));
    try {
      Dataset<Row> df = spark.createDataFrame(rows, IDS).repartition(4);
      Dataset<Row> pa = df.select(a.patient().apply(col("resident_id")).as("p")).distinct();
      Dataset<Row> pb = df.select(b.patient().apply(col("resident_id")).as("p")).distinct();
      assertThat(pa.count()).isEqualTo(pb.count()).isGreaterThan(9_900);
      assertThat(pa.join(pb, "p").count()).isZero();
    } finally {
      a.destroy();
      b.destroy();
    }
  }

  static final StructType BIRTHS = new StructType().add("event_time", DataTypes.TimestampType)
      .add("birth_date", DataTypes.DateType);

  @Test
  void agesAreTopCodedAtNinetyForEveryGeneratedBirthAndVisit() {
    SplittableRandom r = new SplittableRandom(90);
    List<Row> rows = new ArrayList<>();
    List<int[]> expected = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      LocalDate birth = LocalDate.of(1915, 1, 1).plusDays(r.nextInt(36_000));
      LocalDate visit = birth.plusDays(r.nextInt(40_000));
      if (r.nextInt(20) == 0) {
        // birthdays and the days around the 90th
        visit = birth.plusYears(89 + r.nextInt(2)).plusDays(r.nextInt(3) - 1);
      }
      rows.add(RowFactory.create(Timestamp.from(visit.atTime(10, 0).toInstant(ZoneOffset.UTC)),
          Date.valueOf(birth)));
      int age = Period.between(birth, visit).getYears();
      expected.add(new int[] {age, birth.getYear()});
    }
    Dataset<Row> df = spark.createDataFrame(rows, BIRTHS);
    DeidPolicy.Rule year = DeidPolicy.builtIn().rule(DeidPolicy.VISITS, "birth_date");
    DeidPolicy.Rule band = new DeidPolicy.Rule("birth_date", DeidPolicy.ColumnClass.QUASI_IDENTIFIER,
        DeidPolicy.Action.GENERALISE, null, "age_band", 90, 5, null, false, 0);
    Column[] y = SafeRows.birthColumns(year, col("event_time"), col("birth_date"));
    Column[] b = SafeRows.birthColumns(band, col("event_time"), col("birth_date"));
    List<Row> out = df.select(y[0], y[1], b[0], b[1]).collectAsList();
    int topCoded = 0;
    for (int i = 0; i < out.size(); i++) {
      int age = expected.get(i)[0];
      Row o = out.get(i);
      if (age >= 90) {
        topCoded++;
        assertThat(o.isNullAt(0)).as("birth year withheld at %d", age).isTrue();
        assertThat(o.getInt(1)).isEqualTo(90);
        assertThat(o.getInt(3)).isEqualTo(90);
      } else {
        assertThat(o.getInt(0)).isEqualTo(expected.get(i)[1]);
        assertThat(o.getInt(1)).isEqualTo(age);
        assertThat(o.getInt(3)).isEqualTo(age / 5 * 5);
      }
      assertThat(o.isNullAt(2)).isTrue();
    }
    assertThat(topCoded).isGreaterThan(50);
  }

  @Test
  void sparkAndThePlainJavaLibraryGeneraliseAlike() {
    SplittableRandom r = new SplittableRandom(7);
    List<Row> rows = new ArrayList<>();
    List<LocalDate[]> dates = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      LocalDate birth = LocalDate.of(1915, 1, 1).plusDays(r.nextInt(36_000));
      LocalDate visit = birth.plusDays(r.nextInt(40_000) - 200); // some visits before birth
      rows.add(RowFactory.create(Timestamp.from(visit.atTime(10, 0).toInstant(ZoneOffset.UTC)),
          Date.valueOf(birth)));
      dates.add(new LocalDate[] {birth, visit});
    }
    DeidPolicy.Rule year = DeidPolicy.builtIn().rule(DeidPolicy.VISITS, "birth_date");
    DeidPolicy.Rule band = new DeidPolicy.Rule("birth_date", DeidPolicy.ColumnClass.QUASI_IDENTIFIER,
        DeidPolicy.Action.GENERALISE, null, "age_band", 90, 5, null, false, 0);
    Column[] y = SafeRows.birthColumns(year, col("event_time"), col("birth_date"));
    Column[] b = SafeRows.birthColumns(band, col("event_time"), col("birth_date"));
    List<Row> out = spark.createDataFrame(rows, BIRTHS).select(y[0], y[1], b[1]).collectAsList();
    for (int i = 0; i < out.size(); i++) {
      LocalDate birth = dates.get(i)[0];
      LocalDate visit = dates.get(i)[1];
      Row o = out.get(i);
      assertThat(o.isNullAt(0) ? null : o.getInt(0)).as("birth year %s %s", birth, visit)
          .isEqualTo(io.carelake.privacy.Generalise.birthYear(birth, visit, 90));
      assertThat(o.isNullAt(1) ? null : o.getInt(1)).as("age %s %s", birth, visit)
          .isEqualTo(io.carelake.privacy.Generalise.topCodedAge(birth, visit, 90));
      assertThat(o.isNullAt(2) ? null : o.getInt(2)).as("age band %s %s", birth, visit)
          .isEqualTo(io.carelake.privacy.Generalise.ageBand(birth, visit, 5, 90));
    }
    List<String> facilities = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      facilities.add(switch (i % 4) {
        case 0 -> "C" + (4400000 + r.nextInt(99_999));
        case 1 -> "import:" + Long.toHexString(r.nextLong());
        case 2 -> "HOSP" + r.nextInt(100);
        default -> String.valueOf(r.nextInt(1_000_000));
      });
    }
    List<Row> regions = spark.createDataset(facilities, org.apache.spark.sql.Encoders.STRING())
        .toDF("facility_id").select(col("facility_id"), KAnonymity.region(col("facility_id")))
        .collectAsList();
    for (Row row : regions) {
      assertThat(row.getString(1)).as(row.getString(0))
          .isEqualTo(io.carelake.privacy.Generalise.region(row.getString(0)));
    }
  }
}
