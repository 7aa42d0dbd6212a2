package io.carelake.evaluation.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML document as a Jackson tree (what the JSON Schema validator reads) together with the line
 * of every value and key, addressed by JSON pointer: SnakeYAML's composed nodes carry their marks,
 * so a validation error at {@code /gate/criteria/0/within} can name its line. Duplicate keys are
 * refused here (SnakeYAML checks them only when it constructs objects, which this does not; the
 * second would silently win otherwise).
 */
record YamlTree(JsonNode root, Map<String, Integer> lines) {

  static YamlTree parse(String source, byte[] bytes) throws EvaluationSpecException {
    Node node;
    try {
      node = new Yaml(new LoaderOptions()).compose(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new EvaluationSpecException(source, line, "not valid YAML: " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new EvaluationSpecException(source, 0, "not valid YAML: " + e.getMessage(), e);
    }
    if (node == null) {
      throw new EvaluationSpecException(source, 0, "the file is empty; an evaluation spec is a map"
          + " with spec, bootstrap, ..., gate (see the shipped evaluation-spec.yaml)");
    }
    Map<String, Integer> lines = new HashMap<>();
    JsonNode root = convert(source, node, "", lines);
    return new YamlTree(root, Map.copyOf(lines));
  }

  /** The line of the value at {@code pointer}, or of its nearest ancestor that has one. */
  int lineOf(String pointer) {
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      if (p.isEmpty()) {
        return 0;
      }
      p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
    }
  }

  private static JsonNode convert(String source, Node node, String pointer,
      Map<String, Integer> lines) throws EvaluationSpecException {
    lines.put(pointer, node.getStartMark().getLine() + 1);
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MappingNode map) {
      ObjectNode obj = f.objectNode();
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode key)) {
          throw new EvaluationSpecException(source, t.getKeyNode().getStartMark().getLine() + 1,
              "keys must be plain words");
        }
        String child = pointer + "/" + key.getValue().replace("~", "~0").replace("/", "~1");
        if (obj.has(key.getValue())) {
          throw new EvaluationSpecException(source, key.getStartMark().getLine() + 1,
              "duplicate key '" + key.getValue() + "' (first at line " + lines.get(child + "#key")
                  + "); keep one");
        }
        obj.set(key.getValue(), convert(source, t.getValueNode(), child, lines));
        // a key's own line, for "unknown field" messages
        lines.put(child + "#key", key.getStartMark().getLine() + 1);
      }
      return obj;
    }
    if (node instanceof SequenceNode seq) {
      ArrayNode arr = f.arrayNode();
      int i = 0;
      for (Node item : seq.getValue()) {
        arr.add(convert(source, item, pointer + "/" + i++, lines));
      }
      return arr;
    }
    ScalarNode scalar = (ScalarNode) node;
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    try {
      if (Tag.INT.equals(tag)) {
        return f.numberNode(new BigInteger(text.replace("_", "")));
      }
      if (Tag.FLOAT.equals(tag)) {
        return f.numberNode(new BigDecimal(text.replace("_", "")));
      }
    } catch (NumberFormatException e) {
      throw new EvaluationSpecException(source, node.getStartMark().getLine() + 1,
          "'" + text + "' is not a plain number (write e.g. 0.05 or 2000)");
    }
    if (Tag.BOOL.equals(tag)) {
      return f.booleanNode(Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT))
          || "yes".equalsIgnoreCase(text) || "on".equalsIgnoreCase(text));
    }
    if (Tag.NULL.equals(tag)) {
      return f.nullNode();
    }
    return f.textNode(text);
  }
}
