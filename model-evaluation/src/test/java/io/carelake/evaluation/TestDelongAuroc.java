package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;

/** The Spark-side AUROC and DeLong interval against independent plain-Java computations. */
class TestDelongAuroc {

  static final double EPS = 1e-9;
  static final ConfidenceLevel LEVEL_95 = new ConfidenceLevel(0.95);
  static SparkSession spark;

  @BeforeAll
  static void open() {
    spark = TestSessions.open(null);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static MetricEstimate spark(int[] labels, double[] scores) {
    return DelongAuroc.estimate(Reference.frame(spark, labels, scores), LEVEL_95);
  }

  /** Asserts the Spark estimate equals the reference: value, interval and counts. */
  static void assertMatchesReference(int[] labels, double[] scores) {
    MetricEstimate e = spark(labels, scores);
    double[] ref = Reference.aurocAndDelongVariance(labels, scores);
    long positives = java.util.Arrays.stream(labels).filter(l -> l == 1).count();
    assertThat(e.metric()).isEqualTo("auroc");
    assertThat(e.ciMethod()).isEqualTo("delong");
    assertThat(e.n()).isEqualTo(labels.length);
    assertThat(e.nPositive()).isEqualTo(positives);
    assertThat(e.value()).as("AUROC").isCloseTo(ref[0], within(EPS));
    double half = Reference.Z95 * Math.sqrt(ref[1]);
    assertThat(e.ciLow()).as("CI low").isCloseTo(Math.max(0, ref[0] - half), within(EPS));
    assertThat(e.ciHigh()).as("CI high").isCloseTo(Math.min(1, ref[0] + half), within(EPS));
    // The standard error itself, recovered from an unclipped side of the interval.
    if (e.ciLow() > 0) {
      assertThat((e.value() - e.ciLow()) / Reference.Z95).isCloseTo(Math.sqrt(ref[1]), within(EPS));
    } else if (e.ciHigh() < 1) {
      assertThat((e.ciHigh() - e.value()) / Reference.Z95).isCloseTo(Math.sqrt(ref[1]), within(EPS));
    }
  }

  @Test
  void handWorkedExampleWithATie() {
    // Positives {0.8, 0.4}, negatives {0.6, 0.4, 0.2}: pairs 1+1+1 + 0+½+1 = 4.5 of 6.
    // V10 = (1, ½), S10 = 2·(¼)²/1 = 1/8; V01 = (½, ¾, 1), S01 = 2·(¼)²/2 = 1/16;
    // Var = (1/8)/2 + (1/16)/3 = 1/12.
    int[] labels = {1, 1, 0, 0, 0};
    double[] scores = {0.8, 0.4, 0.6, 0.4, 0.2};
    double[] ref = Reference.aurocAndDelongVariance(labels, scores);
    assertThat(ref[0]).isCloseTo(0.75, within(1e-15));
    assertThat(ref[1]).isCloseTo(1.0 / 12, within(1e-15));
    MetricEstimate e = spark(labels, scores);
    assertThat(e.value()).isCloseTo(0.75, within(EPS));
    assertThat(e.ciLow()).isCloseTo(0.75 - Reference.Z95 * Math.sqrt(1.0 / 12), within(EPS));
    assertThat(e.ciHigh()).isEqualTo(1.0);   // clipped
    assertMatchesReference(labels, scores);
  }

  @Test
  void tiesWithinAndAcrossClasses() {
    int[] labels = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    double[] scores = {0.9, 0.8, 0.6, 0.6, 0.3, 0.7, 0.6, 0.6, 0.5, 0.3, 0.2, 0.1, 0.1, 0.9};
    assertMatchesReference(labels, scores);
  }

  /** More distinct scores than buckets, so the per-bucket offsets matter; and heavy ties. */
  @ParameterizedTest
  @CsvSource({"300, 1, 2", "300, 2, 3", "200, 3, 1", "120, 4, 6", "57, 5, 2"})
  void syntheticDataSets(int n, long seed, int decimals) {
    Object[] data = Reference.synthetic(n, seed, decimals);
    int[] labels = (int[]) data[0];
    double[] scores = (double[]) data[1];
    if (decimals <= 3) {
      assertThat(java.util.Arrays.stream(scores).distinct().count())
          .as("the data set has ties").isLessThan(n);
    }
    assertMatchesReference(labels, scores);
    // A third opinion on the point estimate: MLlib's trapezoidal ROC area (ties as one threshold).
    java.util.List<Tuple2<Object, Object>> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(new Tuple2<>(scores[i], (double) labels[i]));
    }
    double mllib = new BinaryClassificationMetrics(
        new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).parallelize(pairs, 2)
            .rdd()).areaUnderROC();
    assertThat(spark(labels, scores).value()).isCloseTo(mllib, within(EPS));
  }

  @Test
  void perfectSeparationHasAZeroWidthInterval() {
    int[] labels = {0, 0, 0, 1, 1, 1};
    double[] scores = {0.1, 0.2, 0.3, 0.7, 0.8, 0.9};
    MetricEstimate e = spark(labels, scores);
    assertThat(e.value()).isEqualTo(1.0);
    assertThat(e.ciLow()).isCloseTo(1.0, within(EPS));
    assertThat(e.ciHigh()).isEqualTo(1.0);
    MetricEstimate reversed = spark(new int[] {1, 1, 1, 0, 0, 0}, scores);
    assertThat(reversed.value()).isEqualTo(0.0);
  }

  @Test
  void allScoresTiedIsAHalf() {
    int[] labels = {0, 1, 0, 1, 0};
    double[] scores = {0.5, 0.5, 0.5, 0.5, 0.5};
    MetricEstimate e = spark(labels, scores);
    assertThat(e.value()).isCloseTo(0.5, within(EPS));
    assertThat(e.ciLow()).isCloseTo(0.5, within(EPS));
    assertThat(e.ciHigh()).isCloseTo(0.5, within(EPS));
  }

  @Test
  void undefinedCases() {
    // One positive: AUROC defined, but S10 needs two positives, so no interval.
    MetricEstimate one = spark(new int[] {1, 0, 0, 0}, new double[] {0.9, 0.1, 0.95, 0.3});
    assertThat(one.value()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(one.ciLow()).isNaN();
    assertThat(one.ciHigh()).isNaN();
    // No positives: no AUROC at all, but the counts are still reported.
    MetricEstimate none = spark(new int[] {0, 0, 0}, new double[] {0.2, 0.4, 0.6});
    assertThat(none.defined()).isFalse();
    assertThat(none.n()).isEqualTo(3);
    assertThat(none.nPositive()).isZero();
    Dataset<Row> empty = Reference.frame(spark, new int[0], new double[0]);
    MetricEstimate nothing = DelongAuroc.estimate(empty, LEVEL_95);
    assertThat(nothing.defined()).isFalse();
    assertThat(nothing.n()).isZero();
  }

  @Test
  void confidenceLevelQuantiles() {
    assertThat(LEVEL_95.z()).isCloseTo(Reference.Z95, within(1e-9));
    assertThat(new ConfidenceLevel(0.90).z()).isCloseTo(1.6448536269514722, within(1e-9));
    assertThatThrownBy(() -> new ConfidenceLevel(95))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--confidence");
  }
}
