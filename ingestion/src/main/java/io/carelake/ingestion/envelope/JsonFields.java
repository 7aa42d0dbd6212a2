package io.carelake.ingestion.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed access to the fields of one JSON object, each failure an {@link EnvelopeException} that
 * names the field by its full path ({@code patient.resident_id}, {@code prescriptions[2].days}).
 * Messages name the JSON type received, never the value: payloads hold PHI.
 */
final class JsonFields {

  private final JsonNode object;
  private final String prefix;

  JsonFields(JsonNode object, String prefix) {
    this.object = object;
    this.prefix = prefix;
  }

  JsonNode object() {
    return object;
  }

  String path(String field) {
    return prefix + field;
  }

  /** The field's node, or null when absent or JSON null. */
  JsonNode node(String field) {
    JsonNode node = object.get(field);
    return node == null || node.isNull() ? null : node;
  }

  JsonNode require(String field) throws EnvelopeException {
    JsonNode node = node(field);
    if (node == null) {
      throw missing(field);
    }
    return node;
  }

  String requiredText(String field) throws EnvelopeException {
    String text = optionalText(field);
    if (text == null) {
      throw missing(field);
    }
    if (text.isEmpty()) {
      throw new EnvelopeException(ErrorCode.MISSING_FIELD,
          "required field '" + path(field) + "' is empty");
    }
    return text;
  }

  String optionalText(String field) throws EnvelopeException {
    JsonNode node = node(field);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      throw wrongType(field, "a string", node);
    }
    return node.textValue();
  }

  int requiredInt(String field) throws EnvelopeException {
    JsonNode node = require(field);
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw wrongType(field, "a whole number", node);
    }
    return node.intValue();
  }

  Integer optionalInt(String field) throws EnvelopeException {
    return node(field) == null ? null : requiredInt(field);
  }

  double requiredNumber(String field) throws EnvelopeException {
    JsonNode node = require(field);
    if (!node.isNumber()) {
      throw wrongType(field, "a number", node);
    }
    double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      throw wrongType(field, "a finite number", node);
    }
    return value;
  }

  JsonFields requiredObject(String field) throws EnvelopeException {
    JsonNode node = require(field);
    if (!node.isObject()) {
      throw wrongType(field, "an object", node);
    }
    return new JsonFields(node, path(field) + ".");
  }

  LocalDate optionalDate(String field) throws EnvelopeException {
    String text = optionalText(field);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new EnvelopeException(ErrorCode.WRONG_TYPE,
          "field '" + path(field) + "' must be a date YYYY-MM-DD");
    }
  }

  /** An optional array of strings; null when absent. */
  List<String> optionalTextArray(String field) throws EnvelopeException {
    JsonNode node = optionalArray(field);
    if (node == null) {
      return null;
    }
    List<String> values = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (item.isNull()) {
        values.add(null);
      } else if (item.isTextual()) {
        values.add(item.textValue());
      } else {
        throw new EnvelopeException(ErrorCode.WRONG_TYPE, "field '" + path(field) + "[" + i
            + "]' must be a string, got " + typeName(item));
      }
    }
    return values;
  }

  /** An optional array of objects, each wrapped for typed access; null when absent. */
  List<JsonFields> optionalObjectArray(String field) throws EnvelopeException {
    JsonNode node = optionalArray(field);
    if (node == null) {
      return null;
    }
    List<JsonFields> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw new EnvelopeException(ErrorCode.WRONG_TYPE, "field '" + path(field) + "[" + i
            + "]' must be an object, got " + typeName(item));
      }
      items.add(new JsonFields(item, path(field) + "[" + i + "]."));
    }
    return items;
  }

  private JsonNode optionalArray(String field) throws EnvelopeException {
    JsonNode node = node(field);
    if (node != null && !node.isArray()) {
      throw wrongType(field, "an array", node);
    }
    return node;
  }

  EnvelopeException missing(String field) {
    return new EnvelopeException(ErrorCode.MISSING_FIELD,
        "missing required field '" + path(field) + "'");
  }

  EnvelopeException wrongType(String field, String expected, JsonNode got) {
    return new EnvelopeException(ErrorCode.WRONG_TYPE,
        "field '" + path(field) + "' must be " + expected + ", got " + typeName(got));
  }

  static String typeName(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    if (type == JsonNodeType.NUMBER) {
      return node.isIntegralNumber() ? "a whole number" : "a decimal number";
    }
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }
}
