package io.carelake.governance.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.carelake.core.quality.Gbt36344;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON Schema (draft 2020-12, {@code carelake/specs/spec.schema.json}) every spec is validated
 * against before anything else reads it. Violations are mapped back to the YAML: the line of the
 * offending key or value, the rule id, and a sentence on what to change.
 */
public final class SpecSchema {

  public static final String RESOURCE = "carelake/specs/spec.schema.json";

  private static final JsonNode SCHEMA_TREE = readTree();
  private static final JsonSchema SCHEMA = compile(SCHEMA_TREE);

  private SpecSchema() {}

  /** The schema as a tree (for tests and for tools that print the known rule types). */
  public static JsonNode tree() {
    return SCHEMA_TREE.deepCopy();
  }

  /** The rule types the schema admits ({@code $defs.rule.properties.type.enum}). */
  public static Set<String> ruleTypes() {
    Set<String> out = new TreeSet<>();
    SCHEMA_TREE.at("/$defs/rule/properties/type/enum").forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Validates a parsed spec; throws the first problem (by line) with the others summarised.
   */
  static void validate(String source, LocatedNode root) throws SpecException {
    Set<ValidationMessage> messages = SCHEMA.validate(root.node());
    if (messages.isEmpty()) {
      return;
    }
    List<SpecException> problems = new ArrayList<>();
    for (ValidationMessage m : messages) {
      problems.add(toException(source, root, m));
    }
    problems.sort(Comparator.comparingInt(SpecException::line));
    // an indicator outside its dimension's list can break two schema clauses with one mistake
    Set<String> seen = new java.util.HashSet<>();
    problems.removeIf(p -> !seen.add(p.getMessage()));
    SpecException first = problems.get(0);
    if (problems.size() == 1) {
      throw first;
    }
    StringBuilder more = new StringBuilder();
    problems.subList(1, Math.min(problems.size(), 4)).forEach(p -> more.append("; also ")
        .append(p.getMessage()));
    if (problems.size() > 4) {
      more.append("; and ").append(problems.size() - 4).append(" more");
    }
    throw new SpecException(first.source(), first.line(), first.ruleId(),
        problemOf(first) + more);
  }

  private static String problemOf(SpecException e) {
    String prefix = SpecException.format(e.source(), e.line(), e.ruleId(), "");
    return e.getMessage().substring(prefix.length());
  }

  static SpecException toException(String source, LocatedNode root, ValidationMessage m) {
    List<String> path = pointer(m.getPath());
    String ruleId = ruleId(root, path);
    LocatedNode node = root;
    int line = root.line();
    String lastKey = null;
    for (String segment : path) {
      if (node == null) {
        break;
      }
      if (node.isObject()) {
        line = node.lineOf(segment);
        lastKey = segment;
        node = node.field(segment);
      } else if (node.node().isArray()) {
        int i = Integer.parseInt(segment);
        node = i < node.items().size() ? node.items().get(i) : null;
        if (node != null) {
          line = node.line();
        }
      }
    }
    String[] args = m.getArguments() == null ? new String[0] : m.getArguments();
    String arg = args.length > 0 ? args[0] : null;
    String type = m.getType() == null ? "" : m.getType();
    String where = where(path);
    JsonNode value = node == null ? null : node.node();
    String problem;
    switch (type) {
      case "required" -> {
        problem = missing(path, arg);
      }
      case "additionalProperties" -> {
        if (node != null && node.isObject() && arg != null) {
          line = node.lineOf(arg);
        }
        problem = "unknown field '" + arg + "'" + (where.isEmpty() ? "" : " in " + where)
            + "; known fields here are " + known(path);
      }
      case "enum", "const" -> problem = badEnum(lastKey, path, value, root);
      case "maxProperties" -> problem = where + " takes no parameters for this rule type;"
          + " remove them";
      default -> problem = badValue(lastKey, where, type, value, m);
    }
    return new SpecException(source, line, ruleId, problem);
  }

  private static String missing(List<String> path, String field) {
    if (path.isEmpty() && "spec".equals(field)) {
      return "missing 'spec:' block; add spec: {name: ..., version: ..., table: raw.visits}";
    }
    if (path.isEmpty() && "rules".equals(field)) {
      return "missing or empty 'rules:' list; add at least one rule";
    }
    String hint = switch (String.valueOf(field)) {
      case "name" -> "a short name, e.g. name: visits-core";
      case "version" -> "e.g. version: \"2\"; bump it whenever a rule changes";
      case "table" -> "the governed table, e.g. table: raw.visits";
      case "id" -> "a unique rule id, e.g. id: vitals-sbp-range";
      case "type" -> "one of " + SpecSchema.ruleTypes();
      case "severity" -> "severity: block, quarantine or warn";
      case "threshold" -> "the largest share of failing rows (0 to 1) at which the slice still"
          + " passes, e.g. threshold: 0.0";
      case "dimension" -> "the GB/T 36344-2018 dimension: one of "
          + enumOf("/$defs/rule/properties/dimension/enum");
      case "kahn" -> "the Kahn category: one of " + enumOf("/$defs/rule/properties/kahn/enum");
      case "indicator" -> "the GB/T 36344-2018 indicator the rule scores, one of its dimension's: "
          + indicatorsByDimension();
      case "clause" -> "the standard clause the rule implements, e.g. clause: \"GB 11643-1999"
          + " check character\"";
      case "rationale" -> "one sentence on why the rule exists, for the people who read the"
          + " check results";
      case "params" -> "this rule type needs parameters";
      default -> "required here";
    };
    String in = where(path);
    if (in.startsWith("params")) {
      return "missing " + in + "." + field + " (" + hint + ")";
    }
    return "missing field '" + field + "' (" + hint + ")";
  }

  private static String badEnum(String key, List<String> path, JsonNode value, LocatedNode root) {
    String shown = value == null ? "?" : value.asText();
    if ("type".equals(key) && path.size() == 3) {
      return "unknown rule type '" + shown + "'; use one of " + ruleTypes();
    }
    if ("severity".equals(key)) {
      return "bad severity '" + shown + "'; use block (quarantine failing rows, block the run above"
          + " the threshold), quarantine (quarantine failing rows) or warn (report only)";
    }
    if ("dimension".equals(key)) {
      return "bad dimension '" + shown + "'; use one of "
          + enumOf("/$defs/rule/properties/dimension/enum");
    }
    if ("kahn".equals(key)) {
      return "bad kahn '" + shown + "'; use one of " + enumOf("/$defs/rule/properties/kahn/enum");
    }
    if ("indicator".equals(key) && path.size() == 3) {
      return badIndicator(shown, root.node().at("/rules/" + path.get(1) + "/dimension"));
    }
    return "bad value '" + shown + "' for " + where(path) + "; see the rule type's parameters in"
        + " governance-rules/README.md";
  }

  /** What to write for an indicator that is not one of the rule's dimension's. */
  private static String badIndicator(String shown, JsonNode dimension) {
    java.util.Optional<Gbt36344.Dimension> d = dimension.isTextual()
        ? Gbt36344.Dimension.of(dimension.asText()) : java.util.Optional.empty();
    if (d.isPresent()) {
      return "bad indicator '" + shown + "' for dimension " + d.get().code() + "; use one of "
          + String.join(", ", d.get().indicators().stream().map(Gbt36344.Indicator::code).toList());
    }
    return "bad indicator '" + shown + "'; GB/T 36344-2018 indicators by dimension: "
        + indicatorsByDimension();
  }

  private static String indicatorsByDimension() {
    List<String> out = new ArrayList<>();
    for (Gbt36344.Dimension d : Gbt36344.Dimension.values()) {
      out.add(d.code() + " " + d.indicators().stream().map(Gbt36344.Indicator::code).toList());
    }
    return String.join(", ", out);
  }

  private static String badValue(String key, String where, String type, JsonNode value,
      ValidationMessage m) {
    String shown = value == null ? "?" : value.isTextual() ? "'" + value.asText() + "'"
        : value.toString();
    if ("rules".equals(key) && where.equals("rules")) {
      return "missing or empty 'rules:' list; add at least one rule";
    }
    if ("threshold".equals(key)) {
      return "threshold must be a number from 0 to 1, got " + shown;
    }
    if ("max_failures".equals(key)) {
      return "max_failures must be a whole number of rows, 0 or more, got " + shown;
    }
    if ("version".equals(key)) {
      return "spec.version must be a quoted version such as \"2\" (letters, digits, . _ -), got "
          + shown;
    }
    if ("max_lag".equals(key)) {
      return "params.max_lag must be an ISO-8601 duration such as PT6H, P2D or P1DT12H, got "
          + shown;
    }
    if ("references".equals(key) || (where.contains("references[") && "pattern".equals(type))) {
      return where + " must name <namespace>.<table>.<column>, e.g. raw.visits.resident_id, got "
          + shown;
    }
    String what = switch (type) {
      case "type" -> "has the wrong type";
      case "pattern" -> "has the wrong form";
      case "minItems", "minProperties", "minLength" -> "must not be empty";
      case "minimum", "maximum", "exclusiveMinimum" -> "is out of range";
      default -> "is not valid";
    };
    String detail = m.getMessage();
    int colon = detail == null ? -1 : detail.indexOf(": ");
    detail = colon >= 0 ? detail.substring(colon + 2) : detail;
    return (where.isEmpty() ? "the spec" : where) + " " + what + " (got " + shown + "): " + detail;
  }

  /** {@code rules[0].params.values} → {@code params.values}; header fields as {@code spec.x}. */
  private static String where(List<String> path) {
    if (path.isEmpty()) {
      return "";
    }
    int from = path.size() >= 2 && path.get(0).equals("rules") ? 2 : 0;
    StringBuilder sb = new StringBuilder();
    for (String s : path.subList(from, path.size())) {
      if (s.chars().allMatch(Character::isDigit) && sb.length() > 0) {
        sb.append('[').append(s).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(s);
      }
    }
    return sb.toString();
  }

  private static String known(List<String> path) {
    if (path.isEmpty()) {
      return "[rules, spec]";
    }
    if (path.size() == 1 && path.get(0).equals("spec")) {
      return fieldsOf("/properties/spec/properties");
    }
    if (path.size() == 2 && path.get(0).equals("rules")) {
      return fieldsOf("/$defs/rule/properties");
    }
    return "those of the rule type (see governance-rules/README.md)";
  }

  private static String fieldsOf(String pointer) {
    Set<String> names = new TreeSet<>();
    SCHEMA_TREE.at(pointer).fieldNames().forEachRemaining(names::add);
    return names.toString();
  }

  private static String enumOf(String pointer) {
    List<String> out = new ArrayList<>();
    SCHEMA_TREE.at(pointer).forEach(n -> out.add(n.asText()));
    return String.join(", ", out);
  }

  private static String ruleId(LocatedNode root, List<String> path) {
    if (path.size() < 2 || !path.get(0).equals("rules") || !root.isObject()) {
      return null;
    }
    LocatedNode rules = root.field("rules");
    if (rules == null || !rules.node().isArray()) {
      return null;
    }
    try {
      LocatedNode rule = rules.items().get(Integer.parseInt(path.get(1)));
      JsonNode id = rule.node().get("id");
      return id != null && id.isTextual() ? id.asText() : "#" + (Integer.parseInt(path.get(1)) + 1);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Splits a JSON pointer ({@code /rules/0/type}) into unescaped segments. */
  static List<String> pointer(String p) {
    List<String> out = new ArrayList<>();
    if (p == null || p.isEmpty() || p.equals("/")) {
      return out;
    }
    for (String s : p.substring(p.startsWith("/") ? 1 : 0).split("/", -1)) {
      out.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode readTree() {
    try (InputStream in = SpecSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the governance-rules jar;"
            + " rebuild it");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static JsonSchema compile(JsonNode tree) {
    SchemaValidatorsConfig config = new SchemaValidatorsConfig();
    config.setPathType(PathType.JSON_POINTER);
    config.setLocale(Locale.ROOT);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(tree, config);
  }
}
