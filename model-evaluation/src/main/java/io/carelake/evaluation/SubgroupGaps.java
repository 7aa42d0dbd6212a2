package io.carelake.evaluation;

import io.carelake.evaluation.bootstrap.Replicate;
import io.carelake.evaluation.bootstrap.ReplicateSet;
import io.carelake.evaluation.spec.EvaluationSpec;
import io.carelake.evaluation.stats.BootstrapInterval;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.Holm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Gaps between subgroups: within each dimension, every reported cell against the dimension's
 * largest reported cell (the reference), for each gap metric of the spec. The difference's
 * resamples come from the same patient-level bootstrap (a patient in both cells, e.g. one whose age
 * band changed between index dates, moves both), so they carry the cells' correlation; the test is
 * z = Δ / sd(Δ*) with a two-sided normal p-value, the interval the percentile interval of Δ*, and
 * the p-values are Holm-adjusted across every gap test of the evaluation (family-wise error at the
 * spec's alpha). Suppressed cells are neither tested nor references.
 */
final class SubgroupGaps {

  private SubgroupGaps() {}

  static List<Row> tests(ReplicateSet set, SubgroupCells cells,
      List<IterationEvaluation.CellIntervals> intervals, EvaluationUnit unit,
      EvaluationSpec spec) {
    List<Object[]> tests = new ArrayList<>();
    List<Double> pValues = new ArrayList<>();
    for (String dimension : cells.dimensions()) {
      List<SubgroupCells.Cell> reported = cells.of(dimension).stream()
          .filter(c -> !intervals.get(c.index()).suppressed()).toList();
      if (reported.size() < 2) {
        continue;
      }
      SubgroupCells.Cell reference = reported.get(0);
      for (SubgroupCells.Cell c : reported) {
        if (set.point().cellWeight(c.index()) > set.point().cellWeight(reference.index())) {
          reference = c;
        }
      }
      for (String metric : spec.subgroups().gapMetrics()) {
        for (SubgroupCells.Cell c : reported) {
          if (c == reference) {
            continue;
          }
          double[] diff = difference(set, metric, c.index(), reference.index());
          double[] resamples = Arrays.copyOfRange(diff, 1, 1 + set.plan().resamples());
          double se = standardDeviation(resamples);
          double z = se > 0 ? diff[0] / se : Double.NaN;
          double p = Double.isNaN(z) ? Double.NaN
              : 2 * ConfidenceLevel.STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
          double[] ci = BootstrapInterval.percentile(resamples, unit.level());
          tests.add(new Object[] {dimension, metric, c.value(), reference.value(), diff[0], ci, z,
              p});
          pValues.add(p);
        }
      }
    }
    double[] holm = Holm.adjust(pValues.stream().mapToDouble(Double::doubleValue).toArray());
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      Object[] t = tests.get(i);
      double[] ci = (double[]) t[5];
      Double p = ResultRows.orNull((double) t[7]);
      Double adjusted = ResultRows.orNull(holm[i]);
      out.add(RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(),
          t[0], t[1], t[2], t[3], ResultRows.orNull((double) t[4]), ResultRows.orNull(ci[0]),
          ResultRows.orNull(ci[1]), Interval.PERCENTILE, unit.level().level(),
          ResultRows.orNull((double) t[6]), p, adjusted,
          adjusted == null ? null : adjusted < spec.subgroups().alpha(), spec.sha256()));
    }
    return out;
  }

  static double[] difference(ReplicateSet set, String metric, int cell, int reference) {
    ToDoubleFunction<Replicate> f = switch (metric) {
      case "auroc" -> r -> r.cellAuroc(cell) - r.cellAuroc(reference);
      case "brier" -> r -> r.cellBrier(cell) - r.cellBrier(reference);
      case "observed_expected_ratio" ->
          r -> r.cellObservedExpected(cell) - r.cellObservedExpected(reference);
      default -> throw new IllegalArgumentException("no subgroup gap test for metric " + metric);
    };
    return set.values(f);
  }

  /** Sample standard deviation of the defined values (NaN with fewer than two). */
  static double standardDeviation(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
    if (v.length < 2) {
      return Double.NaN;
    }
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (v.length - 1));
  }
}
