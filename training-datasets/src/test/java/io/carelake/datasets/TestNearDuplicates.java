package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
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

/** MinHash LSH and the connected components, on one Spark session for the class. */
class TestNearDuplicates {

  @TempDir
  static Path home;

  static SparkSession spark;

  static final StructType DOCS = new StructType()
      .add("doc_id", DataTypes.StringType)
      .add(VisitNotes.TEXT, DataTypes.StringType)
      .add(QualityFilters.DROP_REASON, DataTypes.StringType)
      .add(QualityFilters.DETAIL, DataTypes.StringType);

  @BeforeAll
  static void open() throws Exception {
    spark = LocalSpark.session(CarelakeConfig.load(home));
  }

  @AfterAll
  static void close() {
    LocalSpark.stop();
  }

  /** Character Jaccard of 5-gram sets, computed directly (the reference for the estimate). */
  static double jaccard(String a, String b) {
    Set<String> x = shingles(NearDuplicates.normalise(a));
    Set<String> y = shingles(NearDuplicates.normalise(b));
    Set<String> both = new HashSet<>(x);
    both.retainAll(y);
    Set<String> any = new HashSet<>(x);
    any.addAll(y);
    return both.size() / (double) any.size();
  }

  static Set<String> shingles(String s) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i + NearDuplicates.SHINGLE <= s.length(); i++) {
      out.add(s.substring(i, i + NearDuplicates.SHINGLE));
    }
    return out;
  }

  /**
   * 40 pairs of Chinese notes: 20 with an edited character (Jaccard above 0.9, removed with
   * probability above 0.999) must be found; 20 that share only the opening third (Jaccard well below it)
   * must not be.
   */
  @Test
  void findsPlantedChineseNearDuplicatesAndNothingBelowTheThreshold() {
    SplittableRandom r = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    Map<String, String> near = new HashMap<>();
    Set<String> far = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String base = ReleaseFixture.words(ReleaseFixture.ZH, 80, 1000 + i, "");
      String variant;
      if (i < 20) {
        StringBuilder b = new StringBuilder(base);
        for (int e = 0; e < 1; e++) {
          int at = 10 + r.nextInt(b.length() - 20);
          b.setCharAt(at, '咳');
        }
        variant = b.toString();
        assertThat(jaccard(base, variant)).isGreaterThan(0.9);
        near.put(String.format("d%02d-b", i), String.format("d%02d-a", i));
      } else {
        variant = base.substring(0, base.length() / 3)
            + ReleaseFixture.words(ReleaseFixture.ZH, 40, 5000 + i, "");
        assertThat(jaccard(base, variant)).isLessThan(0.4);
        far.add(String.format("d%02d-b", i));
      }
      rows.add(RowFactory.create(String.format("d%02d-a", i), base, null, null));
      rows.add(RowFactory.create(String.format("d%02d-b", i), variant, null, null));
    }
    Dataset<Row> docs = spark.createDataFrame(rows, DOCS);
    Map<String, String> dropped = new HashMap<>();
    for (Row row : NearDuplicates.markNear(docs, 20251206L)
        .where(QualityFilters.DROP_REASON + " IS NOT NULL").collectAsList()) {
      dropped.put(row.getAs("doc_id"), row.getAs(QualityFilters.DETAIL));
    }
    // same length: the representative is the smaller doc_id (…-a)
    assertThat(dropped).isEqualTo(near);
    assertThat(dropped.keySet()).doesNotContainAnyElementsOf(far);
  }

  /** A chain a-b-c-d-e needs several rounds of propagation; every vertex ends with label a. */
  @Test
  void resolvesChainsIntoOneComponentByIterativeJoins() {
    List<Row> links = new ArrayList<>();
    String[] chain = {"e", "d", "c", "b", "a"};
    for (int i = 0; i + 1 < chain.length; i++) {
      links.add(RowFactory.create(chain[i], chain[i + 1]));
    }
    links.add(RowFactory.create("y", "x"));
    StructType schema = new StructType().add("src", DataTypes.StringType)
        .add("dst", DataTypes.StringType);
    Map<String, String> label = new HashMap<>();
    for (Row row : NearDuplicates.components(spark.createDataFrame(links, schema))
        .collectAsList()) {
      label.put(row.getString(0), row.getString(1));
    }
    assertThat(label).containsOnly(Map.entry("a", "a"), Map.entry("b", "a"),
        Map.entry("c", "a"), Map.entry("d", "a"), Map.entry("e", "a"), Map.entry("x", "x"),
        Map.entry("y", "x"));
  }

  @Test
  void candidateProbabilityFollowsTheBandingCurve() {
    // 1 - (1 - s^8)^14 at s = 0.5 and 0.9: 0.0533 and 0.99962 (computed independently in Python)
    assertThat(NearDuplicates.candidateProbability(0.5, 14, 8)).isCloseTo(0.0533,
        org.assertj.core.data.Offset.offset(1e-4));
    assertThat(NearDuplicates.candidateProbability(0.9, 14, 8)).isCloseTo(0.99962,
        org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void theShippedBandingLeavesTheDecisionNearTheThresholdToTheVerification() {
    // the curve's midpoint (1/b)^(1/r) sits below the stated threshold, so pairs above it are
    // rarely lost to the band step: at 16 x 7, 0.97685 of the pairs at s = 0.8 and 0.99997 at 0.9
    // become candidates (computed independently in Python), while the same 112 hashes in 14 x 8
    // bands would give 0.92347 and 0.99962
    double midpoint = Math.pow(1.0 / NearDuplicates.BANDS, 1.0 / NearDuplicates.ROWS);
    assertThat(midpoint).isLessThan(NearDuplicates.THRESHOLD);
    assertThat(NearDuplicates.BANDS * NearDuplicates.ROWS).isEqualTo(NearDuplicates.HASHES);
    assertThat(NearDuplicates.candidateProbability(0.8, NearDuplicates.BANDS, NearDuplicates.ROWS))
        .isCloseTo(0.97685, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(NearDuplicates.candidateProbability(0.9, NearDuplicates.BANDS, NearDuplicates.ROWS))
        .isCloseTo(0.99997, org.assertj.core.data.Offset.offset(1e-5));
  }
}
