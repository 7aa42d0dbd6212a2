package io.carelake.ingestion.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.tables.TableSchemas;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Schema evolution, message side: fields an event carries that its JSON Schema does not know
 * (optional additions by a newer producer, e.g. {@code patient.ssn} from the US loaders). Each
 * becomes a nullable string column of the raw table, added on the fly by the Iceberg sink:
 *
 * <ul>
 *   <li>a top-level field {@code f} goes to column {@code f}, a {@code patient.f} field to
 *       {@code patient_f} (the raw naming convention: patient fields are flattened with that
 *       prefix), names lower-cased;
 *   <li>the value is kept as text: a string as is, a number or boolean as its JSON text, an
 *       object or array as compact JSON; JSON null counts as absent. Always a string, so a field
 *       that is a number in one message and a string in the next never conflicts;
 *   <li>a name that cannot be a column ({@code [a-z][a-z0-9_]*}, at most 64 characters, after
 *       lower-casing) or that would land in a column the table already has for something else
 *       (e.g. a top-level {@code sex}, or {@code kafka_offset}) makes the message a dead letter
 *       {@link ErrorCode#UNSUPPORTED_FIELD}: dropping it silently would lose data.
 * </ul>
 *
 * A message may carry at most {@link #MAX_PER_MESSAGE} such fields: each distinct one becomes a
 * column of the raw table for good, so a producer that sends arbitrary keys (a map serialised as
 * fields, a bug) would otherwise grow the table without bound. Over the limit, the message is a
 * dead letter {@link ErrorCode#UNSUPPORTED_FIELD} naming the fields, to be fixed at the producer.
 *
 * <p>Checked after every known field, so other faults keep their own codes.
 */
public final class Extras {

  private static final Pattern COLUMN = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  /** Fields not in the event schema one message may add (see the class comment). */
  public static final int MAX_PER_MESSAGE = 8;

  public static final Extras VISITS = new Extras(TableSchemas.RAW_VISITS,
      Set.of("schema_version", "event_id", "event_time", "patient", "facility_id",
          "clinician_id", "visit_type", "diagnoses", "chief_complaint", "note", "prescriptions",
          "record_time"),
      Set.of("resident_id", "name", "sex", "birth_date", "phone", "address"));
  public static final Extras VITALS = new Extras(TableSchemas.RAW_VITALS,
      Set.of("schema_version", "event_id", "event_time", "patient", "facility_id", "code",
          "value", "unit", "source", "device_id", "record_time"),
      Set.of("resident_id"));

  private final Set<String> baseColumns;
  private final Set<String> knownTop;
  private final Set<String> knownPatient;

  private Extras(Schema table, Set<String> knownTop, Set<String> knownPatient) {
    this.baseColumns = table.columns().stream().map(Types.NestedField::name)
        .collect(Collectors.toUnmodifiableSet());
    this.knownTop = knownTop;
    this.knownPatient = knownPatient;
  }

  /** The column an unknown field lands in: {@code f} or {@code patient_f}, lower-cased. */
  public static String column(String field, boolean patient) {
    String name = field.toLowerCase(Locale.ROOT);
    return patient ? "patient_" + name : name;
  }

  /** Unknown fields of {@code root} by column name; empty when there are none. */
  Map<String, String> collect(JsonNode root) throws EnvelopeException {
    Map<String, String> extras = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!knownTop.contains(e.getKey())) {
        extras = put(extras, e.getKey(), e.getKey(), false, e.getValue());
      }
    }
    JsonNode patient = root.get("patient");
    if (patient != null && patient.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = patient.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!knownPatient.contains(e.getKey())) {
          extras = put(extras, "patient." + e.getKey(), e.getKey(), true, e.getValue());
        }
      }
    }
    if (extras != null && extras.size() > MAX_PER_MESSAGE) {
      throw new EnvelopeException(ErrorCode.UNSUPPORTED_FIELD, "the message carries "
          + extras.size() + " fields not in the event schema (" + String.join(", ",
              extras.keySet().stream().limit(MAX_PER_MESSAGE + 1L).toList())
          + (extras.size() > MAX_PER_MESSAGE + 1 ? ", ..." : "") + "), more than "
          + MAX_PER_MESSAGE + ": each becomes a column of the raw table for good; send the"
          + " schema's fields, or nest the producer's own data in one field");
    }
    return extras == null ? Collections.emptyMap() : Collections.unmodifiableMap(extras);
  }

  private Map<String, String> put(Map<String, String> extras, String path, String field,
      boolean patient, JsonNode value) throws EnvelopeException {
    if (value == null || value.isNull()) {
      return extras;
    }
    String column = column(field, patient);
    if (!COLUMN.matcher(column).matches()) {
      throw new EnvelopeException(ErrorCode.UNSUPPORTED_FIELD, "field '" + path
          + "' is not in the event schema and its name cannot be a column (use lower-case"
          + " letters, digits and '_', starting with a letter, at most 64 characters)");
    }
    if (baseColumns.contains(column)) {
      throw new EnvelopeException(ErrorCode.UNSUPPORTED_FIELD, "field '" + path
          + "' is not in the event schema and would land in column '" + column
          + "', which already holds something else (rename the field)");
    }
    Map<String, String> map = extras == null ? new TreeMap<>() : extras;
    if (map.containsKey(column)) {
      throw new EnvelopeException(ErrorCode.UNSUPPORTED_FIELD, "field '" + path
          + "' lands in column '" + column + "' like another field of the message");
    }
    map.put(column, value.isValueNode() ? value.asText() : value.toString());
    return map;
  }
}
