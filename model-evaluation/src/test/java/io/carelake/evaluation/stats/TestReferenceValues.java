package io.carelake.evaluation.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deterministic statistic against the reference values in
 * {@code carelake/evaluation/reference/metrics.json}, which
 * {@code src/test/python/evaluation_reference.py} computed with scikit-learn, statsmodels and scipy
 * (and airflow-dags' Python tests recompute, so that the file cannot drift from those libraries).
 */
class TestReferenceValues {

  static final double EPS = 1e-9;
  static final JsonNode REFERENCE = load();

  static JsonNode load() {
    try (InputStream in = TestReferenceValues.class.getResourceAsStream(
        "/carelake/evaluation/reference/metrics.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<JsonNode> dataSets() {
    List<JsonNode> sets = new ArrayList<>();
    REFERENCE.get("data_sets").forEach(sets::add);
    return sets.stream();
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  static double[] asDoubles(int[] values) {
    return java.util.Arrays.stream(values).asDoubleStream().toArray();
  }

  @Test
  void theReferenceFileNamesItsLibraries() {
    assertThat(REFERENCE.get("libraries").fieldNames()).toIterable()
        .contains("scikit-learn", "statsmodels", "scipy", "numpy");
    assertThat(REFERENCE.get("epsilon").asDouble()).isEqualTo(LogisticCalibration.EPSILON);
    assertThat(REFERENCE.get("data_sets")).hasSizeGreaterThanOrEqualTo(4);
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("dataSets")
  void rankingAndBrierMatchScikitLearn(JsonNode set) {
    int[] y = ints(set.get("labels"));
    double[] p = doubles(set.get("scores"));
    double[] w = asDoubles(ints(set.get("weights")));
    JsonNode e = set.get("expected");
    assertThat(Auroc.of(y, p)).as("roc_auc_score").isCloseTo(e.get("auroc").asDouble(), within(EPS));
    assertThat(Auroc.of(LabelledScores.weighted(y, p, w))).as("roc_auc_score weighted")
        .isCloseTo(e.get("auroc_weighted").asDouble(), within(EPS));
    assertThat(AveragePrecision.of(y, p)).as("average_precision_score")
        .isCloseTo(e.get("average_precision").asDouble(), within(EPS));
    assertThat(AveragePrecision.of(LabelledScores.weighted(y, p, w)))
        .isCloseTo(e.get("average_precision_weighted").asDouble(), within(EPS));
    assertThat(BrierScore.of(y, p)).as("brier_score_loss")
        .isCloseTo(e.get("brier").asDouble(), within(EPS));
    assertThat(BrierScore.of(LabelledScores.weighted(y, p, w)))
        .isCloseTo(e.get("brier_weighted").asDouble(), within(EPS));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("dataSets")
  void calibrationCurveBinsMatchScikitLearn(JsonNode set) {
    List<CalibrationCurve.Bin> bins = CalibrationCurve.uniform(ints(set.get("labels")),
        doubles(set.get("scores")), 10);
    double[] observed = doubles(set.at("/expected/calibration_curve/prob_true"));
    double[] predicted = doubles(set.at("/expected/calibration_curve/prob_pred"));
    assertThat(bins).hasSize(observed.length);
    for (int i = 0; i < bins.size(); i++) {
      assertThat(bins.get(i).observed()).isCloseTo(observed[i], within(EPS));
      assertThat(bins.get(i).meanPredicted()).isCloseTo(predicted[i], within(EPS));
    }
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("dataSets")
  void calibrationInterceptAndSlopeMatchStatsmodels(JsonNode set) {
    int[] y = ints(set.get("labels"));
    double[] p = doubles(set.get("scores"));
    JsonNode e = set.at("/expected/calibration");
    LogisticCalibration.Fit intercept = LogisticCalibration.intercept(y, p);
    assertThat(intercept.converged()).isTrue();
    assertThat(intercept.intercept()).isCloseTo(e.get("intercept").asDouble(), within(EPS));
    assertThat(intercept.seIntercept()).isCloseTo(e.get("intercept_se").asDouble(), within(EPS));
    LogisticCalibration.Fit slope = LogisticCalibration.slope(y, p);
    assertThat(slope.converged()).isTrue();
    assertThat(slope.intercept()).isCloseTo(e.get("slope_intercept").asDouble(), within(EPS));
    assertThat(slope.slope()).isCloseTo(e.get("slope").asDouble(), within(EPS));
    assertThat(slope.seIntercept()).isCloseTo(e.get("slope_intercept_se").asDouble(), within(EPS));
    assertThat(slope.seSlope()).isCloseTo(e.get("slope_se").asDouble(), within(EPS));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("dataSets")
  void operatingPointsMatchScikitLearn(JsonNode set) {
    int[] y = ints(set.get("labels"));
    double[] p = doubles(set.get("scores"));
    for (JsonNode t : set.at("/expected/operating_points/thresholds")) {
      assertConfusion(ConfusionMatrix.at(y, p, t.get("threshold").asDouble()), t);
    }
    for (JsonNode t : set.at("/expected/operating_points/sensitivity_targets")) {
      ConfusionMatrix m = ConfusionMatrix.atSensitivity(LabelledScores.of(y, p),
          t.get("target").asDouble());
      assertThat(m.threshold()).isEqualTo(t.get("threshold").asDouble());
      assertConfusion(m, t);
      assertThat(m.sensitivity()).isGreaterThanOrEqualTo(t.get("target").asDouble());
    }
  }

  static void assertConfusion(ConfusionMatrix m, JsonNode expected) {
    assertThat(m.truePositive()).isEqualTo(expected.get("tp").asDouble());
    assertThat(m.falsePositive()).isEqualTo(expected.get("fp").asDouble());
    assertThat(m.trueNegative()).isEqualTo(expected.get("tn").asDouble());
    assertThat(m.falseNegative()).isEqualTo(expected.get("fn").asDouble());
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("dataSets")
  void delongMatchesSunAndXuAndObuchowskiMatchesItsFormula(JsonNode set) {
    int[] y = ints(set.get("labels"));
    double[] p = doubles(set.get("scores"));
    double[] q = doubles(set.get("scores2"));
    AurocCovariance delong = FastDelong.of(y, p, q);
    assertCovariance(delong, set.at("/expected/delong"));
    AurocCovariance clustered = ObuchowskiAuroc.of(y, longs(set.get("clusters")), p, q);
    assertCovariance(clustered, set.at("/expected/obuchowski"));
    assertThat(clustered.units()).isEqualTo(set.at("/expected/obuchowski/clusters").asLong());
    // AUROC from placements is the Mann-Whitney AUROC
    assertThat(delong.auroc()[0]).isCloseTo(Auroc.of(y, p), within(1e-12));
  }

  static void assertCovariance(AurocCovariance actual, JsonNode expected) {
    double[] auc = doubles(expected.get("auroc"));
    for (int r = 0; r < auc.length; r++) {
      assertThat(actual.auroc()[r]).isCloseTo(auc[r], within(EPS));
      double[] row = doubles(expected.get("covariance").get(r));
      for (int s = 0; s < row.length; s++) {
        assertThat(actual.covariance()[r][s]).as("cov[%d][%d]", r, s)
            .isCloseTo(row[s], within(EPS));
      }
    }
  }

  @Test
  void wilsonIntervalsMatchStatsmodels() {
    for (JsonNode c : REFERENCE.get("wilson")) {
      double[] ci = WilsonInterval.of(c.get("successes").asLong(), c.get("n").asLong(),
          new ConfidenceLevel(c.get("level").asDouble()));
      assertThat(ci[0]).as(c.toString()).isCloseTo(c.get("low").asDouble(), within(EPS));
      assertThat(ci[1]).as(c.toString()).isCloseTo(c.get("high").asDouble(), within(EPS));
    }
  }

  @Test
  void exactMcNemarMatchesStatsmodelsIncludingAgrestisWorkedExample() {
    for (JsonNode c : REFERENCE.get("mcnemar")) {
      assertThat(McNemar.exactPValue(c.get("b").asLong(), c.get("c").asLong())).as(c.toString())
          .isCloseTo(c.get("p_value").asDouble(), within(1e-12));
    }
    // Agresti's approval-rating table: b = 150, c = 86, a strong change between the surveys.
    assertThat(McNemar.exactPValue(150, 86)).isLessThan(1e-4);
  }

  @Test
  void holmMatchesStatsmodels() {
    double[] adjusted = Holm.adjust(doubles(REFERENCE.at("/holm/p")));
    double[] expected = doubles(REFERENCE.at("/holm/adjusted"));
    for (int i = 0; i < expected.length; i++) {
      assertThat(adjusted[i]).isCloseTo(expected[i], within(1e-12));
    }
  }

  @Test
  void percentileAndBcaIntervalsMatchTheReferenceFormulas() {
    for (JsonNode c : REFERENCE.get("bootstrap_intervals")) {
      double[] reps = doubles(c.get("replicates"));
      ConfidenceLevel level = new ConfidenceLevel(c.get("level").asDouble());
      double[] percentile = BootstrapInterval.percentile(reps, level);
      double[] bca = BootstrapInterval.bca(reps, c.get("estimate").asDouble(),
          doubles(c.get("jackknife")), level);
      assertThat(percentile[0]).isCloseTo(c.get("percentile").get(0).asDouble(), within(EPS));
      assertThat(percentile[1]).isCloseTo(c.get("percentile").get(1).asDouble(), within(EPS));
      assertThat(bca[0]).isCloseTo(c.get("bca").get(0).asDouble(), within(EPS));
      assertThat(bca[1]).isCloseTo(c.get("bca").get(1).asDouble(), within(EPS));
    }
  }
}
