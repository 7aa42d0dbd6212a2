package io.carelake.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import io.carelake.spark.LocalSpark;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 item 2: the one-pass k-anonymity ({@link KAnonymity#generalise}: one aggregate of
 * the visits, the levels chosen on it, one join) releases exactly what the level-by-level rounds
 * it replaced ({@link KAnonymityRounds}) released — every row with every column, including the
 * level, class key and class size the metrics are computed from — on a generated population
 * whose visits reach every level, suppression included.
 */
class TestKAnonymityOnePass {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    LocalSpark.stop();
    spark = LocalSpark.live();
    spark.conf().set("spark.sql.shuffle.partitions", "2");
  }

  @AfterAll
  static void stop() {
    LocalSpark.stop();
  }

  /**
   * {@code patients} patients with 1-6 visits each at 1-3 facilities of 40 (12 districts, plus
   * ids without a district code and no facility), sex 1/2 and a rare 9 (2 %: its 20-year classes are small, its 40-year ones not), birth years 1925-2006,
   * one in 25 top-coded (no birth year, age 90-99, changing between visits), and a cluster of 30
   * patients with the same values (classes that stay at level 0).
   */
  static Dataset<Row> population(int patients, long seed, String prefix) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> facilities = new ArrayList<>();
    for (int i = 0; i < 38; i++) {
      facilities.add(String.format("F%04d%02d01", 1101 + (i % 12), i));
    }
    facilities.add("CLINIC-NORTH");
    facilities.add(null);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < patients; p++) {
      String patient = prefix + "p" + p;
      boolean cluster = p < 30;
      int s = r.nextInt(100);
      String sex = cluster ? "1" : s < 49 ? "1" : s < 98 ? "2" : "9";
      boolean topCoded = !cluster && r.nextInt(25) == 0;
      Integer birthYear = cluster ? Integer.valueOf(1950) : topCoded ? null
          : Integer.valueOf(1925 + r.nextInt(82));
      int baseAge = topCoded ? 90 + r.nextInt(10) : 2025 - birthYear;
      List<String> own = new ArrayList<>();
      int places = cluster ? 1 : 1 + r.nextInt(3);
      for (int i = 0; i < places; i++) {
        own.add(cluster ? "F11010001" : facilities.get(r.nextInt(facilities.size())));
      }
      int visits = 1 + r.nextInt(6);
      for (int v = 0; v < visits; v++) {
        int age = Math.min(99, baseAge + (topCoded ? r.nextInt(2) : 0));
        rows.add(RowFactory.create(prefix + "e" + p + "-" + v, patient, sex, birthYear, age,
            own.get(r.nextInt(own.size()))));
      }
    }
    return spark.createDataFrame(rows, TestKAnonymity.VISITS);
  }

  static List<String> sorted(Dataset<Row> df) {
    return df.orderBy("event_key").collectAsList().stream().map(Row::toString).toList();
  }

  /** The same rows, columns (in order) and metrics from both algorithms; returns the levels. */
  static KAnonymityMeasure.Metrics sameRelease(Dataset<Row> visits, int k, List<String> qis,
      Dataset<Row> published) {
    Dataset<Row> onePass = KAnonymity.generalise(visits, k, qis, published);
    Dataset<Row> rounds = KAnonymityRounds.generalise(visits, k, qis, published);
    assertThat(onePass.columns()).containsExactly(rounds.columns());
    assertThat(Arrays.toString(onePass.schema().fields()).replace("true", "")
        .replace("false", "")).isEqualTo(Arrays.toString(rounds.schema().fields())
        .replace("true", "").replace("false", ""));
    List<String> expected = sorted(rounds);
    assertThat(expected).hasSize((int) visits.count());
    assertThat(sorted(onePass)).containsExactlyElementsOf(expected);
    KAnonymityMeasure.Metrics m = KAnonymityMeasure.measure(onePass);
    KAnonymityMeasure.Metrics reference = KAnonymityMeasure.measure(rounds);
    // the mean risk is a sum of doubles over partitions whose order may differ: equal up to
    // rounding; every other measure exactly
    assertThat(m.riskMean()).isCloseTo(reference.riskMean(), within(1e-12));
    assertThat(withoutMeanRisk(m)).isEqualTo(withoutMeanRisk(reference));
    return m;
  }

  static KAnonymityMeasure.Metrics withoutMeanRisk(KAnonymityMeasure.Metrics m) {
    return new KAnonymityMeasure.Metrics(m.records(), m.generalised(), m.suppressed(), m.classes(),
        m.minClassSize(), m.riskMax(), null, m.informationLoss(), m.recordsByLevel(),
        m.classSizes());
  }

  static final List<String> ALL = List.of("sex", "birth_date", "facility_id", "event_time");

  @Test
  void everyLevelAndTheSuppressionAreThoseOfTheRounds() {
    KAnonymityMeasure.Metrics m = sameRelease(population(700, 18L, ""), 5, ALL, null);
    // the fixture reaches every level, suppression included
    assertThat(m.recordsByLevel().values()).allMatch(n -> n > 0);
    assertThat(m.suppressed()).isPositive();
    assertThat(m.generalised()).isPositive();
  }

  @Test
  void withPublishedVisitsAndOtherQuasiIdentifiersTheReleaseIsThatOfTheRounds() {
    Dataset<Row> earlier = KAnonymityRounds.generalise(population(600, 7L, "old-"), 5, ALL,
        null).select("patient_pseudonym", "sex", "birth_year", "age_at_visit", "facility_id");
    KAnonymityMeasure.Metrics m = sameRelease(population(500, 19L, ""), 5, ALL, earlier);
    assertThat(m.recordsByLevel().get("0")).isPositive();
    sameRelease(population(400, 20L, ""), 20, List.of("sex", "birth_date"), null);
    sameRelease(population(400, 21L, ""), 3, List.of("facility_id"), earlier);
  }
}
