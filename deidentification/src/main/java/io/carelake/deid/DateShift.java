package io.carelake.deid;

import io.carelake.privacy.KeyedHashes;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.TableName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-patient date shifting (config {@value #CONFIG_KEY}, whole days, default 0 = off).
 *
 * <p>Each patient gets one offset in [-N, +N] days, derived from the pseudonymisation key:
 * {@code offset = floorMod(first 8 bytes of HMAC-SHA-256(key, "date-shift:" + resident id as
 * normalised for pseudonyms), 2N + 1) - N}. The same key and resident id give the same offset in
 * every row of every table and in every run; another key gives unrelated offsets; nobody without
 * the key can undo it. All of a patient's instants move by exactly {@code offset × 86,400 s}
 * (event_time, ingest_time, record_time), so every interval within a patient is preserved exactly; the birth
 * date moves by the same offset before birth_year and age_at_visit are derived from it; dates
 * written in chief_complaint and note ({@code yyyy-mm-dd}, {@code yyyy/mm/dd}, {@code yyyy年m月d日})
 * move by the same offset and keep their format.
 *
 * <p>Why off by default, and why a shifted release goes to its own tables
 * ({@link #SHIFTED_VISITS}, {@link #SHIFTED_VITALS}) rather than into safe.*: the downstream
 * contract of safe.* uses event_time for point-in-time correctness against ingest_time, for
 * monthly index dates and horizons, and replaces its slices by the interval of event_time. A
 * shifted row leaves its interval (up to N days either side), so an interval replace could
 * neither find it again nor keep other intervals intact, and features' calendar windows would mix
 * real and shifted time. The shifted release is therefore written beside safe.*, keyed by
 * event_key (a rerun replaces the rows of the same events; it never duplicates them), for
 * releases that leave the trust boundary.
 */
public final class DateShift {

  public static final String CONFIG_KEY = "deid.date-shift-days";
  /**
   * Smallest N with which event dates can be quasi-identifiers generalised to the shift window:
   * a shift of up to ±15 days leaves a released date saying no more than its month.
   */
  public static final int MIN_DAYS_FOR_WINDOW = 15;

  /** Upper bound of N: ten years is more than any release needs. */
  public static final int MAX_DAYS = 3650;

  public static final TableName SHIFTED_VISITS = TableName.of("safe", "visits_date_shifted");
  public static final TableName SHIFTED_VITALS = TableName.of("safe", "vitals_date_shifted");

  static final String DOMAIN = KeyedHashes.DATE_SHIFT_DOMAIN;
  static final long MICROS_PER_DAY = 86_400_000_000L;
  static final String OFFSET_COLUMN = "_shift_days";


  private DateShift() {}

  /** N from the configuration: 0 (off) when unset; a clear error when not a whole number. */
  public static int maxDays(CarelakeConfig config) {
    return maxDays(config, 0);
  }

  /** N from the configuration when set there (an operator override), else the policy's. */
  public static int maxDays(CarelakeConfig config, int policyDays) {
    String value = config.get(CONFIG_KEY, Integer.toString(policyDays)).strip();
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException("Configuration key '" + CONFIG_KEY + "' in " + config.file()
          + " must be a whole number of days (0 = no date shifting), got '" + value + "'");
    }
    if (n < 0 || n > MAX_DAYS) {
      throw new ConfigException("Configuration key '" + CONFIG_KEY + "' in " + config.file()
          + " must be between 0 (off) and " + MAX_DAYS + " days, got " + n);
    }
    return n;
  }

  /** The patient's offset in days, in [-maxDays, +maxDays]; null without a resident id. */
  static Integer offsetDays(Mac mac, String residentId, int maxDays) {
    return KeyedHashes.dateShiftDays(mac, residentId, maxDays);
  }

  /**
   * Moves every date written in {@code text} by {@code days}, keeping its format; the same code
   * the scrubber uses for dates in text ({@link io.carelake.privacy.TextDates#shift}).
   */
  public static String shiftText(String text, Integer days) {
    return io.carelake.privacy.TextDates.shift(text, days);
  }

  /** An instant column moved by the offset column's whole days. */
  static Column shiftInstant(String column) {
    return expr("timestamp_micros(unix_micros(`" + column + "`) + CAST(`" + OFFSET_COLUMN
        + "` AS BIGINT) * " + MICROS_PER_DAY + ")");
  }

  /**
   * Staged visits (with {@code _phi_resident_id}, {@code _phi_birth_date}) → the same columns
   * with times, birth year, age and dates in the text shifted per patient. A birth year already
   * generalised or withheld by the k-anonymity step ({@code _k_level} > 0, or top-coded) stays as
   * it is.
   */
  static Dataset<Row> shiftVisits(Dataset<Row> staged, Pseudonyms pseudonyms, int maxDays) {
    return shiftVisits(staged, pseudonyms, maxDays, DeidPolicy.builtIn());
  }

  /** An instant column shifted when the policy says shift_dates for it, else as it is. */
  private static Column instant(DeidPolicy policy, String table, String column) {
    return policy.action(table, column) == DeidPolicy.Action.SHIFT_DATES ? shiftInstant(column)
        : col(column);
  }

  static Dataset<Row> shiftVisits(Dataset<Row> staged, Pseudonyms pseudonyms, int maxDays,
      DeidPolicy policy) {
    UserDefinedFunction text = functions.udf(
        (UDF2<String, Integer, String>) DateShift::shiftText, DataTypes.StringType);
    Dataset<Row> withOffset = staged.withColumn(OFFSET_COLUMN,
        pseudonyms.dateShift(maxDays).apply(col("_phi_resident_id")));
    Column birth = date_add(col("_phi_birth_date"), col(OFFSET_COLUMN));
    Column exact = col(KAnonymity.LEVEL_COLUMN).equalTo(0).and(col("birth_year").isNotNull());
    Column age = SafeRows.ageAtVisit(col("event_time"), birth);
    return withOffset
        .withColumn("event_time", instant(policy, DeidPolicy.VISITS, "event_time"))
        .withColumn("ingest_time", instant(policy, DeidPolicy.VISITS, "ingest_time"))
        .withColumn("record_time", instant(policy, DeidPolicy.VISITS, "record_time"))
        .withColumn("birth_year", when(exact, year(birth)).otherwise(col("birth_year"))
            .cast("int"))
        .withColumn("age_at_visit", when(exact,
            least(age, lit(policy.rule(DeidPolicy.VISITS, "birth_date").topCode())))
            .otherwise(col("age_at_visit")).cast("int"))
        .withColumn("chief_complaint", text.apply(col("chief_complaint"), col(OFFSET_COLUMN)))
        .withColumn("note", text.apply(col("note"), col(OFFSET_COLUMN)));
  }

  static Dataset<Row> shiftVitals(Dataset<Row> staged, Pseudonyms pseudonyms, int maxDays) {
    return shiftVitals(staged, pseudonyms, maxDays, DeidPolicy.builtIn());
  }

  static Dataset<Row> shiftVitals(Dataset<Row> staged, Pseudonyms pseudonyms, int maxDays,
      DeidPolicy policy) {
    return staged.withColumn(OFFSET_COLUMN,
            pseudonyms.dateShift(maxDays).apply(col("_phi_resident_id")))
        .withColumn("event_time", instant(policy, DeidPolicy.VITALS, "event_time"))
        .withColumn("ingest_time", instant(policy, DeidPolicy.VITALS, "ingest_time"))
        .withColumn("record_time", instant(policy, DeidPolicy.VITALS, "record_time"));
  }
}
