package io.carelake.evaluation.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.evaluation.stats.AurocCovariance;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.FastDelong;
import io.carelake.evaluation.stats.LogisticCalibration;
import io.carelake.evaluation.stats.ObuchowskiAuroc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Coverage of the 95 % intervals for AUROC on simulated clustered data whose AUROC is known, over
 * 500 simulations with the full 2,000 resamples each: plain Java, no Spark (the same sweep Spark
 * runs per partition), about 10-20 s.
 *
 * <p>The design: 200 patients, each with 1-6 rows (index dates), a patient-level outcome
 * (prevalence 0.3), and a score μ·y + u + e with a patient effect u ~ N(0, 1) shared by the
 * patient's rows and row noise e ~ N(0, 0.5²), so rows of a patient are strongly correlated
 * (intra-class correlation 0.8). Every positive–negative pair is across patients, so the expected
 * AUROC is P(X &gt; Y) = Φ(μ / √(2·(1 + 0.25))) = 0.75 exactly for μ = 1.0659 (the statistic is an
 * unbiased U-statistic of it). The scores enter through expit, which leaves every rank unchanged.
 *
 * <p>With 500 simulations a true coverage of 95 % is estimated within ±1.9 % (two standard
 * errors), so the patient-level intervals (percentile and BCa bootstrap, Obuchowski) must land in
 * 93-97 %; DeLong's interval, which takes the rows as independent, must not (it is far too narrow
 * here, which is why it is not what {@code evaluate} reports).
 */
@Tag("slow")
class TestBootstrapCoverage {

  static final int SIMULATIONS = 500;
  static final int PATIENTS = 200;
  static final double MU = 1.0659;
  static final double TRUE_AUROC =
      new NormalDistribution(null, 0, 1).cumulativeProbability(MU / Math.sqrt(2 * 1.25));

  @Test
  void patientLevelIntervalsCoverTheTrueAurocAndRowLevelDelongDoesNot() {
    ConfidenceLevel level = new ConfidenceLevel(0.95);
    // simulations are independent: run them on every core (the counts do not depend on order)
    int[][] covered = IntStream.range(0, SIMULATIONS).parallel()
        .mapToObj(s -> simulation(s, level)).toArray(int[][]::new);
    int percentile = Arrays.stream(covered).mapToInt(c -> c[0]).sum();
    int bca = Arrays.stream(covered).mapToInt(c -> c[1]).sum();
    int obuchowski = Arrays.stream(covered).mapToInt(c -> c[2]).sum();
    int delong = Arrays.stream(covered).mapToInt(c -> c[3]).sum();
    System.out.printf("coverage of %d simulations: percentile %d, BCa %d, Obuchowski %d,"
        + " row-level DeLong %d%n", SIMULATIONS, percentile, bca, obuchowski, delong);
    double n = SIMULATIONS;
    assertThat(percentile / n).as("percentile bootstrap coverage").isBetween(0.93, 0.97);
    assertThat(bca / n).as("BCa bootstrap coverage").isBetween(0.93, 0.97);
    assertThat(obuchowski / n).as("Obuchowski coverage").isBetween(0.93, 0.97);
    assertThat(delong / n).as("row-level DeLong coverage").isLessThan(0.85);
  }

  /** {percentile, BCa, Obuchowski, DeLong}: 1 where the interval covers the true AUROC. */
  static int[] simulation(int s, ConfidenceLevel level) {
    Simulated d = simulate(1000L + s);
    SweepPlan plan = new SweepPlan(77L + s, 2000, 100, new double[] {0.5}, 10,
        new double[] {0.25, 0.5, 0.75}, new double[0], 0);
    Calibrators none = new Calibrators(Double.NaN, Double.NaN, Double.NaN);
    Chunk chunk = Chunk.of(d.scores, d.labels, d.patients, d.cells, plan, none);
    ReplicateSet set = new ReplicateSet(plan, ReplicateSweep.run(chunk, plan),
        ReplicateSweep.totals(0, chunk, plan).groupRows(), none);
    ReplicateSet.Summary auroc = set.summarize(set.values(Replicate::auroc), level);
    AurocCovariance clustered = ObuchowskiAuroc.of(d.labels, d.patients, d.scores);
    AurocCovariance rows = FastDelong.of(d.labels, d.scores);
    return new int[] {covers(auroc.percentile()) ? 1 : 0, covers(auroc.bca()) ? 1 : 0,
        covers(level.wald(clustered.auroc()[0], clustered.standardError(0))) ? 1 : 0,
        covers(level.wald(rows.auroc()[0], rows.standardError(0))) ? 1 : 0};
  }

  static boolean covers(double[] ci) {
    return ci[0] <= TRUE_AUROC && TRUE_AUROC <= ci[1];
  }

  record Simulated(double[] scores, int[] labels, long[] patients, int[][] cells) {}

  static Simulated simulate(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[]> rows = new ArrayList<>();
    for (int p = 0; p < PATIENTS; p++) {
      int label = r.nextDouble() < 0.3 ? 1 : 0;
      double u = r.nextGaussian();
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        double score = LogisticCalibration.expit(MU * label + u + 0.5 * r.nextGaussian() - 1);
        rows.add(new double[] {score, label, p});
      }
    }
    Simulated d = new Simulated(new double[rows.size()], new int[rows.size()],
        new long[rows.size()], new int[rows.size()][]);
    for (int i = 0; i < rows.size(); i++) {
      d.scores[i] = rows.get(i)[0];
      d.labels[i] = (int) rows.get(i)[1];
      d.patients[i] = 7919L * (long) rows.get(i)[2] + 3;
      d.cells[i] = new int[0];
    }
    return d;
  }
}
