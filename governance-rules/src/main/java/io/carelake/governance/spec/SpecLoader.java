package io.carelake.governance.spec;

import io.carelake.core.config.LocatedYaml;
import io.carelake.core.config.SmallFiles;
import io.carelake.core.quality.Gbt36344;
import io.carelake.core.tables.TableName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Parses a governance spec (YAML) into typed records and validates everything that can be checked
 * without data: required fields, known rule types, severities, thresholds, unique rule ids. Every
 * error names the file, the line and the rule.
 *
 * <pre>
 * spec: {name: visits-core, version: "1", table: raw.visits}
 * rules:
 *   - id: visits-sex-code
 *     column: sex
 *     type: allowed_values
 *     params: {values: ["0", "1", "2", "9"]}
 *     severity: block
 *     threshold: 0.1
 *     dimension: normativity
 *     indicator: data_standard
 *     kahn: conformance
 *     rationale: GB/T 2261.1 sex codes
 * </pre>
 */
public final class SpecLoader {

  static final Set<String> TOP_FIELDS = Set.of("spec", "rules");
  static final Set<String> HEADER_FIELDS = Set.of("name", "version", "table", "description");
  static final Set<String> RULE_FIELDS = Set.of("id", "column", "columns", "type", "params",
      "severity", "threshold", "max_failures", "dimension", "indicator", "kahn", "clause",
      "rationale");

  private final Set<String> knownTypes;

  /** @param knownTypes the rule types the caller can compile (the rule registry's names) */
  public SpecLoader(Set<String> knownTypes) {
    this.knownTypes = Set.copyOf(knownTypes);
  }

  public Spec load(Path file) throws SpecException {
    byte[] bytes;
    try {
      bytes = SmallFiles.read(file, "governance spec");
    } catch (IOException e) {
      throw new SpecException(file.toString(), 0, null, "cannot read the spec file: " + e.getMessage()
          + " (check --spec-dir)", e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses a spec held in memory; {@code source} is how error messages name it. */
  public Spec parse(String source, byte[] bytes) throws SpecException {
    LocatedNode root;
    try {
      root = LocatedNode.of(LocatedYaml.parse(bytes), source);
    } catch (LocatedYaml.SyntaxException e) {
      throw new SpecException(source, e.line(), null, "not valid YAML: " + e.getMessage(), e);
    }
    if (!root.isObject()) {
      throw new SpecException(source, root.line(), null,
          "a spec is a map with a 'spec:' block and a 'rules:' list");
    }
    // the JSON Schema first: structure, field names, types, enums and each type's params
    SpecSchema.validate(source, root);
    unknownFields(source, root, TOP_FIELDS, null);
    SpecHeader header = header(source, root);
    LocatedNode rulesNode = root.field("rules");
    if (rulesNode == null || !rulesNode.node().isArray() || rulesNode.items().isEmpty()) {
      throw new SpecException(source, rulesNode == null ? root.line() : rulesNode.line(), null,
          "missing or empty 'rules:' list; add at least one rule");
    }
    List<RuleSpec> rules = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (LocatedNode item : rulesNode.items()) {
      RuleSpec rule = rule(source, item);
      Integer first = seen.putIfAbsent(rule.id(), rule.line());
      if (first != null) {
        throw rule.error("rule id is used twice (first at line " + first
            + "); rule ids must be unique within a spec, check results are keyed by them");
      }
      rules.add(rule);
    }
    return new Spec(header, rules, source, sha256(bytes));
  }

  private SpecHeader header(String source, LocatedNode root) throws SpecException {
    LocatedNode spec = root.field("spec");
    if (spec == null || !spec.isObject()) {
      throw new SpecException(source, spec == null ? root.line() : spec.line(), null,
          "missing 'spec:' block; add spec: {name: ..., version: ..., table: raw.visits}");
    }
    unknownFields(source, spec, HEADER_FIELDS, null);
    String name = text(source, spec, "name", null, "a short name, e.g. name: visits-core");
    String version = text(source, spec, "version", null, "e.g. version: \"1\"");
    String table = text(source, spec, "table", null, "the governed table, e.g. table: raw.visits");
    try {
      return new SpecHeader(name, version, TableName.parse(table));
    } catch (IllegalArgumentException e) {
      throw new SpecException(source, spec.lineOf("table"), null, e.getMessage());
    }
  }

  private RuleSpec rule(String source, LocatedNode item) throws SpecException {
    if (!item.isObject()) {
      throw new SpecException(source, item.line(), null,
          "each entry of 'rules:' is a map with id, column, type, severity, ...");
    }
    String id = text(source, item, "id", null, "a unique rule id, e.g. id: vitals-sbp-range");
    unknownFields(source, item, RULE_FIELDS, id);
    List<String> columns = columns(source, item, id);
    String type = text(source, item, "type", id, "one of " + new TreeSet<>(knownTypes));
    if (!knownTypes.contains(type)) {
      throw new SpecException(source, item.lineOf("type"), id, "unknown rule type '" + type
          + "'; use one of " + new TreeSet<>(knownTypes));
    }
    String severityText = text(source, item, "severity", id, "severity: block, quarantine or warn");
    Severity severity = Severity.parse(severityText);
    if (severity == null) {
      throw new SpecException(source, item.lineOf("severity"), id, "bad severity '" + severityText
          + "'; use block (quarantine failing rows, block the run above the threshold), quarantine"
          + " (quarantine failing rows) or warn (report only)");
    }
    double threshold = threshold(source, item, id);
    QualityDimension dimension = enumField(source, item, "dimension", id, QualityDimension.class);
    Gbt36344.Indicator indicator = indicator(source, item, id, dimension);
    KahnCategory kahn = enumField(source, item, "kahn", id, KahnCategory.class);
    String rationale = text(source, item, "rationale", id,
        "one sentence on why the rule exists, for the people who read the check results");
    String clause = text(source, item, "clause", id,
        "the standard clause the rule implements, e.g. clause: \"GB 11643-1999 check character\"");
    LocatedNode max = item.field("max_failures");
    Long maxFailures = null;
    if (max != null) {
      if (!max.node().isIntegralNumber() || max.node().asLong() < 0) {
        throw new SpecException(source, max.line(), id,
            "max_failures must be a whole number of rows, 0 or more, got " + max.node());
      }
      maxFailures = max.node().asLong();
    }
    LocatedNode params = item.field("params");
    if (params != null && !params.isObject()) {
      throw new SpecException(source, item.lineOf("params"), id,
          "'params' must be a map, e.g. params: {values: [a, b]}");
    }
    return new RuleSpec(id, columns, type, params == null ? null : params.node(), severity,
        threshold, maxFailures, dimension, indicator, kahn, clause, rationale, source, item.line(),
        params == null ? item.line() : item.lineOf("params"));
  }

  private static List<String> columns(String source, LocatedNode item, String id)
      throws SpecException {
    LocatedNode one = item.field("column");
    LocatedNode many = item.field("columns");
    if (one != null && many != null) {
      throw new SpecException(source, item.lineOf("columns"), id,
          "give either 'column' or 'columns', not both");
    }
    if (one != null) {
      if (!one.node().isTextual() || one.node().asText().isBlank()) {
        throw new SpecException(source, item.lineOf("column"), id, "'column' must be a column name");
      }
      return List.of(one.node().asText());
    }
    if (many != null) {
      if (!many.node().isArray() || many.items().isEmpty()) {
        throw new SpecException(source, item.lineOf("columns"), id,
            "'columns' must be a non-empty list of column names");
      }
      List<String> names = new ArrayList<>();
      for (LocatedNode n : many.items()) {
        if (!n.node().isTextual() || n.node().asText().isBlank()) {
          throw new SpecException(source, n.line(), id, "'columns' must hold column names");
        }
        names.add(n.node().asText());
      }
      return names;
    }
    throw new SpecException(source, item.line(), id,
        "missing field 'column' (or 'columns'); name the column(s) the rule reads");
  }

  private static double threshold(String source, LocatedNode item, String id) throws SpecException {
    LocatedNode t = item.field("threshold");
    if (t == null) {
      throw new SpecException(source, item.line(), id, "missing field 'threshold': the largest share"
          + " of failing rows (0 to 1) at which the slice still passes, e.g. threshold: 0.0");
    }
    if (!t.node().isNumber() || t.node().asDouble() < 0 || t.node().asDouble() > 1) {
      throw new SpecException(source, t.line(), id, "threshold must be a number from 0 to 1, got '"
          + t.node().asText() + "'");
    }
    return t.node().asDouble();
  }

  /** The rule's GB/T 36344 indicator, which must be one of its dimension's. */
  private static Gbt36344.Indicator indicator(String source, LocatedNode item, String id,
      QualityDimension dimension) throws SpecException {
    List<String> allowed = Gbt36344.Dimension.of(dimension.code()).orElseThrow().indicators()
        .stream().map(Gbt36344.Indicator::code).toList();
    String value = text(source, item, "indicator", id, "the GB/T 36344-2018 indicator of dimension "
        + dimension.code() + ": one of " + String.join(", ", allowed));
    if (!allowed.contains(value)) {
      throw new SpecException(source, item.lineOf("indicator"), id, "bad indicator '" + value
          + "' for dimension " + dimension.code() + "; use one of " + String.join(", ", allowed));
    }
    return Gbt36344.Indicator.of(value).orElseThrow();
  }

  private static <E extends Enum<E>> E enumField(String source, LocatedNode item, String field,
      String id, Class<E> type) throws SpecException {
    String allowed = Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    String value = text(source, item, field, id, "one of " + allowed);
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
        return e;
      }
    }
    throw new SpecException(source, item.lineOf(field), id, "bad " + field + " '" + value
        + "'; use one of " + allowed);
  }

  private static String text(String source, LocatedNode node, String field, String id, String hint)
      throws SpecException {
    LocatedNode value = node.field(field);
    if (value == null) {
      throw new SpecException(source, node.line(), id, "missing field '" + field + "' (" + hint + ")");
    }
    if (!value.node().isValueNode() || value.node().isNull() || value.node().asText().isBlank()) {
      throw new SpecException(source, value.line(), id, "'" + field + "' must be a plain value ("
          + hint + ")");
    }
    return value.node().asText();
  }

  private static void unknownFields(String source, LocatedNode node, Set<String> known, String id)
      throws SpecException {
    for (String key : node.fields().keySet()) {
      if (!known.contains(key)) {
        throw new SpecException(source, node.lineOf(key), id, "unknown field '" + key
            + "'; known fields here are " + new TreeSet<>(known));
      }
    }
  }

  /** Hex SHA-256 of the spec bytes: the spec's identity in check results and the run ledger. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
