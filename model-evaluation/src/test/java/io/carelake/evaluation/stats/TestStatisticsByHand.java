package io.carelake.evaluation.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Small cases worked by hand (binomial tails as fractions of 2^n, Holm's multipliers, 2×2 tables
 * counted row by row) and published values (standard normal quantiles, Wilson's 10 of 10), at the
 * boundaries each statistic's definition draws: a score equal to the threshold, a target
 * sensitivity of exactly 1, p-values of 0 and 1, clipping at [0, 1].
 */
class TestStatisticsByHand {

  @Test
  void confidenceLevelQuantilesTailsAndWaldIntervals() {
    ConfidenceLevel l95 = new ConfidenceLevel(0.95);
    assertThat(l95.z()).isCloseTo(1.959963984540054, within(1e-12));
    assertThat(new ConfidenceLevel(0.90).z()).isCloseTo(1.644853626951472, within(1e-12));
    assertThat(new ConfidenceLevel(0.90).tail()).isCloseTo(0.05, within(1e-15));
    double[] ci = l95.wald(0.5, 0.1);
    assertThat(ci[0]).isCloseTo(0.5 - 0.1959963984540054, within(1e-12));
    assertThat(ci[1]).isCloseTo(0.5 + 0.1959963984540054, within(1e-12));
    assertThat(l95.wald(0.3, 0)).containsExactly(0.3, 0.3);
    assertThat(l95.wald(0.3, -0.1)).containsExactly(Double.NaN, Double.NaN);
    assertThat(l95.wald(0.3, Double.NaN)).containsExactly(Double.NaN, Double.NaN);
    double[] clipped = l95.wald(0.95, 0.1, 0, 1);
    assertThat(clipped[0]).isCloseTo(0.95 - 0.1959963984540054, within(1e-12));
    assertThat(clipped[1]).isEqualTo(1.0);
    assertThat(l95.wald(0.05, 0.1, 0, 1)[0]).isEqualTo(0.0);
    assertThatThrownBy(() -> new ConfidenceLevel(0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> new ConfidenceLevel(1)).hasMessageContaining("got 1.0");
    assertThat(new ConfidenceLevel(0.5).level()).isEqualTo(0.5);
  }

  @Test
  void wilsonAllSuccessesAndNoTrials() {
    // 10 of 10: 0.7225 to 1 (Newcombe 1998, Table I's method 3 gives the same form)
    double[] all = WilsonInterval.of(10, 10, new ConfidenceLevel(0.95));
    assertThat(all[0]).isCloseTo(0.7224672, within(1e-6));
    assertThat(all[1]).isCloseTo(1.0, within(1e-12));
    assertThat(WilsonInterval.of(0, 0, new ConfidenceLevel(0.95)))
        .containsExactly(Double.NaN, Double.NaN);
    assertThatThrownBy(() -> WilsonInterval.of(-1, 5, new ConfidenceLevel(0.95)))
        .hasMessage("need 0 <= successes <= n, got -1 of 5");
    assertThatThrownBy(() -> WilsonInterval.of(0, -1, new ConfidenceLevel(0.95)))
        .hasMessage("need 0 <= successes <= n, got 0 of -1");
  }

  @Test
  void mcNemarTailsAsFractionsOfPowersOfTwo() {
    assertThat(McNemar.exactPValue(0, 5)).isCloseTo(2.0 / 32, within(1e-15));
    assertThat(McNemar.exactPValue(9, 1)).isCloseTo(2.0 * 11 / 1024, within(1e-15));
    // 5 and 5: twice P(X <= 5) = 2 · 638/1024 > 1, reported as 1
    assertThat(McNemar.exactPValue(5, 5)).isEqualTo(1.0);
    assertThatThrownBy(() -> McNemar.exactPValue(-1, 3))
        .hasMessage("discordant counts must be >= 0, got b=-1, c=3");
    assertThatThrownBy(() -> McNemar.exactPValue(3, -1)).hasMessageContaining("c=-1");
    assertThatThrownBy(() -> McNemar.exactPValue(Integer.MAX_VALUE, 1))
        .hasMessageContaining("too many discordant pairs");
  }

  @Test
  void holmMultipliesByTheRemainingTestsAndKeepsOrder() {
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06
    double[] adjusted = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
    assertThat(adjusted[0]).isCloseTo(0.03, within(1e-15));
    assertThat(adjusted[1]).isCloseTo(0.06, within(1e-15));
    assertThat(adjusted[2]).isCloseTo(0.06, within(1e-15));
    assertThat(adjusted[3]).isCloseTo(0.02, within(1e-15));
    assertThat(Holm.adjust(new double[] {0.5, 0.6})).containsExactly(1.0, 1.0);
    assertThat(Holm.adjust(new double[] {0.0, 1.0})).containsExactly(0.0, 1.0);
    assertThat(Holm.adjust(new double[0])).isEmpty();
    assertThatThrownBy(() -> Holm.adjust(new double[] {0.2, 1.2}))
        .hasMessage("p-value 1.2 is outside [0, 1]");
    assertThatThrownBy(() -> Holm.adjust(new double[] {-0.1}))
        .hasMessage("p-value -0.1 is outside [0, 1]");
  }

  @Test
  void confusionMatrixCallsAScoreEqualToTheThresholdPositive() {
    int[] y = {1, 1, 0, 0};
    double[] s = {0.9, 0.5, 0.5, 0.1};
    ConfusionMatrix m = ConfusionMatrix.at(y, s, 0.5);
    assertThat(new double[] {m.truePositive(), m.falsePositive(), m.trueNegative(),
        m.falseNegative()}).containsExactly(2, 1, 1, 0);
    assertThat(m.sensitivity()).isEqualTo(1.0);
    assertThat(m.specificity()).isEqualTo(0.5);
    assertThat(m.positivePredictiveValue()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(m.negativePredictiveValue()).isEqualTo(1.0);
    assertThat(m.total()).isEqualTo(4);
    ConfusionMatrix w = ConfusionMatrix.at(LabelledScores.weighted(y, s,
        new double[] {2, 1, 3, 0.5}), 0.5);
    assertThat(new double[] {w.truePositive(), w.falsePositive(), w.trueNegative(),
        w.falseNegative()}).containsExactly(3, 3, 0.5, 0);
    ConfusionMatrix empty = new ConfusionMatrix(0.5, 0, 0, 0, 0);
    assertThat(new double[] {empty.sensitivity(), empty.specificity(),
        empty.positivePredictiveValue(), empty.negativePredictiveValue()})
        .containsOnly(Double.NaN);
    assertThat(empty.total()).isZero();
    assertThatThrownBy(() -> ConfusionMatrix.at(y, s, Double.NaN))
        .hasMessage("threshold must be a number, got NaN");
  }

  @Test
  void operatingPointAtATargetSensitivity() {
    LabelledScores d = LabelledScores.of(new int[] {1, 0, 1, 0}, new double[] {0.9, 0.8, 0.3, 0.1});
    ConfusionMatrix all = ConfusionMatrix.atSensitivity(d, 1.0);
    assertThat(all.threshold()).isEqualTo(0.3);
    assertThat(new double[] {all.truePositive(), all.falsePositive(), all.trueNegative(),
        all.falseNegative()}).containsExactly(2, 1, 1, 0);
    ConfusionMatrix half = ConfusionMatrix.atSensitivity(d, 0.5);
    assertThat(half.threshold()).isEqualTo(0.9);
    assertThat(half.falseNegative()).isEqualTo(1);
    assertThat(ConfusionMatrix.atSensitivity(d, 0.51).threshold()).isEqualTo(0.3);
    assertThatThrownBy(() -> ConfusionMatrix.atSensitivity(d, 0))
        .hasMessage("target sensitivity must lie in (0, 1], got 0.0");
    assertThatThrownBy(() -> ConfusionMatrix.atSensitivity(d, 1.01)).hasMessageContaining("1.01");
    assertThatThrownBy(() -> ConfusionMatrix.atSensitivity(d, Double.NaN))
        .hasMessageContaining("NaN");
  }

  @Test
  void labelledScoresRefuseBadRowsAndSumWeights() {
    assertThatThrownBy(() -> new LabelledScores(null, new double[0], new double[0]))
        .hasMessage("labels, scores and weights must not be null");
    assertThatThrownBy(() -> new LabelledScores(new int[0], null, new double[0]))
        .hasMessage("labels, scores and weights must not be null");
    assertThatThrownBy(() -> new LabelledScores(new int[0], new double[0], null))
        .hasMessage("labels, scores and weights must not be null");
    assertThatThrownBy(() -> LabelledScores.weighted(new int[] {1, 0}, new double[] {0.1, 0.2},
        new double[] {1})).hasMessage(
            "labels, scores and weights must have the same length, got 2, 2 and 1");
    assertThatThrownBy(() -> LabelledScores.weighted(new int[] {1}, new double[] {0.5},
        new double[] {Double.POSITIVE_INFINITY})).hasMessageStartingWith("weight at row 0 is Inf");
    assertThatThrownBy(() -> LabelledScores.weighted(new int[] {1}, new double[] {0.5},
        new double[] {Double.NaN})).hasMessageStartingWith("weight at row 0 is NaN");
    assertThatThrownBy(() -> LabelledScores.of(new int[] {0, 1},
        new double[] {0.5, Double.NEGATIVE_INFINITY})).hasMessageStartingWith(
            "score at row 1 is -Infinity");
    assertThatThrownBy(() -> LabelledScores.of(new int[] {-1}, new double[] {0.5}))
        .hasMessage("label at row 0 is -1; labels must be 0 or 1");
    LabelledScores w = LabelledScores.weighted(new int[] {1, 0, 0}, new double[] {0.2, 0.9, 0.2},
        new double[] {2, 3, 0.5});
    assertThat(w.positiveWeight()).isEqualTo(2);
    assertThat(w.totalWeight()).isEqualTo(5.5);
    assertThat(w.negativeWeight()).isEqualTo(3.5);
    assertThat(w.size()).isEqualTo(3);
    assertThat(LabelledScores.of(new int[] {0, 1, 0, 1}, new double[] {0.2, 0.9, 0.2, 0.5})
        .descendingOrder()).containsExactly(1, 3, 0, 2);
    assertThatThrownBy(() -> LabelledScores.requireLength("scores2", 3, 4))
        .hasMessage("scores2 has 3 rows, the labels 4");
    LabelledScores.requireLength("scores2", 4, 4);
  }

  @Test
  void netBenefitAndBrierByHand() {
    assertThat(NetBenefit.treatAll(0.3, 0.1)).isCloseTo(0.3 - 0.7 / 9, within(1e-15));
    assertThat(NetBenefit.model(10, 5, 0, 0.2)).isNaN();
    assertThatThrownBy(() -> NetBenefit.treatAll(0.3, 0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> NetBenefit.model(1, 1, 10, Double.NaN)).hasMessageContaining("NaN");
    // (0.2 − 0)² + (0.6 − 1)² = 0.04 + 0.16 over 2; weighted 3 : 1
    assertThat(BrierScore.of(new int[] {0, 1}, new double[] {0.2, 0.6})).isCloseTo(0.1,
        within(1e-15));
    assertThat(BrierScore.of(LabelledScores.weighted(new int[] {0, 1}, new double[] {0.2, 0.6},
        new double[] {3, 1}))).isCloseTo((3 * 0.04 + 0.16) / 4, within(1e-15));
    assertThat(BrierScore.of(LabelledScores.weighted(new int[] {0}, new double[] {0.2},
        new double[] {0}))).isNaN();
    // prevalence ½: reference ¼, scaled 1 − 0.1 / 0.25
    assertThat(BrierScore.scaled(new int[] {0, 1}, new double[] {0.2, 0.6})).isCloseTo(0.6,
        within(1e-15));
    assertThat(BrierScore.scaled(0.1, 0.0)).isNaN();
    assertThat(BrierScore.scaled(0.1, 1.0)).isNaN();
    assertThatThrownBy(() -> BrierScore.of(new int[] {0}, new double[] {-0.01}))
        .hasMessageContaining("-0.01");
    assertThat(BrierScore.of(new int[] {0, 1}, new double[] {0.0, 1.0})).isZero();
  }

  @Test
  void aurocDifferenceTestByHand() {
    // Var(Δ) = 0.0025 + 0.0025 − 2·0.001 = 0.003, z = 0.1 / √0.003 = 1.8257, p = erfc(z / √2)
    AurocCovariance c = new AurocCovariance(new double[] {0.8, 0.7},
        new double[][] {{0.0025, 0.001}, {0.001, 0.0025}}, 10, 20, 30);
    assertThat(c.differenceVariance(0, 1)).isCloseTo(0.003, within(1e-15));
    assertThat(c.differencePValue(0, 1)).isCloseTo(0.06788915486182903, within(1e-12));
    assertThat(c.differencePValue(1, 0)).isCloseTo(0.06788915486182903, within(1e-12));
    assertThat(c.standardError(1)).isCloseTo(0.05, within(1e-15));
  }
  @Test
  void logisticCalibrationWithOneScoreValueIsTheLogitOfThePrevalence() {
    // every score 0.5 (logit 0): a = logit(1/4) = ln(1/3), SE = 1/√(n·p(1−p)) = 1/√0.75; the
    // slope is not identifiable (the covariate does not vary) and no Newton step is tried
    int[] y = {0, 0, 0, 1};
    double[] s = {0.5, 0.5, 0.5, 0.5};
    LogisticCalibration.Fit a = LogisticCalibration.intercept(y, s);
    assertThat(a.converged()).isTrue();
    assertThat(a.intercept()).isCloseTo(Math.log(1.0 / 3), within(1e-12));
    assertThat(a.seIntercept()).isCloseTo(1 / Math.sqrt(0.75), within(1e-12));
    assertThat(a.slope()).isEqualTo(1.0);
    LogisticCalibration.Fit b = LogisticCalibration.slope(y, s);
    assertThat(b.converged()).isFalse();
    assertThat(b.iterations()).isZero();
    assertThat(b.slope()).isNaN();
    // one outcome only: neither model is tried
    assertThat(LogisticCalibration.intercept(new int[] {0, 0}, new double[] {0.2, 0.4})
        .iterations()).isZero();
    assertThat(LogisticCalibration.intercept(new int[] {1, 1}, new double[] {0.2, 0.4})
        .iterations()).isZero();
    // a row of weight 0 does not make the covariate vary
    LogisticCalibration.Fit zero = LogisticCalibration.slope(LabelledScores.weighted(
        new int[] {0, 1, 1}, new double[] {0.5, 0.5, 0.9}, new double[] {1, 1, 0}));
    assertThat(zero.converged()).isFalse();
    assertThat(zero.iterations()).isZero();
    assertThatThrownBy(() -> LogisticCalibration.intercept(new int[] {0, 1},
        new double[] {0.5, 1.5})).hasMessageContaining("score at row 1 is 1.5");
  }

  @Test
  void delongVarianceWithTwoOfEachClassAndUndefinedWithOne() {
    // positives 0.9, 0.4; negatives 0.6, 0.2: V10 = (1, ½), V01 = (½, 1), AUROC ¾;
    // S10 = S01 = 2·(¼)² / 1 = ⅛, Var = ⅛/2 + ⅛/2 = ⅛
    AurocCovariance two = FastDelong.of(new int[] {1, 1, 0, 0}, new double[] {0.9, 0.4, 0.6, 0.2});
    assertThat(two.auroc()[0]).isEqualTo(0.75);
    assertThat(two.variance(0)).isCloseTo(0.125, within(1e-15));
    assertThat(FastDelong.of(new int[] {1, 0, 0}, new double[] {0.9, 0.4, 0.6}).variance(0))
        .isNaN();
    assertThat(FastDelong.of(new int[] {1, 1, 0}, new double[] {0.9, 0.4, 0.6}).variance(0))
        .isNaN();
  }

  @Test
  void bootstrapIntervalPiecesByHand() {
    ConfidenceLevel half = new ConfidenceLevel(0.5);
    // two replicates: quantiles ¼ and ¾ of the way from 0.1 to 0.3
    double[] two = BootstrapInterval.percentile(new double[] {0.3, 0.1}, half);
    assertThat(two[0]).isCloseTo(0.15, within(1e-15));
    assertThat(two[1]).isCloseTo(0.25, within(1e-15));
    assertThat(BootstrapInterval.percentile(new double[] {0.3}, half))
        .containsExactly(Double.NaN, Double.NaN);
    assertThat(BootstrapInterval.bca(new double[] {0.1, 0.5, 0.9}, Double.NaN,
        new double[0], half)).containsExactly(Double.NaN, Double.NaN);
    assertThat(BootstrapInterval.bca(new double[] {0.1}, 0.1, new double[0], half))
        .containsExactly(Double.NaN, Double.NaN);
    // z0 = Φ⁻¹(share below, ties ½): 1.5 of 3 → 0; 1.5 of 2 → Φ⁻¹(¾); none → −∞; all → +∞
    assertThat(BootstrapInterval.biasCorrection(new double[] {0.1, 0.5, 0.9}, 0.5)).isZero();
    assertThat(BootstrapInterval.biasCorrection(new double[] {0.1, 0.2}, 0.2))
        .isCloseTo(0.6744897501960817, within(1e-12));
    assertThat(BootstrapInterval.biasCorrection(new double[] {0.6, 0.7}, 0.5))
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(BootstrapInterval.biasCorrection(new double[] {0.1, 0.2}, 0.9))
        .isEqualTo(Double.POSITIVE_INFINITY);
    // with z0 = 0 and a = 0, BCa is the percentile interval
    double[] reps = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
    assertThat(BootstrapInterval.bca(reps, 0.4, new double[] {1, 1, 1}, half))
        .containsExactly(BootstrapInterval.percentile(reps, half));
    // a = Σd³ / (6 (Σd²)^1.5) for {0, 0, 3}: d = (1, 1, −2), Σd² = 6, Σd³ = −6
    assertThat(BootstrapInterval.acceleration(new double[] {0, 0, 3}))
        .isCloseTo(-6 / (6 * Math.pow(6, 1.5)), within(1e-15));
    assertThat(BootstrapInterval.acceleration(new double[] {0, 3})).isZero();
    double[] sorted = {1, 2, 4};
    assertThat(BootstrapInterval.quantile(sorted, 0)).isEqualTo(1);
    assertThat(BootstrapInterval.quantile(sorted, 1)).isEqualTo(4);
    assertThat(BootstrapInterval.quantile(sorted, 0.75)).isEqualTo(3);
    assertThatThrownBy(() -> BootstrapInterval.quantile(sorted, -0.1))
        .hasMessage("quantile must lie in [0, 1], got -0.1");
    assertThatThrownBy(() -> BootstrapInterval.quantile(sorted, 1.1))
        .hasMessageContaining("1.1");
  }

  @Test
  void logitClipsAndExpitStaysFiniteFarOut() {
    assertThat(LogisticCalibration.logit(0.5)).isZero();
    assertThat(LogisticCalibration.logit(0.0)).isCloseTo(Math.log(1e-15), within(1e-9));
    assertThat(LogisticCalibration.logit(1.0)).isCloseTo(-Math.log(1e-15), within(1e-3));
    assertThat(LogisticCalibration.expit(0)).isEqualTo(0.5);
    assertThat(LogisticCalibration.expit(800)).isEqualTo(1.0);
    assertThat(LogisticCalibration.expit(-800)).isEqualTo(0.0);
    assertThat(LogisticCalibration.expit(Math.log(3))).isCloseTo(0.75, within(1e-15));
    assertThat(LogisticCalibration.expit(-Math.log(3))).isCloseTo(0.25, within(1e-15));
  }
}
