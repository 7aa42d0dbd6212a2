package io.carelake.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The one line-aware YAML reader of the project: specs, de-identification policies, cohort
 * definitions and waiver files all read through it, so that every error can say
 * {@code file:line}. Two parses of the same text by well-kept libraries, no hand-written parser:
 * Jackson's YAML tree (what schemas validate and loaders read; integers as Jackson types them,
 * decimals exact as {@link java.math.BigDecimal}) and SnakeYAML's node graph, which keeps the
 * line of every key and item. Duplicate keys are found in the graph with both lines (Jackson and
 * YAML 1.1 would silently keep the last one).
 *
 * @param root the tree; {@code null} for an empty document
 * @param duplicates every key given twice in one mapping, in document order
 */
public record LocatedYaml(JsonNode root, Node graph, List<Duplicate> duplicates) {

  private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  /** A key given twice: where, at which line, and the line of its first occurrence. */
  public record Duplicate(List<String> path, String key, int line, int firstLine) {}

  /** Not YAML at all: the line (1-based, 0 when unknown) and the parser's own words. */
  public static final class SyntaxException extends Exception {
    private final int line;

    SyntaxException(int line, String message) {
      super(message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /** Parses {@code bytes} (UTF-8). */
  public static LocatedYaml parse(byte[] bytes) throws SyntaxException {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new SyntaxException(line, e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new SyntaxException(0, e.getMessage());
    }
    Node graph;
    try {
      graph = new Yaml(new LoaderOptions())
          .compose(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new SyntaxException(line, e.getProblem());
    }
    if (root != null && root.isMissingNode()) {
      root = null;
    }
    List<Duplicate> duplicates = new ArrayList<>();
    findDuplicates(graph, new ArrayList<>(), duplicates);
    return new LocatedYaml(root, graph, List.copyOf(duplicates));
  }

  /**
   * The line of the deepest node {@code path} reaches (map keys by name, list items by index):
   * for a map entry the key's line, for a list item the item's; 1-based, 0 for an empty document.
   */
  public int line(List<String> path) {
    Node node = graph;
    int line = node == null ? 0 : line(node);
    for (String p : path) {
      NodeTuple entry = entry(node, p);
      Node next = entry != null ? entry.getValueNode() : item(node, p);
      if (next == null) {
        break;
      }
      line = entry != null ? line(entry.getKeyNode()) : line(next);
      node = next;
    }
    return line;
  }

  /** {@link #line(List)} of a path given as its parts. */
  public int line(String... path) {
    return line(List.of(path));
  }

  /** {@link #line(List)} of a JSON pointer ({@code /rules/3/column}), as schema validators give. */
  public int lineAt(String pointer) {
    return line(path(pointer));
  }

  /** {@link #valueLine(List)} of a JSON pointer. */
  public int valueLineAt(String pointer) {
    return valueLine(path(pointer));
  }

  /** A JSON pointer's parts, unescaped ({@code ~1} is {@code /}, {@code ~0} is {@code ~}). */
  public static List<String> path(String pointer) {
    List<String> path = new ArrayList<>();
    if (pointer != null && !pointer.isEmpty()) {
      for (String p : pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/", -1)) {
        path.add(p.replace("~1", "/").replace("~0", "~"));
      }
    }
    return path;
  }

  /** The line of the value at {@code path} itself (not its key): where a block starts. */
  public int valueLine(List<String> path) {
    Node node = graph;
    for (String p : path) {
      NodeTuple entry = entry(node, p);
      Node next = entry != null ? entry.getValueNode() : item(node, p);
      if (next == null) {
        return line(path);
      }
      node = next;
    }
    return node == null ? 0 : line(node);
  }

  /** The entry of mapping {@code node} whose plain key is {@code key}, or null. */
  private static NodeTuple entry(Node node, String key) {
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return t;
        }
      }
    }
    return null;
  }

  /** Item {@code index} of sequence {@code node}, or null. */
  private static Node item(Node node, String index) {
    if (node instanceof SequenceNode seq && isIndex(index)) {
      int i = Integer.parseInt(index);
      return i < seq.getValue().size() ? seq.getValue().get(i) : null;
    }
    return null;
  }

  private static void findDuplicates(Node node, List<String> path, List<Duplicate> out) {
    if (node instanceof MappingNode map) {
      Map<String, Integer> first = new HashMap<>();
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          Integer seen = first.putIfAbsent(k.getValue(), line(k));
          if (seen != null) {
            out.add(new Duplicate(List.copyOf(path), k.getValue(), line(k), seen));
          }
          path.add(k.getValue());
          findDuplicates(t.getValueNode(), path, out);
          path.remove(path.size() - 1);
        }
      }
    } else if (node instanceof SequenceNode seq) {
      for (int i = 0; i < seq.getValue().size(); i++) {
        path.add(Integer.toString(i));
        findDuplicates(seq.getValue().get(i), path, out);
        path.remove(path.size() - 1);
      }
    }
  }

  private static int line(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  private static boolean isIndex(String p) {
    return !p.isEmpty() && p.length() < 10 && p.chars().allMatch(Character::isDigit);
  }
}
