package io.carelake.governance.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML (or JSON) tree that remembers the line of every value. Jackson's own trees drop token
 * locations; specs need them so that an error can say {@code visits.yaml:14}.
 *
 * @param keyLines for objects, the line of each key (where a reader looks for a bad value)
 */
record LocatedNode(JsonNode node, int line, Map<String, LocatedNode> fields,
    Map<String, Integer> keyLines, List<LocatedNode> items) {

  /** Reads the value at the parser's current token (advancing to the first token if needed). */
  static LocatedNode read(JsonParser p, String source) throws IOException, SpecException {
    JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
    if (t == null) {
      throw new SpecException(source, 0, null, "the file is empty; a spec needs a 'spec:' block and a 'rules:' list");
    }
    int line = line(p.currentTokenLocation());
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT -> {
        ObjectNode obj = f.objectNode();
        Map<String, LocatedNode> fields = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p.currentTokenLocation());
          if (fields.containsKey(key)) {
            throw new SpecException(source, keyLine, null, "key '" + key
                + "' appears twice in the same block (first at line " + keyLines.get(key)
                + "); keep one");
          }
          p.nextToken();
          LocatedNode child = read(p, source);
          fields.put(key, child);
          keyLines.put(key, keyLine);
          obj.set(key, child.node());
        }
        return new LocatedNode(obj, line, Collections.unmodifiableMap(fields),
            Collections.unmodifiableMap(keyLines), List.of());
      }
      case START_ARRAY -> {
        ArrayNode arr = f.arrayNode();
        List<LocatedNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          LocatedNode child = read(p, source);
          items.add(child);
          arr.add(child.node());
        }
        return new LocatedNode(arr, line, Map.of(), Map.of(), List.copyOf(items));
      }
      case VALUE_STRING -> {
        return scalar(f.textNode(p.getText()), line);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return scalar(t == JsonToken.VALUE_NUMBER_INT ? f.numberNode(p.getBigIntegerValue())
            : f.numberNode(p.getDecimalValue()), line);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return scalar(f.booleanNode(t == JsonToken.VALUE_TRUE), line);
      }
      case VALUE_NULL -> {
        return scalar(f.nullNode(), line);
      }
      default -> throw new SpecException(source, line, null,
          "unexpected YAML token " + t + "; a spec holds only maps, lists and plain values");
    }
  }

  private static LocatedNode scalar(JsonNode node, int line) {
    return new LocatedNode(node, line, Map.of(), Map.of(), List.of());
  }

  private static int line(JsonLocation loc) {
    return loc == null ? 0 : loc.getLineNr();
  }

  boolean isObject() {
    return node.isObject();
  }

  LocatedNode field(String key) {
    return fields.get(key);
  }

  /** Line of {@code key} when present, else this node's line. */
  int lineOf(String key) {
    return keyLines.getOrDefault(key, line);
  }
}
