package io.carelake.datasets;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Visit-notes corpus documents, as DataFrame transformations over {@code safe.visits}.
 *
 * <p>The text is the chief complaint and the note, both scrubbed by {@code deidentify} upstream, joined
 * by a newline. Nothing here looks at the text beyond trimming it: this job never tries to undo or
 * second-guess the scrubbing, and it adds no field that safe.visits does not already release.
 */
final class VisitNotes {

  static final String TEXT = "text";

  /** One exported document: name, Spark SQL type, meaning. The data card prints this list. */
  record Field(String name, String type, String description) {}

  /** The fields of every JSONL line, in order. Nothing else is exported. */
  static final List<Field> DOCUMENT_FIELDS = List.of(
      new Field("doc_id", "string", "safe.visits.event_key: keyed HMAC of the source event id"),
      new Field("patient_pseudonym", "string",
          "safe.visits.patient_pseudonym: keyed HMAC-SHA-256 of the resident id, hex"),
      new Field("event_time", "timestamp",
          "when the visit happened, UTC, ISO-8601 (yyyy-MM-dd'T'HH:mm:ssXXX)"),
      new Field("visit_type", "string",
          "outpatient | follow_up | chronic_review | emergency | home_visit | inpatient"),
      new Field("diagnoses", "array<string>", "ICD-10 codes of the visit (null when none recorded)"),
      new Field(TEXT, "string",
          "scrubbed chief complaint and scrubbed note, trimmed, joined by a newline; never empty"));

  /** The table adds the run that wrote each row; the JSONL export leaves it to the data card. */
  static final String RUN_ID = "corpus_run_id";

  private VisitNotes() {}

  static Column[] documentColumns() {
    return DOCUMENT_FIELDS.stream().map(f -> col(f.name())).toArray(Column[]::new);
  }

  /** The chief complaint and the note, trimmed, blank parts skipped, joined by a newline ("" if none). */
  static Column text() {
    Column parts = array(trim(col("chief_complaint")), trim(col("note")));
    return coalesce(array_join(filter(parts, p -> length(p).gt(0)), "\n"), lit(""));
  }

  /**
   * Java regex (Spark {@code rlike}) of PHI that must never be in a document: an 18-character
   * resident id (GB 11643: 17 digits and a digit or X) or a mainland-China mobile number (11 digits
   * starting 13-19, optionally after +86/86, optionally grouped 3-4-4 by a space or hyphen), neither
   * inside a longer run of digits.
   */
  static final String PHI_PATTERN =
      "(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])|(?<![0-9])(?:\\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])";

  /** The documents' text contains a resident-id or mobile-number pattern: the privacy guard. */
  static Column hasPhiPattern() {
    return col(TEXT).rlike(PHI_PATTERN);
  }

  /** A visit with no chief complaint and no note carries no text: set aside as {@code empty_text}. */
  static Column hasText() {
    return length(col(TEXT)).gt(0);
  }

  /** safe.visits rows with their document text; callers split on {@link #hasText()}. */
  static Dataset<Row> withText(Dataset<Row> safeVisits) {
    return safeVisits.withColumn(TEXT, text());
  }

  /** The corpus table rows: the documented fields plus the run id. */
  static Dataset<Row> documents(Dataset<Row> visitsWithText, String runId) {
    return visitsWithText.where(hasText()).select(
        col("event_key").as("doc_id"), col("patient_pseudonym"), col("event_time"),
        col("visit_type"), col("diagnoses"), col(TEXT), lit(runId).as(RUN_ID));
  }
}
