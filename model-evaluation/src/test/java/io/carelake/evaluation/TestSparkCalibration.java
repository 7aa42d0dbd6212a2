package io.carelake.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.evaluation.stats.LogisticCalibration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The Spark calibration fits (one job per Newton step, partition sums added on the driver)
 * against the plain-Java fits of {@link LogisticCalibration} on the same rows, which
 * TestReferenceValues holds to statsmodels: the same estimates and standard errors to rounding
 * (the additions come in another order), on any partitioning, and the same bits on every run.
 */
class TestSparkCalibration {

  static SparkSession spark;
  static int[] labels;
  static double[] scores;

  @BeforeAll
  static void rows() {
    spark = TestSessions.open(null);
    SplittableRandom r = new SplittableRandom(11);
    int n = 3000;
    labels = new int[n];
    scores = new double[n];
    for (int i = 0; i < n; i++) {
      // miscalibrated on purpose: the true log-odds are 0.3 + 0.8·logit(score)
      double x = r.nextGaussian() * 1.5 - 1;
      scores[i] = i == 0 ? 0 : i == 1 ? 1 : 1 / (1 + Math.exp(-x));
      labels[i] = r.nextDouble() < 1 / (1 + Math.exp(-(0.3 + 0.8 * x))) ? 1 : 0;
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset<Row> frame(int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(scores[i], labels[i]));
    }
    StructType schema = new StructType().add("score", DataTypes.DoubleType, false)
        .add("label", DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  static LogisticCalibration.Fit[] fit(Dataset<Row> rows) {
    long events = java.util.Arrays.stream(labels).filter(l -> l == 1).count();
    return SparkCalibration.fit(rows, events, labels.length - events, 0, 1);
  }

  @Test
  void sparkFitsAreThePlainFitsOnAnyPartitioning() {
    LogisticCalibration.Fit intercept = LogisticCalibration.intercept(labels, scores);
    LogisticCalibration.Fit slope = LogisticCalibration.slope(labels, scores);
    assertThat(slope.converged()).isTrue();
    for (int partitions : new int[] {1, 3, 7}) {
      LogisticCalibration.Fit[] fits = fit(frame(partitions));
      assertThat(fits[0].intercept()).isCloseTo(intercept.intercept(), within(1e-12));
      assertThat(fits[0].seIntercept()).isCloseTo(intercept.seIntercept(), within(1e-12));
      assertThat(fits[1].intercept()).isCloseTo(slope.intercept(), within(1e-12));
      assertThat(fits[1].slope()).isCloseTo(slope.slope(), within(1e-12));
      assertThat(fits[1].seIntercept()).isCloseTo(slope.seIntercept(), within(1e-12));
      assertThat(fits[1].seSlope()).isCloseTo(slope.seSlope(), within(1e-12));
    }
    // the data were drawn miscalibrated: the fits see it
    assertThat(slope.slope()).isBetween(0.7, 0.9);
  }

  @Test
  void theSameRowsGiveTheSameBitsOnEveryRun() {
    Dataset<Row> rows = frame(4).cache();
    LogisticCalibration.Fit[] first = fit(rows);
    LogisticCalibration.Fit[] second = fit(rows);
    assertThat(second[0].intercept()).isEqualTo(first[0].intercept());
    assertThat(second[1].slope()).isEqualTo(first[1].slope());
    assertThat(second[1].intercept()).isEqualTo(first[1].intercept());
    rows.unpersist();
  }
}
