package io.carelake.evaluation;

import io.carelake.evaluation.spec.EvaluationSpec;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.spark.JobContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code evaluate}'s stage for one iteration: each outcome of its predictions evaluated
 * ({@link IterationEvaluation}), compared with the baseline or the champion
 * ({@link PairedComparison}) and, with {@code --gate}, judged ({@link PromotionGate}); the rows are
 * returned for {@link EvaluationWriter}, nothing is written here.
 *
 * @param predictions {@code models.predictions} at {@code snapshot}
 * @param baseline the {@code --baseline} iteration, or null
 * @param alias the alias a passing gate moves
 */
record IterationStage(SparkSession spark, JobContext ctx, Dataset<Row> predictions, String split,
    String baseline, boolean gate, String alias, EvaluationSpec es, ConfidenceLevel level,
    Long snapshot) {

  /** Evaluates every outcome of iteration {@code id}; counts outcomes and gate verdicts. */
  IterationRows evaluate(PredictionFrame frame, String id, EvaluationTotals totals)
      throws Exception {
    IterationRows rows = new IterationRows();
    PredictionFrame baselineFrame = baseline == null ? null
        : PredictionFrame.of(predictions, baseline, split);
    for (String outcome : frame.outcomes()) {
      PredictionFrame.Counts counts = frame.counts(outcome);
      if (counts.rowsOut() == 0) {
        ctx.progress("%s / %s: all %,d rows set aside (%,d without a score, %,d without a 0/1"
            + " label)", id, outcome, counts.rowsIn(), counts.nullScore(), counts.badLabel());
        continue;
      }
      EvaluationUnit unit = new EvaluationUnit(ctx.run().id(), id, outcome, split, snapshot, es,
          level);
      IterationEvaluation.Outcome own = IterationEvaluation.evaluate(spark, frame.rows(outcome),
          frame.subgroupColumns(), unit);
      rows.results().addAll(own.results());
      rows.curves().addAll(own.curves());
      rows.gaps().addAll(own.gaps());
      ctx.progress("%s: n %,d rows of %,d patients, %,d events; AUROC %s; calibration slope %s;"
          + " %,d set aside", unit.describe(), own.n(), own.patients(), own.events(),
          describe(own.overall("auroc", Interval.OBUCHOWSKI)),
          describe(own.overall("calibration_slope", Interval.BCA)), counts.setAside());
      String comparatorId = baseline;
      String comparatorKind = baseline == null ? null : "baseline";
      if (gate && comparatorId == null) {
        Row champion = ModelRegistry.current(spark, ctx, outcome, "champion");
        if (champion != null && !id.equals(champion.getString(0))) {
          comparatorId = champion.getString(0);
          comparatorKind = "champion";
        }
      }
      PairedComparison.Outcome comparison = null;
      if (comparatorId != null) {
        PredictionFrame other = comparatorId.equals(baseline) ? baselineFrame
            : PredictionFrame.of(predictions, comparatorId, split);
        if (!other.outcomes().contains(outcome)) {
          ctx.progress("%s: %s has no '%s' predictions for outcome %s: no comparison",
              unit.describe(), comparatorId, split, outcome);
        } else {
          comparison = PairedComparison.compare(spark, frame.rows(outcome), other.rows(outcome),
              comparatorId, unit);
          rows.comparisons().addAll(comparison.rows());
          ctx.progress("%s vs %s: AUROC difference %s on %,d paired rows", unit.describe(),
              comparatorId, describe(comparison.difference("auroc", Interval.OBUCHOWSKI)),
              comparison.n());
        }
      }
      if (gate) {
        String why = comparatorId == null ? "no --baseline and no champion for outcome "
            + outcome + " yet" : "the comparator has no predictions for this outcome and split";
        PromotionGate.Decision d = PromotionGate.decide(es, own, comparison, why, level.level());
        rows.decisions().add(decisionRow(unit, comparatorId,
            comparison == null ? null : comparatorKind, d));
        if (d.promoted()) {
          totals.promoted++;
          rows.promotions().add(new String[] {outcome, id});
          ctx.progress("%s: gate PASSED: %s", unit.describe(), String.join("; ", d.reasons()));
        } else {
          totals.rejected++;
          rows.rejections().add(id + " for " + outcome + " (" + String.join("; ", d.failures())
              + ")");
          ctx.progress("%s: gate REJECTED: %s", unit.describe(), String.join("; ", d.reasons()));
        }
      }
      totals.outcomes++;
      totals.n += own.n();
      totals.nPositive += own.events();
    }
    return rows;
  }

  private Row decisionRow(EvaluationUnit unit, String comparatorId, String comparatorKind,
      PromotionGate.Decision d) {
    List<Row> criteria = d.judgements().stream().map(PromotionGate.Judgement::row).toList();
    return RowFactory.create(unit.runId(), unit.iterationId(), unit.outcome(), unit.split(), alias,
        comparatorId, comparatorKind, d.promoted() ? "promoted" : "rejected",
        scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(criteria)).toSeq(),
        ResultRows.scalaSeq(d.reasons()), unit.spec().name(), unit.spec().version(),
        unit.spec().sha256(), unit.level().level(), Timestamp.from(Instant.now()));
  }

  private static String describe(Interval iv) {
    if (iv == null || Double.isNaN(iv.value())) {
      return "undefined";
    }
    return String.format(Locale.ROOT, "%.4f [%.4f, %.4f] (%s)", iv.value(), iv.low(), iv.high(),
        iv.method());
  }
}
