package io.carelake.privacy;

import java.time.LocalDate;
import java.time.Period;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-record generalisations of the de-identification policy, in plain Java: what a stream
 * job applies to one event. The deidentify Spark job computes the same values with Spark columns
 * (deidentification's {@code SafeRows.birthColumns}, {@code KAnonymity.region}); a property test
 * there checks both give the same answer on generated inputs.
 */
public final class Generalise {

  /** Ages from this value on are reported as this value, and the birth year is withheld. */
  public static final int DEFAULT_TOP_CODE = 90;

  private static final Pattern FACILITY_REGION = Pattern.compile("^[A-Za-z]*([0-9]{4})");

  private Generalise() {}

  /** Whole years between birth and the event; null when unknown or the event is before birth. */
  public static Integer ageAt(LocalDate birth, LocalDate event) {
    if (birth == null || event == null || event.isBefore(birth)) {
      return null;
    }
    return Period.between(birth, event).getYears();
  }

  /** The age top-coded: {@code min(age, topCode)}. */
  public static Integer topCodedAge(LocalDate birth, LocalDate event, int topCode) {
    Integer age = ageAt(birth, event);
    return age == null ? null : Math.min(age, topCode);
  }

  /** The birth year, withheld (null) from the top-coded age on, so the age cannot be recovered. */
  public static Integer birthYear(LocalDate birth, LocalDate event, int topCode) {
    Integer age = ageAt(birth, event);
    return age == null || age >= topCode ? null : birth.getYear();
  }

  /** The lower bound of the age's band of {@code bandYears}, top-coded. */
  public static Integer ageBand(LocalDate birth, LocalDate event, int bandYears, int topCode) {
    Integer age = ageAt(birth, event);
    if (age == null) {
      return null;
    }
    return age >= topCode ? topCode : age / bandYears * bandYears;
  }

  /**
   * A facility's region: the four-digit area code that follows the facility id's letters
   * ({@code C4401023} → {@code 4401}), {@code other} when there is none, null for null.
   */
  public static String region(String facilityId) {
    if (facilityId == null) {
      return null;
    }
    Matcher m = FACILITY_REGION.matcher(facilityId);
    return m.find() ? m.group(1) : "other";
  }
}
