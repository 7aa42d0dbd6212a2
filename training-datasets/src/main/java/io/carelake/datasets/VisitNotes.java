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
 * Visit-notes corpus documents, as DataFrame transformations over the date-shifted release.
 *
 * <p>The text is the chief complaint and the note, both scrubbed and date-shifted by
 * {@code deidentify} upstream, joined by a newline. Nothing here rewrites the text beyond trimming
 * it, and no field is added that the release does not already hold.
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
          "when the visit happened, shifted by the patient's date-shift offset (never the real"
              + " time), UTC, ISO-8601 (yyyy-MM-dd'T'HH:mm:ssXXX)"),
      new Field("visit_type", "string",
          "outpatient | follow_up | chronic_review | emergency | home_visit | inpatient"),
      new Field("diagnoses", "array<string>", "ICD-10 codes of the visit (null when none recorded)"),
      new Field("language", "string", "zh or en: zh when Han characters are at least a quarter"
          + " of the Latin letters"),
      new Field(TEXT, "string",
          "scrubbed, date-shifted chief complaint and note, trimmed, joined by a newline"));

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

  /** A visit with no chief complaint and no note carries no text: set aside as {@code empty_text}. */
  static Column hasText() {
    return length(col(TEXT)).gt(0);
  }

  /** safe.visits rows with their document text; callers split on {@link #hasText()}. */
  static Dataset<Row> withText(Dataset<Row> safeVisits) {
    return safeVisits.withColumn(TEXT, text());
  }

  /** The corpus table rows: the documented fields plus the run id. */
  static Dataset<Row> tableRows(Dataset<Row> kept, String runId) {
    Column[] columns = java.util.stream.Stream.concat(java.util.Arrays.stream(documentColumns()),
        java.util.stream.Stream.of(lit(runId).as(RUN_ID))).toArray(Column[]::new);
    return kept.select(columns);
  }
}
