package io.carelake.deid;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.carelake.privacy.PhiScrubber;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The release check: every text column of every released table, read as released, must hold no
 * identifying mention. Each value is normalised as the scrubber normalises (invisible characters
 * dropped, full-width folded, line breaks as spaces) and every detector runs on it — ids of 15 and
 * 18 characters, SSNs, phones, e-mails, cards, record numbers, names, addresses … — together with
 * the row's own name, resident id, phone and address whatever separators were typed between
 * their characters ({@link PhiScrubber#leaks}). On top, any resident id of any patient in
 * curated.* (not only the interval's) written as a token of a note blocks the release.
 */
final class ReleaseGate {

  private ReleaseGate() {}

  /** Identifying mentions in one text with the row's own identifiers (null for none). */
  static final UDF5<String, String, String, String, String, Integer> LEAKS =
      (text, name, id, phone, address) -> text == null || text.isEmpty() ? 0
          : PhiScrubber.leaks(text, name, id, phone, address);

  static UserDefinedFunction udf() {
    return functions.udf(LEAKS, DataTypes.IntegerType);
  }

  /** The text columns of a released visits table, as released (facility_id: see below). */
  static List<Column> visitText() {
    return List.of(col("chief_complaint"), col("note"), col("visit_type"),
        col("sex"), functions.concat_ws(" ", col("diagnoses")),
        functions.to_json(col("prescriptions")));
  }

  /** The text columns of a released vitals table, as released (facility_id: see below). */
  static List<Column> vitalText() {
    return List.of(col("code"), col("unit"), col("source"));
  }

  /**
   * A facility id is an organisation's code, released by policy, and often opaque (a source's
   * UUID, which the record-number detector would take for an MRN): it is checked for the row's
   * own identifiers in any typed form, not with the free-text detectors.
   */
  static final String FACILITY = "facility_id";

  /**
   * 1 when any of {@code texts} holds an identifying mention, with the row's own identifiers
   * from {@code own} (name, resident id, phone, address; null columns when the rows have none).
   */
  static Column leaks(List<Column> texts, Column[] own) {
    UserDefinedFunction leaks = udf();
    Column any = lit(false);
    for (Column t : texts) {
      any = any.or(functions.coalesce(leaks.apply(t, own[0], own[1], own[2], own[3]).gt(0),
          lit(false)));
    }
    UserDefinedFunction mentions = functions.udf(MENTIONS, DataTypes.IntegerType);
    for (Column value : own) {
      any = any.or(functions.coalesce(mentions.apply(col(FACILITY), value).gt(0), lit(false)));
    }
    return when(any, 1).otherwise(0);
  }

  /** Occurrences of one value in a text, whatever separators were typed inside it. */
  static final org.apache.spark.sql.api.java.UDF2<String, String, Integer> MENTIONS =
      PhiScrubber::mentions;

  /**
   * 1 when a staged visit's free text holds a value of another direct identifier column it
   * carries (the policy's direct identifiers beyond name, id, phone, address: e.g. patient_ssn).
   */
  static Column otherIdentifierLeaks() {
    UserDefinedFunction mentions = functions.udf(MENTIONS, DataTypes.IntegerType);
    Column any = lit(false);
    for (String text : SafeRows.TEXT_COLUMNS) {
      any = any.or(functions.coalesce(functions.exists(col("_phi_other_ids"),
          id -> id.isNotNull().and(length(id).geq(6)).and(mentions.apply(col(text), id).gt(0))),
          lit(false)));
    }
    return when(any, 1).otherwise(0);
  }

  static Column[] noOwn() {
    Column none = lit(null).cast("string");
    return new Column[] {none, none, none, none};
  }

  static Column[] ownOfStaged() {
    return new Column[] {col("_phi_name"), col("_phi_resident_id"), col("_phi_phone"),
        col("_phi_address")};
  }

  /** Resident ids (normalised) shorter than this are not looked for as tokens of the text. */
  static final int TOKEN_MIN_ID = 6;

  /**
   * How many released visits mention, as a whole token of chief_complaint or note, a resident id
   * of any patient in {@code ids} (one column {@code id}, normalised: no whitespace, upper case).
   */
  static long residentIdMentions(Dataset<Row> releasedVisits, Dataset<Row> ids) {
    Dataset<Row> known = ids.where(length(col("id")).geq(TOKEN_MIN_ID)).distinct();
    Column text = functions.translate(functions.upper(functions.concat_ws(" ",
        col("chief_complaint"), col("note"))), "０１２３４５６７８９ＸＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺ",
        "0123456789XABCDEFGHIJKLMNOPQRSTUVWYZ");
    Dataset<Row> tokens = releasedVisits
        .select(col("event_key"), functions.explode(functions.split(text, "[^0-9A-Z]+"))
            .as("token"))
        .where(length(col("token")).geq(TOKEN_MIN_ID));
    return tokens.join(known, tokens.col("token").equalTo(known.col("id")), "left_semi")
        .select("event_key").distinct().count();
  }

  /** Every resident id in curated.visits and curated.vitals (all intervals), normalised. */
  static Dataset<Row> allResidentIds(Dataset<Row> curatedVisits, Dataset<Row> curatedVitals) {
    Column norm = functions.upper(functions.regexp_replace(col("resident_id"),
        "[\\s\\u3000\\-]", ""));
    List<Dataset<Row>> parts = new ArrayList<>();
    parts.add(curatedVisits.select(norm.as("id")));
    parts.add(curatedVitals.select(norm.as("id")));
    return parts.get(0).union(parts.get(1));
  }
}
