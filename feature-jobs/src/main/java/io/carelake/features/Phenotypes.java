package io.carelake.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.carelake.features.cohort.CodeSet;
import io.carelake.features.cohort.CohortDefinition;
import io.carelake.features.cohort.CohortDefinition.Criterion;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Outcome phenotypes as events: every instant at which a patient meets an outcome's phenotype
 * ({@code patient_pseudonym, outcome, event_time}). A coded visit or a prescription meets it when
 * it happens; a measurement criterion from the Nth distinct (UTC) day with an abnormal result on.
 *
 * <p>Judged in hindsight, on {@code event_time} alone: a diagnosis made before the index but
 * recorded after it still makes the patient prevalent, and an outcome counts when it happened, not
 * when it was written down.
 */
final class Phenotypes {

  static final String OUTCOME = "outcome";

  private Phenotypes() {}

  static Dataset<Row> events(CohortDefinition definition, Dataset<Row> visits,
      Dataset<Row> vitals) {
    Dataset<Row> all = null;
    for (CohortDefinition.Outcome o : definition.outcomes()) {
      for (Criterion c : o.anyOf()) {
        Dataset<Row> e = events(c, visits, vitals).withColumn(OUTCOME, lit(o.id()))
            .select(Facts.PATIENT, OUTCOME, "event_time");
        all = all == null ? e : all.unionByName(e);
      }
    }
    return all;
  }

  /** Instants at which one criterion is met. */
  static Dataset<Row> events(Criterion criterion, Dataset<Row> visits, Dataset<Row> vitals) {
    if (criterion instanceof CohortDefinition.Diagnosis d) {
      return visits.where(diagnosed(d.codes())).select(Facts.PATIENT, "event_time");
    }
    if (criterion instanceof CohortDefinition.Prescription p) {
      return visits.where(prescribed(p.atcClasses())).select(Facts.PATIENT, "event_time");
    }
    return measuredOnDays((CohortDefinition.MeasuredTwice) criterion, vitals);
  }

  /** A visit coded with a code of the set (normalised diagnoses, see {@link Facts}). */
  static Column diagnosed(CodeSet codes) {
    return expr("exists(diagnoses, d -> " + codes.sqlPredicate("d") + ")");
  }

  /** A visit prescribing a drug in one of the ATC classes (prefixes of its ATC codes). */
  static Column prescribed(List<String> atcClasses) {
    String any = atcClasses.stream().map(c -> "startswith(a, '" + c + "')")
        .collect(Collectors.joining(" OR "));
    return expr("exists(atc, a -> " + any + ")");
  }

  /** Abnormal results from the Nth distinct day with one on. */
  private static Dataset<Row> measuredOnDays(CohortDefinition.MeasuredTwice m,
      Dataset<Row> vitals) {
    Column abnormal = lit(false);
    for (CohortDefinition.Threshold t : m.anyOf()) {
      Column c = Facts.canonical(t.loinc());
      if (t.min() != null) {
        c = c.and(col("value").geq(t.min()));
      }
      if (t.max() != null) {
        c = c.and(col("value").leq(t.max()));
      }
      if (t.source() != null) {
        c = c.and(col("source").equalTo(t.source()));
      }
      abnormal = abnormal.or(c);
    }
    // partitioned by patient: a patient's results meet in one task, never one global partition
    return vitals.where(abnormal)
        .withColumn("_day", to_date(col("event_time")))
        .withColumn("_day_rank", dense_rank().over(Window.partitionBy(Facts.PATIENT)
            .orderBy(col("_day"))))
        .where(col("_day_rank").geq(m.distinctDays()))
        .select(Facts.PATIENT, "event_time");
  }
}
