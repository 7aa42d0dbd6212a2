package io.carelake.generator;

/**
 * How {@link EventJson} deviates from the envelope when writing a bad event: a required field left
 * out, a required field written with the wrong JSON type, or an unparseable event time.
 *
 * @param omit dotted path of a field to leave out ({@code patient.resident_id}), or null
 * @param wrongType name of a field to write as a string ({@code schema_version}, {@code value}), or null
 * @param wrongTypeText the string written for {@code wrongType}
 * @param eventTime replacement text for {@code event_time}, or null
 */
record Damage(String omit, String wrongType, String wrongTypeText, String eventTime) {

  static final Damage NONE = new Damage(null, null, null, null);

  static Damage omit(String field) {
    return new Damage(field, null, null, null);
  }

  static Damage wrongType(String field, String text) {
    return new Damage(null, field, text, null);
  }

  static Damage eventTime(String text) {
    return new Damage(null, null, null, text);
  }
}
