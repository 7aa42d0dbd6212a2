package io.carelake.datasets;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.carelake.core.time.Interval;
import io.carelake.privacy.PhiScrubber;
import io.carelake.spark.BlockedException;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The last check before anything is written: every final document runs through the release
 * gate's full scrubber ({@link PhiScrubber#leaks}: ids of 15 and 18 characters, SSNs, phones,
 * e-mails, bank cards, record numbers, URLs, messenger ids, plates, names, addresses, ages …),
 * and its text must hold no real date (the visit's real date, or a date written in the real,
 * unshifted note). Any hit blocks the run (exit 3) and nothing is written; the message names the
 * documents by doc_id (a keyed event key), never the text.
 */
final class PhiScan {

  static final String PHI_DOCUMENTS = "phi_documents";
  static final String REAL_DATE_DOCUMENTS = "real_date_documents";
  static final String DETECTORS = "PhiScrubber.leaks: every detector of deidentify's release gate"
      + " (resident ids, SSNs, phones, e-mails, bank cards, record and travel-document numbers,"
      + " URLs, messenger ids, vehicle plates, Chinese and Latin names, CN and US addresses,"
      + " ages), plus real dates of the visit";

  static final UDF1<String, Integer> LEAKS = text -> text == null || text.isEmpty() ? 0
      : PhiScrubber.leaks(text, null, null, null, null);

  private PhiScan() {}

  static Column phi() {
    return functions.udf(LEAKS, DataTypes.IntegerType).apply(col(VisitNotes.TEXT)).gt(0);
  }

  static Column realDate() {
    return ReleasedVisits.realDatesIn(VisitNotes.TEXT).gt(0);
  }

  /**
   * One pass over the final documents: count, patients, min/mean/max characters, documents with
   * PHI, documents with a real date.
   */
  static Row scan(Dataset<Row> kept) {
    return kept.agg(count(lit(1)), countDistinct(col("patient_pseudonym")),
        min(length(col(VisitNotes.TEXT))), avg(length(col(VisitNotes.TEXT))),
        max(length(col(VisitNotes.TEXT))), sum(when(phi(), 1).otherwise(0)),
        sum(when(realDate(), 1).otherwise(0))).first();
  }

  /** Blocks the run when the scan found anything. */
  static void requireClean(Dataset<Row> kept, Row scan, Interval interval) {
    long phi = scan.isNullAt(5) ? 0 : scan.getLong(5);
    long dates = scan.isNullAt(6) ? 0 : scan.getLong(6);
    if (phi == 0 && dates == 0) {
      return;
    }
    List<String> examples = CorpusJob.firstIds(kept.where(phi().or(realDate())), 5);
    throw new BlockedException(phi + " document(s) of the " + interval + " corpus hold an"
        + " identifying mention the release gate's scrubber finds, and " + dates + " a real"
        + " (unshifted) date (doc_id e.g. " + String.join(", ", examples) + "); nothing was"
        + " written. Fix the scrubbing or date shifting in `deidentify`, rerun it for the"
        + " interval, then rerun `corpus`.");
  }
}
