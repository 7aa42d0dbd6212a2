package io.carelake.evaluation.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Input validation, the documented edge cases, and hand-worked examples of the statistics (the
 * reference values of {@link TestReferenceValues} cover the ordinary cases).
 */
class TestStatisticsEdgeCases {

  static final ConfidenceLevel LEVEL_95 = new ConfidenceLevel(0.95);

  @Test
  void badInputIsRefusedNamingTheRowAndTheRule() {
    assertThatThrownBy(() -> Auroc.of(new int[] {0, 2}, new double[] {0.1, 0.2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label at row 1 is 2; labels must be 0 or 1");
    assertThatThrownBy(() -> Auroc.of(new int[] {0, 1}, new double[] {0.1, Double.NaN}))
        .hasMessageStartingWith("score at row 1 is NaN; scores must be finite");
    assertThatThrownBy(() -> Auroc.of(new int[] {0, 1}, new double[] {0.1}))
        .hasMessage("labels, scores and weights must have the same length, got 2, 1 and 2");
    assertThatThrownBy(() -> LabelledScores.weighted(new int[] {1}, new double[] {0.5},
        new double[] {-1})).hasMessage("weight at row 0 is -1.0; weights must be finite and >= 0");
    assertThatThrownBy(() -> BrierScore.of(new int[] {0, 1}, new double[] {0.2, 1.5}))
        .hasMessage("score at row 1 is 1.5; this metric needs probabilities in [0, 1]");
    assertThatThrownBy(() -> NetBenefit.treatAll(0.2, 1.0))
        .hasMessageContaining("strictly between 0 and 1, got 1.0");
    assertThatThrownBy(() -> WilsonInterval.of(5, 4, LEVEL_95))
        .hasMessage("need 0 <= successes <= n, got 5 of 4");
    assertThatThrownBy(() -> new ConfidenceLevel(95)).hasMessageContaining("--confidence");
  }

  @Test
  void metricsAreUndefinedRatherThanInvented() {
    int[] oneClass = {0, 0, 0};
    double[] s = {0.2, 0.4, 0.6};
    assertThat(Auroc.of(oneClass, s)).isNaN();
    assertThat(AveragePrecision.of(oneClass, s)).isNaN();
    assertThat(BrierScore.scaled(oneClass, s)).isNaN();
    assertThat(LogisticCalibration.slope(oneClass, s).converged()).isFalse();
    assertThat(ConfusionMatrix.at(oneClass, s, 0.5).sensitivity()).isNaN();
    assertThat(ConfusionMatrix.atSensitivity(LabelledScores.of(oneClass, s), 0.9)).isNull();
    assertThat(Auroc.of(new int[0], new double[0])).isNaN();
    // perfect separation: the slope has no finite maximum likelihood
    assertThat(LogisticCalibration.slope(new int[] {0, 0, 1, 1},
        new double[] {0.1, 0.2, 0.8, 0.9}).converged()).isFalse();
    // every score tied: AUROC is one half
    assertThat(Auroc.of(new int[] {0, 1, 0, 1}, new double[] {0.5, 0.5, 0.5, 0.5})).isEqualTo(0.5);
  }

  @Test
  void delongHandWorkedExampleWithATie() {
    // positives {0.8, 0.4}, negatives {0.6, 0.4, 0.2}: pairs 1+1+1 + 0+½+1 = 4.5 of 6;
    // V10 = (1, ½), S10 = 2·(¼)²/1 = 1/8; V01 = (½, ¾, 1), S01 = 2·(¼)²/2 = 1/16;
    // Var = (1/8)/2 + (1/16)/3 = 1/12
    AurocCovariance d = FastDelong.of(new int[] {1, 1, 0, 0, 0},
        new double[] {0.8, 0.4, 0.6, 0.4, 0.2});
    assertThat(d.auroc()[0]).isEqualTo(0.75);
    assertThat(d.variance(0)).isCloseTo(1.0 / 12, within(1e-15));
    // one row per patient: Obuchowski is DeLong with divisors I/(I-1)/M instead of 1/(M-1)
    AurocCovariance o = ObuchowskiAuroc.of(new int[] {1, 1, 0, 0, 0}, new long[] {1, 2, 3, 4, 5},
        new double[] {0.8, 0.4, 0.6, 0.4, 0.2});
    double expected = 5.0 / 4 * ((0.25 * 0.25 * 2) / 2 / 2 + (0.25 * 0.25 * 2) / 3 / 3);
    assertThat(o.variance(0)).isCloseTo(expected, within(1e-15));
    // a model compared with itself: zero difference, zero variance, no test
    AurocCovariance self = ObuchowskiAuroc.of(new int[] {1, 1, 0, 0, 0},
        new long[] {1, 1, 2, 2, 3}, new double[] {0.8, 0.4, 0.6, 0.4, 0.2},
        new double[] {0.8, 0.4, 0.6, 0.4, 0.2});
    assertThat(self.differenceVariance(0, 1)).isCloseTo(0, within(1e-15));
    assertThat(self.differencePValue(0, 1)).isNaN();
  }

  @Test
  void clusteredVarianceGrowsWhenAPatientsRowsAreCopies() {
    // the same rows, then each duplicated into the same patient: DeLong halves its variance as if
    // the copies were new evidence; Obuchowski, which resamples patients, does not shrink
    SplittableRandom r = new SplittableRandom(3);
    int n = 60;
    int[] y = new int[2 * n];
    double[] s = new double[2 * n];
    long[] patient = new long[2 * n];
    for (int i = 0; i < n; i++) {
      y[i] = y[i + n] = r.nextDouble() < 0.4 ? 1 : 0;
      s[i] = s[i + n] = r.nextGaussian() + y[i];
      patient[i] = patient[i + n] = i;
    }
    double delongOnce = FastDelong.of(java.util.Arrays.copyOf(y, n), java.util.Arrays.copyOf(s, n))
        .variance(0);
    double delongTwice = FastDelong.of(y, s).variance(0);
    double obuchowskiTwice = ObuchowskiAuroc.of(y, patient, s).variance(0);
    assertThat(delongTwice).isLessThan(0.6 * delongOnce);
    assertThat(obuchowskiTwice).isGreaterThan(0.9 * delongOnce);
  }

  @Test
  void netBenefitByHand() {
    // 100 patients, 20 events; at t = 0.2 the model calls 30: 15 true, 15 false positives
    assertThat(NetBenefit.model(15, 15, 100, 0.2)).isCloseTo(0.15 - 0.15 * 0.25, within(1e-15));
    assertThat(NetBenefit.treatAll(0.2, 0.2)).isCloseTo(0.2 - 0.8 * 0.25, within(1e-15));
    ConfusionMatrix m = new ConfusionMatrix(0.2, 15, 15, 65, 5);
    assertThat(NetBenefit.model(m)).isCloseTo(0.1125, within(1e-15));
    assertThat(m.sensitivity()).isEqualTo(0.75);
    assertThat(m.specificity()).isEqualTo(65.0 / 80);
    assertThat(m.positivePredictiveValue()).isEqualTo(0.5);
    assertThat(m.negativePredictiveValue()).isEqualTo(65.0 / 70);
  }

  @Test
  void calibrationIndexSeesMiscalibrationAndNotGoodCalibration() {
    SplittableRandom r = new SplittableRandom(9);
    int n = 4000;
    int[] y = new int[n];
    double[] calibrated = new double[n];
    double[] tooHigh = new double[n];
    for (int i = 0; i < n; i++) {
      double p = 0.05 + 0.6 * r.nextDouble();
      y[i] = r.nextDouble() < p ? 1 : 0;
      calibrated[i] = p;
      tooHigh[i] = Math.min(1, p + 0.1);
    }
    CalibrationIndex.Result good = CalibrationIndex.of(y, calibrated, 0.75);
    CalibrationIndex.Result bad = CalibrationIndex.of(y, tooHigh, 0.75);
    assertThat(good.ici()).isLessThan(0.02);
    assertThat(bad.ici()).isCloseTo(0.1, within(0.02));
    assertThat(bad.e50()).isLessThanOrEqualTo(bad.e90());
    assertThat(CalibrationIndex.of(new int[] {0, 1}, new double[] {0.2, 0.7}, 0.75).defined())
        .isFalse();
  }

  @Test
  void intervalsAtTheEdges() {
    double[] wilson = WilsonInterval.of(0, 10, LEVEL_95);
    assertThat(wilson[0]).isZero();
    assertThat(wilson[1]).isGreaterThan(0.2);
    assertThat(McNemar.exactPValue(0, 0)).isEqualTo(1.0);
    assertThat(Holm.adjust(new double[] {0.01, Double.NaN, 0.04})).containsExactly(0.02,
        Double.NaN, 0.04);
    // every replicate above the estimate: no bias correction possible, no BCa interval
    assertThat(BootstrapInterval.bca(new double[] {0.6, 0.7, 0.8}, 0.5,
        new double[] {0.5, 0.5, 0.5}, LEVEL_95)).containsExactly(Double.NaN, Double.NaN);
    // undefined resamples are left out and counted
    double[] reps = {0.1, Double.NaN, 0.3, 0.2};
    assertThat(BootstrapInterval.undefinedCount(reps)).isEqualTo(1);
    double[] half = BootstrapInterval.percentile(reps, new ConfidenceLevel(0.5));
    assertThat(half[0]).isCloseTo(0.15, within(1e-15));
    assertThat(half[1]).isCloseTo(0.25, within(1e-15));
    assertThat(BootstrapInterval.acceleration(new double[] {1, 1, 1, 1})).isZero();
  }
}
