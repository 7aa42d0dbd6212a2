package io.carelake.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k-anonymity step on a fixture whose equivalence classes are known by construction. */
class TestKAnonymity {

  static SparkSession spark;

  static final StructType VISITS = new StructType()
      .add("event_key", DataTypes.StringType)
      .add("patient_pseudonym", DataTypes.StringType)
      .add("sex", DataTypes.StringType)
      .add("birth_year", DataTypes.IntegerType)
      .add("age_at_visit", DataTypes.IntegerType)
      .add("facility_id", DataTypes.StringType);

  static final StructType VITALS = new StructType()
      .add("event_key", DataTypes.StringType)
      .add("patient_pseudonym", DataTypes.StringType)
      .add("facility_id", DataTypes.StringType)
      .add("value", DataTypes.DoubleType);

  @BeforeAll
  static void start() {
    LocalSpark.stop();
    spark = LocalSpark.live();
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop();
  }

  /**
   * k = 3. A: 4 patients (sex 1, 1950, F11010501; a5 has two visits) → kept, class of 4.
   * B: 3 patients (sex 2, 1961/1965/1968, three facilities in 1101xx) → each alone at level 0,
   * one class of 3 at level 1 (2, 1960, -, 1101) → generalised. C: one patient (1, 1990,
   * F31010401) → alone at both levels → suppressed. D: one top-coded patient (1, -, 90,
   * F11010501) → alone at level 0 (no birth year) and level 1 → suppressed.
   */
  static Dataset<Row> visits() {
    List<Row> rows = new ArrayList<>();
    String[] a = {"a1", "a2", "a3", "a4"};
    for (String p : a) {
      rows.add(RowFactory.create("e-" + p, p, "1", 1950, 74, "F11010501"));
    }
    rows.add(RowFactory.create("e-a4b", "a4", "1", 1950, 75, "F11010501"));
    rows.add(RowFactory.create("e-b1", "b1", "2", 1961, 63, "F11010101"));
    rows.add(RowFactory.create("e-b2", "b2", "2", 1965, 59, "F11010201"));
    rows.add(RowFactory.create("e-b3", "b3", "2", 1968, 56, "F11010801"));
    rows.add(RowFactory.create("e-c1", "c1", "1", 1990, 34, "F31010401"));
    rows.add(RowFactory.create("e-d1", "d1", "1", null, 90, "F11010501"));
    return spark.createDataFrame(rows, VISITS);
  }

  static Map<String, Row> byEventKey(Dataset<Row> df) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      out.put(r.getAs("event_key"), r);
    }
    return out;
  }

  @Test
  void smallClassesAreGeneralisedThenSuppressedAndEveryRowIsKept() {
    Dataset<Row> g = KAnonymity.generalise(visits(), 3);
    Map<String, Row> rows = byEventKey(g);
    assertThat(rows).hasSize(10); // no row dropped

    for (String k : List.of("e-a1", "e-a2", "e-a3", "e-a4", "e-a4b")) {
      Row r = rows.get(k);
      assertThat(r.<Integer>getAs(KAnonymity.LEVEL_COLUMN)).isZero();
      assertThat(r.<Long>getAs(KAnonymity.CLASS_SIZE_COLUMN)).isEqualTo(4L); // patients, not visits
      assertThat(r.<Integer>getAs("birth_year")).isEqualTo(1950);
      assertThat(r.<Integer>getAs(SafeRows.BIRTH_YEAR_BAND)).as("an exact year").isEqualTo(1);
      assertThat(r.<String>getAs("facility_id")).isEqualTo("F11010501");
    }
    assertThat(rows.get("e-a4b").<Integer>getAs("age_at_visit")).isEqualTo(75);
    for (String k : List.of("e-b1", "e-b2", "e-b3")) {
      Row r = rows.get(k);
      assertThat(r.<Integer>getAs(KAnonymity.LEVEL_COLUMN)).isEqualTo(1);
      assertThat(r.<Long>getAs(KAnonymity.CLASS_SIZE_COLUMN)).isEqualTo(3L);
      assertThat(r.<Integer>getAs("birth_year")).isEqualTo(1960);
      // the released year starts a ten-year band: readers must not take it as exact
      assertThat(r.<Integer>getAs(SafeRows.BIRTH_YEAR_BAND)).isEqualTo(10);
      assertThat(r.<Integer>getAs("age_at_visit")).isNull();
      assertThat(r.<String>getAs("facility_id")).isEqualTo("1101");
      assertThat(r.<String>getAs("sex")).isEqualTo("2");
      assertThat(r.<String>getAs(KAnonymity.FACILITY_COLUMN)).startsWith("F1101");
    }
    for (String k : List.of("e-c1", "e-d1")) {
      Row r = rows.get(k);
      assertThat(r.<Integer>getAs(KAnonymity.LEVEL_COLUMN)).isEqualTo(KAnonymity.SUPPRESSED);
      assertThat(r.<String>getAs("sex")).isNull();
      assertThat(r.<Integer>getAs("birth_year")).isNull();
      assertThat(r.<Integer>getAs(SafeRows.BIRTH_YEAR_BAND)).isNull();
      assertThat(r.<Integer>getAs("age_at_visit")).isNull();
      assertThat(r.<String>getAs("facility_id")).isNull();
      assertThat(r.<String>getAs("patient_pseudonym")).isNotNull();
    }

    KAnonymityMeasure.Metrics m = KAnonymityMeasure.measure(g);
    assertThat(m.records()).isEqualTo(10);
    assertThat(m.generalised()).isEqualTo(3);
    assertThat(m.suppressed()).isEqualTo(2);
    assertThat(m.classes()).isEqualTo(2);
    assertThat(m.minClassSize()).isEqualTo(3L);
    assertThat(m.riskMax()).isCloseTo(1.0 / 3, within(1e-12));
    // 5 visits at risk 1/4 and 3 at 1/3, over the 8 released visits
    assertThat(m.riskMean()).isCloseTo((5 / 4.0 + 3 / 3.0) / 8, within(1e-12));
    // level 1 of SUPPRESSED (4) levels for the 3 generalised, 1 for the 2 suppressed
    assertThat(m.informationLoss()).isCloseTo((3 / 4.0 + 2 * 1.0) / 10, within(1e-12));
    assertThat(m.passes(new KAnonymity.Policy(3, 0.2))).isTrue();
    assertThat(m.passes(new KAnonymity.Policy(3, 0.1))).isFalse();
    // the report's generalisation levels and class-size distribution
    assertThat(m.recordsByLevel()).containsExactlyInAnyOrderEntriesOf(Map.of("0", 5L, "1", 3L,
        "2", 0L, "3", 0L, "4", 2L));
    assertThat(m.classSizes()).containsExactlyInAnyOrderEntriesOf(Map.of("1", 0L, "2", 0L,
        "3-4", 2L, "5-9", 0L, "10-19", 0L, "20-49", 0L, "50+", 0L));
  }

  @Test
  void classesStillSmallAfterRegionsGetACoarseBandWithoutLocationBeforeSuppression() {
    // k = 2: b1..b3 (sex 2, born 1961-68 in region 1101) stay a class of 3 at level 1; a second
    // patient born 1995 (sex 1) in another region joins c1 (1990) only at the coarse level.
    List<Row> rows = new ArrayList<>(visits().collectAsList());
    rows.add(RowFactory.create("e-c2", "c2", "1", 1995, 29, "F44010601"));
    Map<String, Row> g = byEventKey(KAnonymity.generalise(spark.createDataFrame(rows, VISITS), 2));
    for (String k : List.of("e-c1", "e-c2")) {
      Row r = g.get(k);
      assertThat(r.<Integer>getAs(KAnonymity.LEVEL_COLUMN)).isEqualTo(2);
      assertThat(r.<Integer>getAs("birth_year")).isEqualTo(1980);
      assertThat(r.<String>getAs("facility_id")).isNull();
      assertThat(r.<String>getAs("sex")).isEqualTo("1");
      assertThat(r.<Long>getAs(KAnonymity.CLASS_SIZE_COLUMN)).isEqualTo(2L);
    }
    assertThat(g.get("e-d1").<Integer>getAs(KAnonymity.LEVEL_COLUMN))
        .isEqualTo(KAnonymity.SUPPRESSED);
  }

  @Test
  void kOfOneKeepsEverythingAndMeasuresSingletons() {
    Dataset<Row> g = KAnonymity.generalise(visits(), 1);
    KAnonymityMeasure.Metrics m = KAnonymityMeasure.measure(g);
    assertThat(m.generalised()).isZero();
    assertThat(m.suppressed()).isZero();
    // classes: A, b1, b2, b3, c1, d1
    assertThat(m.classes()).isEqualTo(6);
    assertThat(m.minClassSize()).isEqualTo(1L);
    assertThat(m.riskMax()).isEqualTo(1.0);
    assertThat(m.informationLoss()).isZero();
    assertThat(m.passes(new KAnonymity.Policy(1, 0))).isTrue();
    assertThat(m.classSizes()).containsEntry("1", 5L).containsEntry("3-4", 1L)
        .containsEntry("2", 0L);
    assertThat(m.recordsByLevel()).containsEntry("0", 10L).containsEntry("4", 0L);
    assertThat(m.passes(new KAnonymity.Policy(2, 1))).isFalse();
  }

  @Test
  void vitalsFollowThePatientsVisitsAtTheSameFacility() {
    Dataset<Row> g = KAnonymity.persist(KAnonymity.generalise(visits(), 3));
    Dataset<Row> vitals = spark.createDataFrame(List.of(
        RowFactory.create("s-a1", "a1", "F11010501", 120.0),
        RowFactory.create("s-b2", "b2", "F11010201", 130.0),
        RowFactory.create("s-c1", "c1", "F31010401", 140.0),
        RowFactory.create("s-c1x", "c1", "F44010601", 141.0), // no visit there: unchanged
        RowFactory.create("s-z", "z9", "F11010501", 150.0)), VITALS);
    Map<String, Row> rows = byEventKey(KAnonymity.generaliseVitals(vitals, g));
    assertThat(rows).hasSize(5);
    assertThat(rows.get("s-a1").<String>getAs("facility_id")).isEqualTo("F11010501");
    assertThat(rows.get("s-b2").<String>getAs("facility_id")).isEqualTo("1101");
    assertThat(rows.get("s-c1").<String>getAs("facility_id")).isNull();
    assertThat(rows.get("s-c1x").<String>getAs("facility_id")).isEqualTo("F44010601");
    assertThat(rows.get("s-z").<String>getAs("facility_id")).isEqualTo("F11010501");
    assertThat(rows.get("s-b2").<Double>getAs("value")).isEqualTo(130.0);
    long[] counts = KAnonymityMeasure.measureVitals(KAnonymity.generaliseVitals(vitals, g));
    assertThat(counts).containsExactly(5L, 1L, 1L);
  }

  @Test
  void regionIsTheDistrictCodePrefix() {
    List<Row> r = spark.createDataFrame(List.of(RowFactory.create("F11010501"),
            RowFactory.create("F001"), RowFactory.create((Object) null)),
        new StructType().add("f", DataTypes.StringType))
        .select(KAnonymity.region(org.apache.spark.sql.functions.col("f"))).collectAsList();
    assertThat(r.get(0).getString(0)).isEqualTo("1101");
    assertThat(r.get(1).getString(0)).isEqualTo("other");
    assertThat(r.get(2).isNullAt(0)).isTrue();
  }

  @Test
  void policyComesFromTheConfigurationAndBadValuesSayWhere(@TempDir Path home) throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    assertThat(KAnonymity.Policy.from(cfg)).isEqualTo(new KAnonymity.Policy(5, 0.25));
    Files.writeString(cfg.file(), "\ndeid.k=7\ndeid.k-max-suppression=0.02\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(KAnonymity.Policy.from(CarelakeConfig.load(home, Map.of())))
        .isEqualTo(new KAnonymity.Policy(7, 0.02));
    Files.writeString(cfg.file(), "\ndeid.k=zero\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> KAnonymity.Policy.from(CarelakeConfig.load(home, Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("deid.k")
        .hasMessageContaining(cfg.file().toString()).hasMessageContaining("zero");
  }
}
