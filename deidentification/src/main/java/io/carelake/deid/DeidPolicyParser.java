package io.carelake.deid;

import static io.carelake.deid.DeidPolicy.RESOURCE;
import static io.carelake.deid.DeidPolicy.VISITS;
import static io.carelake.deid.DeidPolicy.VITALS;
import static io.carelake.deid.DeidPolicy.lower;
import static io.carelake.deid.DeidPolicy.sha256;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.config.LocatedYaml;
import io.carelake.deid.DeidPolicy.Action;
import io.carelake.deid.DeidPolicy.ColumnClass;
import io.carelake.deid.DeidPolicy.PolicyException;
import io.carelake.deid.DeidPolicy.Rule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a de-identification policy's YAML into a {@link DeidPolicy}: every key and value checked,
 * every problem collected as {@code file:line: what, where, what to do} before one
 * {@link PolicyException} names them all. What the job can do with the columns it knows is checked
 * by the policy itself ({@link DeidPolicy#checkSupported}); the policy against the tables' real
 * columns by {@link DeidPolicy#validate}.
 */
final class DeidPolicyParser {

  private DeidPolicyParser() {}

  /** A YAML value and the line of its key (or of itself in a list). */
  record Node(Object value, int line) {
    @SuppressWarnings("unchecked")
    Map<String, Node> map() {
      return value instanceof Map<?, ?> m ? (Map<String, Node>) m : null;
    }

    @SuppressWarnings("unchecked")
    List<Node> list() {
      return value instanceof List<?> l ? (List<Node>) l : null;
    }

    String text() {
      return value instanceof String s ? s : null;
    }
  }

  /**
   * Reads YAML into {@link Node}s with lines, through core's {@link LocatedYaml} (the project's
   * one line-aware reader); each duplicate key is an error in {@code errors}.
   */
  static Node read(String yaml, String file, List<String> errors) {
    LocatedYaml located;
    try {
      located = LocatedYaml.parse(yaml.getBytes(StandardCharsets.UTF_8));
    } catch (LocatedYaml.SyntaxException e) {
      throw new PolicyException(file + ":" + (e.line() == 0 ? "?" : e.line())
          + ": not valid YAML (" + e.getMessage() + "); fix the syntax at that line");
    }
    if (located.root() == null) {
      throw new PolicyException(file + ":1: the policy is empty; start from the built-in "
          + RESOURCE);
    }
    for (LocatedYaml.Duplicate d : located.duplicates()) {
      errors.add(file + ":" + d.line() + ": '" + d.key() + "' is given twice (first at line "
          + d.firstLine() + "); keep one");
    }
    return node(located, located.root(), new ArrayList<>(), located.valueLine(List.of()));
  }

  private static Node node(LocatedYaml y, JsonNode value, List<String> path, int line) {
    if (value.isObject()) {
      Map<String, Node> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        path.add(e.getKey());
        map.put(e.getKey(), node(y, e.getValue(), path, y.line(path)));
        path.remove(path.size() - 1);
      }
      return new Node(map, line);
    }
    if (value.isArray()) {
      List<Node> list = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        path.add(Integer.toString(i));
        list.add(node(y, value.get(i), path, y.line(path)));
        path.remove(path.size() - 1);
      }
      return new Node(list, line);
    }
    return new Node(value.isNull() ? null : value.asText(), line);
  }

  static final Set<String> TOP_KEYS = Set.of("policy", "version", "k_anonymity", "date_shift",
      "tables");
  static final Set<String> RULE_KEYS = Set.of("class", "action", "key", "method", "top_code",
      "band_years", "output", "optional");

  /** Parses and checks the policy's own consistency (not yet against the tables). */
  static DeidPolicy parse(String yaml, String file) {
    List<String> errors = new ArrayList<>();
    Node root = read(yaml, file, errors);
    if (root.map() == null) {
      throw new PolicyException(file + ":" + root.line() + ": the policy must be a mapping with"
          + " keys " + TOP_KEYS + "; start from the built-in " + RESOURCE);
    }
    Map<String, Node> top = root.map();
    unknownKeys(top, TOP_KEYS, file, "the top level", errors);
    if (top.containsKey("version") && !"1".equals(top.get("version").text())) {
      errors.add(file + ":" + top.get("version").line() + ": version " + top.get("version").text()
          + " is not supported; this deidentify reads version 1");
    }
    int k = 5;
    int kLine = 0;
    double maxSuppression = 0.25;
    List<String> qis = List.of("sex", "birth_date", "facility_id");
    Node ka = top.get("k_anonymity");
    if (ka == null || ka.map() == null) {
      errors.add(file + ":" + (ka == null ? root.line() : ka.line()) + ": k_anonymity is missing;"
          + " add k_anonymity: {k: 5, max_suppression: 0.25, quasi_identifiers: [sex, birth_date,"
          + " facility_id]}");
    } else {
      unknownKeys(ka.map(), Set.of("k", "max_suppression", "quasi_identifiers"), file,
          "k_anonymity", errors);
      Node kn = ka.map().get("k");
      kLine = kn == null ? ka.line() : kn.line();
      k = intValue(kn, 1, Integer.MAX_VALUE, 5, file, "k_anonymity.k",
          "a whole number >= 1 (1 = no k-anonymity requirement)", errors);
      Node sn = ka.map().get("max_suppression");
      if (sn != null) {
        try {
          maxSuppression = Double.parseDouble(sn.text());
        } catch (RuntimeException e) {
          maxSuppression = Double.NaN;
        }
        if (!(maxSuppression >= 0 && maxSuppression <= 1)) {
          errors.add(file + ":" + sn.line() + ": k_anonymity.max_suppression must be a fraction"
              + " between 0 and 1, got '" + sn.text() + "'");
          maxSuppression = 0.25;
        }
      }
      Node qn = ka.map().get("quasi_identifiers");
      if (qn != null) {
        if (qn.list() == null) {
          errors.add(file + ":" + qn.line() + ": k_anonymity.quasi_identifiers must be a list of"
              + " curated.visits columns, e.g. [sex, birth_date, facility_id]");
        } else {
          List<String> q = new ArrayList<>();
          for (Node n : qn.list()) {
            if (!KAnonymity.SUPPORTED_QUASI_IDENTIFIERS.contains(n.text())) {
              errors.add(file + ":" + n.line() + ": k_anonymity.quasi_identifiers: '" + n.text()
                  + "' is not one the k-anonymity step can generalise; use some of "
                  + KAnonymity.SUPPORTED_QUASI_IDENTIFIERS);
            } else {
              q.add(n.text());
            }
          }
          qis = List.copyOf(q);
        }
      }
    }
    int shift = 0;
    Node ds = top.get("date_shift");
    if (ds != null) {
      if (ds.map() == null) {
        errors.add(file + ":" + ds.line() + ": date_shift must be a mapping: {max_days: 0}");
      } else {
        unknownKeys(ds.map(), Set.of("max_days"), file, "date_shift", errors);
        shift = intValue(ds.map().get("max_days"), 0, DateShift.MAX_DAYS, 0, file,
            "date_shift.max_days", "a whole number of days between 0 (off) and "
                + DateShift.MAX_DAYS, errors);
      }
    }
    Map<String, Map<String, Rule>> tables = new LinkedHashMap<>();
    Map<String, Integer> tableLines = new LinkedHashMap<>();
    Node tn = top.get("tables");
    if (tn == null || tn.map() == null) {
      errors.add(file + ":" + (tn == null ? root.line() : tn.line()) + ": tables is missing; list"
          + " every column of " + VISITS + " and " + VITALS + " under tables: {" + VISITS
          + ": {columns: ...}, " + VITALS + ": {columns: ...}}");
    } else {
      for (Map.Entry<String, Node> e : tn.map().entrySet()) {
        String table = e.getKey();
        if (!table.equals(VISITS) && !table.equals(VITALS)) {
          errors.add(file + ":" + e.getValue().line() + ": tables." + table + " is not a table"
              + " deidentify reads; use " + VISITS + " and " + VITALS);
          continue;
        }
        Node cols = e.getValue().map() == null ? null : e.getValue().map().get("columns");
        if (cols == null || cols.map() == null) {
          errors.add(file + ":" + e.getValue().line() + ": tables." + table + " needs a columns:"
              + " mapping with one entry per column of " + table);
          continue;
        }
        unknownKeys(e.getValue().map(), Set.of("columns"), file, "tables." + table, errors);
        tableLines.put(table, cols.line());
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (Map.Entry<String, Node> c : cols.map().entrySet()) {
          Rule r = rule(table, c.getKey(), c.getValue(), file, errors);
          if (r != null) {
            rules.put(c.getKey(), r);
          }
        }
        tables.put(table, rules);
      }
      for (String required : List.of(VISITS, VITALS)) {
        if (!tn.map().containsKey(required)) {
          errors.add(file + ":" + tn.line() + ": tables." + required + " is missing; classify"
              + " every column of " + required);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
    DeidPolicy policy = new DeidPolicy(file, k, maxSuppression, qis, shift, tables, tableLines,
        kLine, sha256(yaml));
    policy.checkSupported(file, errors);
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
    return policy;
  }

  private static void unknownKeys(Map<String, Node> map, Set<String> allowed, String file,
      String where, List<String> errors) {
    for (Map.Entry<String, Node> e : map.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        errors.add(file + ":" + e.getValue().line() + ": '" + e.getKey() + "' is not a key of "
            + where + "; allowed: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static int intValue(Node n, int min, int max, int dflt, String file, String what,
      String expected, List<String> errors) {
    if (n == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(n.text() == null ? "" : n.text().strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    errors.add(file + ":" + n.line() + ": " + what + " must be " + expected + ", got '"
        + n.text() + "'");
    return dflt;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, Node n, String file, String where,
      String key, List<String> errors) {
    String allowed = String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    if (n == null || n.text() == null) {
      errors.add(file + ":" + (n == null ? 0 : n.line()) + ": " + where + " has no " + key
          + "; give one of: " + allowed);
      return null;
    }
    try {
      return Enum.valueOf(type, n.text().strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      errors.add(file + ":" + n.line() + ": " + where + " has " + key + " '" + n.text()
          + "'; use one of: " + allowed);
      return null;
    }
  }

  private static Rule rule(String table, String column, Node n, String file, List<String> errors) {
    String where = table + " column '" + column + "'";
    if (n.map() == null) {
      errors.add(file + ":" + n.line() + ": " + where + " must be a mapping like {class: clinical,"
          + " action: keep}");
      return null;
    }
    Map<String, Node> m = n.map();
    unknownKeys(m, RULE_KEYS, file, where, errors);
    if (!m.containsKey("class")) {
      errors.add(file + ":" + n.line() + ": " + where + " has no class; give one of:"
          + " direct_identifier, quasi_identifier, sensitive, clinical, free_text");
    }
    if (!m.containsKey("action")) {
      errors.add(file + ":" + n.line() + ": " + where + " has no action; give one of: drop,"
          + " pseudonymise, shift_dates, generalise, suppress, keep, scrub");
    }
    ColumnClass cls = m.containsKey("class")
        ? enumValue(ColumnClass.class, m.get("class"), file, where, "class", errors) : null;
    Action action = m.containsKey("action")
        ? enumValue(Action.class, m.get("action"), file, where, "action", errors) : null;
    if (cls == null || action == null) {
      return null;
    }
    String key = m.containsKey("key") ? m.get("key").text() : null;
    String method = m.containsKey("method") ? m.get("method").text() : null;
    int topCode = intValue(m.get("top_code"), 1, 150, SafeRows.AGE_TOP_CODE, file,
        where + " top_code", "an age in years between 1 and 150", errors);
    int band = intValue(m.get("band_years"), 1, 50, 5, file, where + " band_years",
        "a band width in years between 1 and 50", errors);
    String output = m.containsKey("output") ? m.get("output").text() : null;
    boolean optional = false;
    if (m.containsKey("optional")) {
      String o = m.get("optional").text();
      if (o.equals("true") || o.equals("false")) {
        optional = o.equals("true");
      } else {
        errors.add(file + ":" + m.get("optional").line() + ": " + where + " optional must be true"
            + " or false, got '" + o + "'");
      }
    }
    int line = n.line();
    if (action == Action.PSEUDONYMISE && (key == null || key.isBlank())) {
      errors.add(file + ":" + line + ": " + where + " is pseudonymised without a key; add key: <key"
          + " id> (the id of deid.key-id, e.g. k1) or key: configured");
    }
    if (action != Action.PSEUDONYMISE && key != null) {
      errors.add(file + ":" + m.get("key").line() + ": " + where + " has a key but its action is "
          + lower(action) + "; remove key or use action: pseudonymise");
    }
    if (action == Action.GENERALISE && method == null) {
      errors.add(file + ":" + line + ": " + where + " is generalised without a method; add method:"
          + " birth_year, age_band (birth dates) or region (facilities)");
    }
    if (action != Action.GENERALISE && method != null) {
      errors.add(file + ":" + m.get("method").line() + ": " + where + " has a method but its"
          + " action is " + lower(action) + "; remove method or use action: generalise");
    }
    if (cls == ColumnClass.DIRECT_IDENTIFIER && action != Action.DROP
        && action != Action.PSEUDONYMISE) {
      errors.add(file + ":" + m.get("action").line() + ": " + where + " is a direct identifier"
          + " with action " + lower(action) + "; direct identifiers must be dropped or"
          + " pseudonymised (action: drop)");
    }
    if (cls == ColumnClass.FREE_TEXT && action != Action.SCRUB && action != Action.SUPPRESS
        && action != Action.DROP) {
      errors.add(file + ":" + m.get("action").line() + ": " + where + " is free text with action "
          + lower(action) + "; free text may hold PHI of anyone: use action: scrub (or suppress)");
    }
    return new Rule(column, cls, action, key, method, topCode, band, output, optional, line);
  }
}
