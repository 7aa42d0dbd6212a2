package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Brier score and the split of predictions into evaluable rows and rows set aside. */
class TestBrierScore {

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

  @Test
  void handComputedBrierScore() {
    // Squared errors: (0.1-0)² = 0.01, (0.9-1)² = 0.01, (0.8-0)² = 0.64, (0.3-1)² = 0.49.
    // Mean 1.15 / 4 = 0.2875. Sample variance of the errors: Σ(e - 0.2875)² / 3
    //   = (0.07700625 + 0.07700625 + 0.12425625 + 0.04100625) / 3 = 0.319275 / 3 = 0.106425.
    MetricEstimate e = BrierScore.estimate(Reference.frame(spark,
        new int[] {0, 1, 0, 1}, new double[] {0.1, 0.9, 0.8, 0.3}), LEVEL_95);
    assertThat(e.metric()).isEqualTo("brier");
    assertThat(e.value()).isCloseTo(0.2875, within(1e-12));
    assertThat(e.n()).isEqualTo(4);
    assertThat(e.nPositive()).isEqualTo(2);
    double se = Math.sqrt(0.106425) / 2;   // sd / √n
    // 0.2875 - 1.96 · 0.1631 < 0: the interval is clipped to the score's range.
    assertThat(0.2875 - Reference.Z95 * se).isNegative();
    assertThat(e.ciLow()).isZero();
    assertThat(e.ciHigh()).isCloseTo(0.2875 + Reference.Z95 * se, within(1e-9));
    assertThat(e.ciMethod()).isEqualTo("normal");
  }

  @Test
  void perfectAndWorstForecasts() {
    MetricEstimate perfect = BrierScore.estimate(Reference.frame(spark,
        new int[] {0, 1, 1}, new double[] {0.0, 1.0, 1.0}), LEVEL_95);
    assertThat(perfect.value()).isZero();
    MetricEstimate worst = BrierScore.estimate(Reference.frame(spark,
        new int[] {0, 1}, new double[] {1.0, 0.0}), LEVEL_95);
    assertThat(worst.value()).isEqualTo(1.0);
  }

  @Test
  void scoresOutsideTheUnitIntervalHaveNoBrierScore() {
    MetricEstimate e = BrierScore.estimate(Reference.frame(spark,
        new int[] {0, 1}, new double[] {-1.5, 2.0}), LEVEL_95);
    assertThat(e.defined()).isFalse();
    assertThat(e.n()).isEqualTo(2);
  }

  @Test
  void predictionsWithoutAScoreOrABinaryLabelAreSetAsideAndCounted() {
    StructType schema = new StructType()
        .add("iteration_id", DataTypes.StringType)
        .add("split", DataTypes.StringType)
        .add("label", DataTypes.IntegerType, true)
        .add("score", DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("i", "test", 1, 0.9));
    rows.add(RowFactory.create("i", "test", 0, 0.2));
    rows.add(RowFactory.create("i", "test", 0, null));        // null score
    rows.add(RowFactory.create("i", "test", 1, Double.NaN));  // NaN score
    rows.add(RowFactory.create("i", "test", 2, 0.5));         // not a binary label
    rows.add(RowFactory.create("i", "test", null, 0.5));      // no label
    rows.add(RowFactory.create("i", "test", null, null));     // both: counted once, as null score
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    ScoredPredictions scored = ScoredPredictions.of(df);
    assertThat(scored.rowsIn()).isEqualTo(7);
    assertThat(scored.nullScore()).isEqualTo(3);
    assertThat(scored.badLabel()).isEqualTo(2);
    assertThat(scored.setAside()).isEqualTo(5);
    assertThat(scored.rowsOut()).isEqualTo(2);
    assertThat(scored.evaluable().count()).isEqualTo(scored.rowsOut());
    assertThat(scored.evaluable().columns()).containsExactly("label", "score");
  }
}
