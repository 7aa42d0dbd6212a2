package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Document-level quality filters. Each document gets at most one {@code drop_reason}: the first
 * rule it fails, in the order of {@link #RULES}; a document without one is kept. Every rule is
 * a column expression (no UDF), so the filters run in the same scan as the read.
 *
 * <p>Thresholds are for primary-care notes: a chief complaint alone ("头晕 2 天", 6 characters)
 * is kept once it has {@value #MIN_CHARS} characters; the upper bound keeps a pasted lab report or
 * an attachment out; the letter ratio catches tables of numbers and symbol runs; the placeholder
 * share catches notes that were mostly identifiers before scrubbing (what is left says little
 * and is mostly the scrubber's tokens); boilerplate is a note that is only a known template
 * sentence with no finding of its own.
 */
final class QualityFilters {

  static final String DROP_REASON = "drop_reason";
  static final String DETAIL = "drop_detail";

  static final int MIN_CHARS = 8;
  static final int MAX_CHARS = 20_000;
  /** Letters (any script) over non-space characters, at least. */
  static final double MIN_LETTER_RATIO = 0.35;
  /** Letters that are neither Han nor Latin (another script), as a share of letters, at most. */
  static final double MAX_OTHER_SCRIPT = 0.2;
  /** Characters inside scrubber placeholders ([NAME], [PHONE] …) over all characters, at most. */
  static final double MAX_PLACEHOLDER_SHARE = 0.3;

  /** A scrubber placeholder: [NAME], [ID], [PHONE], [MRN] … */
  static final String PLACEHOLDER = "\\[[A-Z]{2,10}\\]";

  static final String EMPTY_TEXT = "empty_text";
  static final String UNSHIFTED = "zero_date_shift";
  static final String TOO_SHORT = "too_short";
  static final String TOO_LONG = "too_long";
  static final String LOW_LETTER_RATIO = "low_letter_ratio";
  static final String OTHER_LANGUAGE = "other_language";
  static final String PLACEHOLDER_HEAVY = "placeholder_heavy";
  static final String BOILERPLATE = "boilerplate";

  /**
   * Template sentences with no finding of their own (lower case, whitespace removed): a note that
   * is nothing but these says nothing about the patient.
   */
  static final String BOILERPLATE_PATTERN =
      "^(?:(?:患者)?(?:无特殊|同前|详见病历|见既往病历|未诉不适|(?:请)?按时复诊|继续观察|"
          + "nocomplaints?|seeprevious(?:note|record)s?|asbefore|followupasscheduled|"
          + "nochange|n/?a|none|nil)[。.,，;；!！]*)+$";

  /** Rule name → what it removes; the data card prints this. */
  static final Map<String, String> RULES = rules();

  private static Map<String, String> rules() {
    Map<String, String> r = new LinkedHashMap<>();
    r.put(EMPTY_TEXT, "the scrubbed chief complaint and note are both null or blank");
    r.put(UNSHIFTED, "the patient's date-shift offset is 0 days: the released dates are the real"
        + " ones, so the visit is not released into the corpus");
    r.put(TOO_SHORT, "fewer than " + MIN_CHARS + " characters");
    r.put(TOO_LONG, "more than " + MAX_CHARS + " characters");
    r.put(LOW_LETTER_RATIO, "letters are under " + MIN_LETTER_RATIO
        + " of the non-space characters (tables of numbers, symbol runs)");
    r.put(OTHER_LANGUAGE, "more than " + MAX_OTHER_SCRIPT + " of the letters are neither Han nor"
        + " Latin (the corpus is Chinese and English)");
    r.put(PLACEHOLDER_HEAVY, "scrubber placeholders ([NAME], [ID] …) are more than "
        + MAX_PLACEHOLDER_SHARE + " of the characters");
    r.put(BOILERPLATE, "the text is only template sentences with no finding (" + BOILERPLATE_PATTERN
        + ")");
    return r;
  }

  private QualityFilters() {}

  /** Adds {@code drop_reason} (null when kept) and {@code language} (zh | en) to documents. */
  static Dataset<Row> apply(Dataset<Row> docs) {
    Column text = col(VisitNotes.TEXT);
    Column nonSpace = length(regexp_replace(text, "\\s", ""));
    Column han = length(regexp_replace(text, "[^\\p{IsHan}]", ""));
    Column latin = length(regexp_replace(text, "[^\\p{IsLatin}]", ""));
    Column letters = length(regexp_replace(text, "[^\\p{L}]", ""));
    Column placeholders = length(text).minus(length(regexp_replace(text, PLACEHOLDER, "")));
    Column compact = regexp_replace(lower(text), "\\s", "");
    Column reason = when(length(text).equalTo(0), lit(EMPTY_TEXT))
        .when(col(ReleasedVisits.SHIFT_DAYS).equalTo(0), lit(UNSHIFTED))
        .when(length(text).lt(MIN_CHARS), lit(TOO_SHORT))
        .when(length(text).gt(MAX_CHARS), lit(TOO_LONG))
        .when(letters.lt(nonSpace.multiply(MIN_LETTER_RATIO)), lit(LOW_LETTER_RATIO))
        .when(letters.minus(han).minus(latin).gt(letters.multiply(MAX_OTHER_SCRIPT)),
            lit(OTHER_LANGUAGE))
        .when(placeholders.gt(length(text).multiply(MAX_PLACEHOLDER_SHARE)), lit(PLACEHOLDER_HEAVY))
        .when(compact.rlike(BOILERPLATE_PATTERN), lit(BOILERPLATE));
    return docs.withColumn(DROP_REASON, reason)
        .withColumn(DETAIL, lit(null).cast("string"))
        .withColumn("language", when(han.geq(latin.divide(4)).and(han.gt(0)), lit("zh"))
            .otherwise(lit("en")));
  }
}
