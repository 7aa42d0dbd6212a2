package io.carelake.deid;

import io.carelake.privacy.PhiScrubber;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * curated → safe, as DataFrame transformations. {@link #stageVisits} / {@link #stageVitals} keep
 * the curated identifiers beside the safe columns (in {@code _phi_*} columns) so that the privacy
 * check can compare each row with its own identifiers without a join; {@link #visitsOut} /
 * {@link #vitalsOut} project exactly the safe columns, in contract order.
 */
public final class SafeRows {

  public static final int AGE_TOP_CODE = 90;
  /**
   * Width of the birth-year band a released birth_year starts (1 = the exact year), so that a
   * reader can tell an age computed from it is approximate; {@link KAnonymity} widens it.
   */
  public static final String BIRTH_YEAR_BAND = "birth_year_band_years";

  /** safe.visits columns, in order. */
  public static final List<String> VISIT_COLUMNS = List.of("event_key", "patient_pseudonym",
      "key_id", "event_time", "ingest_time", "sex", "birth_year", "age_at_visit", "facility_id",
      "visit_type", "diagnoses", "chief_complaint", "note", "prescriptions", "record_time",
      BIRTH_YEAR_BAND);

  /** safe.vitals columns, in order. */
  public static final List<String> VITAL_COLUMNS = List.of("event_key", "patient_pseudonym",
      "key_id", "event_time", "ingest_time", "facility_id", "code", "value", "unit", "source",
      "record_time");

  /** The free-text columns of safe.visits that the scrubber cleans and the privacy scan reads. */
  public static final List<String> TEXT_COLUMNS = List.of("chief_complaint", "note");

  /** curated columns that must exist (the raw columns the job reads). */
  static final List<String> CURATED_VISIT_INPUTS = List.of("event_id", "event_time", "ingest_time",
      "resident_id", "patient_name", "sex", "birth_date", "phone", "address", "facility_id",
      "visit_type", "diagnoses", "chief_complaint", "note", "prescriptions");
  static final List<String> CURATED_VITAL_INPUTS = List.of("event_id", "event_time", "ingest_time",
      "resident_id", "facility_id", "code", "value", "unit", "source");


  private SafeRows() {}

  /** A text scrubber: (text, name, resident id, phone, address) → scrubbed text. */
  public interface Scrubber extends UDF5<String, String, String, String, String, String> {}

  /** The production scrubber, {@link PhiScrubber#scrub}. */
  public static final Scrubber PHI_SCRUBBER = PhiScrubber::scrub;

  /** Age in whole years on the (UTC) day of the visit; null if unknown or negative. */
  static Column ageAtVisit(Column eventTime, Column birthDate) {
    Column d = to_date(eventTime);
    Column beforeBirthday = month(d).multiply(100).plus(dayofmonth(d))
        .lt(month(birthDate).multiply(100).plus(dayofmonth(birthDate)));
    Column age = year(d).minus(year(birthDate)).minus(when(beforeBirthday, 1).otherwise(0));
    return when(age.geq(0), age);
  }

  /** Visits with safe columns plus {@code _phi_*} columns for the privacy check. */
  static Dataset<Row> stageVisits(Dataset<Row> curated, Pseudonyms pseudonyms, Scrubber scrubber) {
    return stageVisits(curated, pseudonyms, scrubber, DeidPolicy.builtIn());
  }

  /**
   * The source's record time, or null when the curated table predates the column (the policy
   * marks it optional).
   */
  private static Column recordTime(Dataset<Row> curated) {
    return List.of(curated.columns()).contains("record_time") ? col("record_time")
        : lit(null).cast("timestamp");
  }

  /** A column kept, or null of the same type when the policy suppresses it. */
  private static Column keepOrSuppress(DeidPolicy policy, String table, String column) {
    return policy.action(table, column) == DeidPolicy.Action.SUPPRESS
        ? when(lit(false), col(column)) : col(column);
  }

  /** event_key: the keyed HMAC of the event id, or the event id in clear when the policy keeps it. */
  private static Column eventKey(DeidPolicy policy, String table, Pseudonyms pseudonyms) {
    return policy.action(table, "event_id") == DeidPolicy.Action.KEEP ? col("event_id")
        : pseudonyms.eventKey().apply(col("event_id"));
  }

  /**
   * birth_year and age_at_visit from a birth date, as the policy's rule for birth_date says:
   * {@code birth_year} method — the year, and the age in whole years top-coded at
   * {@code top_code} (birth year withheld from that age on); {@code age_band} — no year, the age
   * band's lower bound ({@code band_years} wide), top-coded; {@code suppress} — both null.
   */
  static Column[] birthColumns(DeidPolicy.Rule birth, Column eventTime, Column birthDate) {
    Column age = ageAtVisit(eventTime, birthDate);
    Column nullInt = lit(null).cast("int");
    if (birth.action() == DeidPolicy.Action.SUPPRESS) {
      return new Column[] {nullInt, nullInt};
    }
    if ("age_band".equals(birth.method())) {
      int band = birth.bandYears();
      return new Column[] {nullInt, when(age.geq(birth.topCode()), lit(birth.topCode()))
          .otherwise(functions.floor(age.divide(band)).multiply(band)).cast("int")};
    }
    return new Column[] {when(age.lt(birth.topCode()), year(birthDate)).cast("int"),
        // least() skips nulls: an unknown age (event before birth) must stay null, not become 90
        when(age.isNotNull(), least(age, lit(birth.topCode()))).cast("int")};
  }

  /**
   * Visits with the safe columns as the policy derives them, plus {@code _phi_*} columns for the
   * privacy check (never written).
   */
  static Dataset<Row> stageVisits(Dataset<Row> curated, Pseudonyms pseudonyms, Scrubber scrubber,
      DeidPolicy policy) {
    requireColumns(curated, CURATED_VISIT_INPUTS, "curated.visits");
    String t = DeidPolicy.VISITS;
    UserDefinedFunction scrub = functions.udf(scrubber, DataTypes.StringType);
    Column[] birth = birthColumns(policy.rule(t, "birth_date"), col("event_time"),
        col("birth_date"));
    Column birthYear = birth[0];
    Column ageAtVisit = birth[1];
    Column facility = switch (policy.action(t, "facility_id")) {
      case GENERALISE -> KAnonymity.region(col("facility_id"));
      case SUPPRESS -> lit(null).cast("string");
      default -> col("facility_id");
    };
    Column[] own = {col("patient_name"), col("resident_id"), col("phone"), col("address")};
    // every other direct identifier the row carries (e.g. patient_ssn from the US loaders): its
    // own values must not survive in its released text either
    Column[] others = policy.directIdentifiers(t).stream()
        .filter(c -> !OWN_IDENTIFIERS.contains(c) && List.of(curated.columns()).contains(c))
        .map(c -> col(c).cast("string")).toArray(Column[]::new);
    Column otherIds = others.length == 0 ? functions.array().cast("array<string>")
        : functions.array(others);
    Column complaint = policy.action(t, "chief_complaint") == DeidPolicy.Action.SUPPRESS
        ? lit(null).cast("string")
        : scrub.apply(col("chief_complaint"), own[0], own[1], own[2], own[3]);
    Column note = policy.action(t, "note") == DeidPolicy.Action.SUPPRESS
        ? lit(null).cast("string")
        : scrub.apply(col("note"), own[0], own[1], own[2], own[3]);
    return curated.select(
        eventKey(policy, t, pseudonyms).as("event_key"),
        pseudonyms.patient().apply(col("resident_id")).as("patient_pseudonym"),
        lit(pseudonyms.keyId()).as("key_id"),
        col("event_time"),
        col("ingest_time"),
        keepOrSuppress(policy, t, "sex").as("sex"),
        birthYear.as("birth_year"),
        ageAtVisit.as("age_at_visit"),
        facility.as("facility_id"),
        keepOrSuppress(policy, t, "visit_type").as("visit_type"),
        keepOrSuppress(policy, t, "diagnoses").as("diagnoses"),
        complaint.as("chief_complaint"),
        note.as("note"),
        keepOrSuppress(policy, t, "prescriptions").as("prescriptions"),
        recordTime(curated).as("record_time"),
        when(birthYear.isNotNull(), lit(1)).cast("int").as(BIRTH_YEAR_BAND),
        col("chief_complaint").as("_phi_chief_complaint"),
        col("note").as("_phi_note"),
        own[0].as("_phi_name"), own[1].as("_phi_resident_id"), own[2].as("_phi_phone"),
        own[3].as("_phi_address"), col("birth_date").as("_phi_birth_date"),
        otherIds.as("_phi_other_ids"));
  }

  /** The direct identifiers the privacy check always compares with each visit's text. */
  static final List<String> OWN_IDENTIFIERS = List.of("patient_name", "resident_id", "phone",
      "address", "clinician_id");

  static Dataset<Row> stageVitals(Dataset<Row> curated, Pseudonyms pseudonyms) {
    return stageVitals(curated, pseudonyms, DeidPolicy.builtIn());
  }

  static Dataset<Row> stageVitals(Dataset<Row> curated, Pseudonyms pseudonyms,
      DeidPolicy policy) {
    requireColumns(curated, CURATED_VITAL_INPUTS, "curated.vitals");
    String t = DeidPolicy.VITALS;
    Column facility = switch (policy.action(t, "facility_id")) {
      case GENERALISE -> KAnonymity.region(col("facility_id"));
      case SUPPRESS -> lit(null).cast("string");
      default -> col("facility_id");
    };
    return curated.select(
        eventKey(policy, t, pseudonyms).as("event_key"),
        pseudonyms.patient().apply(col("resident_id")).as("patient_pseudonym"),
        lit(pseudonyms.keyId()).as("key_id"),
        col("event_time"), col("ingest_time"), facility.as("facility_id"),
        keepOrSuppress(policy, t, "code").as("code"), keepOrSuppress(policy, t, "value").as("value"),
        keepOrSuppress(policy, t, "unit").as("unit"),
        keepOrSuppress(policy, t, "source").as("source"),
        recordTime(curated).as("record_time"),
        col("resident_id").as("_phi_resident_id"));
  }

  /** Rows that can be published: those with a pseudonym. */
  static Column publishable() {
    return col("patient_pseudonym").isNotNull();
  }

  /** 1 when the scrubber changed the row's complaint or note. */
  static Column scrubbed() {
    Column any = lit(false);
    for (String text : TEXT_COLUMNS) {
      any = any.or(col(text).eqNullSafe(col("_phi_" + text)).unary_$bang());
    }
    return when(any, 1).otherwise(0);
  }

  static Dataset<Row> visitsOut(Dataset<Row> staged) {
    return staged.where(publishable()).select(VISIT_COLUMNS.stream().map(functions::col)
        .toArray(Column[]::new));
  }

  static Dataset<Row> vitalsOut(Dataset<Row> staged) {
    return staged.where(publishable()).select(VITAL_COLUMNS.stream().map(functions::col)
        .toArray(Column[]::new));
  }

  static void requireColumns(Dataset<Row> df, List<String> columns, String table) {
    List<String> have = List.of(df.columns());
    List<String> missing = columns.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(table + " lacks column(s) " + missing + " that deidentify"
          + " reads (it has " + have + "); curated tables must hold the raw columns (core"
          + " TableSchemas) plus governance_run_id: rerun govern with a matching version");
    }
  }
}
