package io.carelake.governance.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.config.LocatedYaml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spec's YAML tree with the line of every value and key, built from core's {@link LocatedYaml}
 * (the project's one line-aware reader) so that an error can say {@code visits.yaml:14}.
 *
 * @param line the line where this value starts
 * @param keyLines for objects, the line of each key (where a reader looks for a bad value)
 */
record LocatedNode(JsonNode node, int line, Map<String, LocatedNode> fields,
    Map<String, Integer> keyLines, List<LocatedNode> items) {

  /** The whole document; a duplicate key or an empty file is a {@link SpecException}. */
  static LocatedNode of(LocatedYaml yaml, String source) throws SpecException {
    if (yaml.root() == null) {
      throw new SpecException(source, 0, null,
          "the file is empty; a spec needs a 'spec:' block and a 'rules:' list");
    }
    if (!yaml.duplicates().isEmpty()) {
      LocatedYaml.Duplicate d = yaml.duplicates().get(0);
      throw new SpecException(source, d.line(), null, "key '" + d.key()
          + "' appears twice in the same block (first at line " + d.firstLine() + "); keep one");
    }
    return of(yaml, yaml.root(), new ArrayList<>());
  }

  private static LocatedNode of(LocatedYaml yaml, JsonNode node, List<String> path) {
    int line = yaml.valueLine(path);
    if (node.isObject()) {
      Map<String, LocatedNode> fields = new LinkedHashMap<>();
      Map<String, Integer> keyLines = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        path.add(e.getKey());
        keyLines.put(e.getKey(), yaml.line(path));
        fields.put(e.getKey(), of(yaml, e.getValue(), path));
        path.remove(path.size() - 1);
      }
      return new LocatedNode(node, line, Collections.unmodifiableMap(fields),
          Collections.unmodifiableMap(keyLines), List.of());
    }
    if (node.isArray()) {
      List<LocatedNode> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        path.add(Integer.toString(i));
        items.add(of(yaml, node.get(i), path));
        path.remove(path.size() - 1);
      }
      return new LocatedNode(node, line, Map.of(), Map.of(), List.copyOf(items));
    }
    return scalar(node, line);
  }

  private static LocatedNode scalar(JsonNode node, int line) {
    return new LocatedNode(node, line, Map.of(), Map.of(), List.of());
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
