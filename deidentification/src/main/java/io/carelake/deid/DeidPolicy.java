package io.carelake.deid;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.config.ConfigException;
import io.carelake.core.config.LocatedYaml;
import io.carelake.core.config.SmallFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The de-identification policy: for every column of curated.visits and curated.vitals a class and
 * an action, plus the k-anonymity and date-shift parameters. Read from YAML (the resource
 * {@value #RESOURCE} by default, {@code --policy FILE} to override) with Jackson's YAML parser,
 * keeping each key's line so that every error says {@code file:line}, the table and column, and
 * what to write instead. {@link #validate} checks the policy against the curated tables' schemas
 * (metadata only) before any row is read: a curated column missing from the policy is an error,
 * so a new raw column can never reach safe.* unclassified.
 *
 * <p>What the job supports per column (anything else is an error naming the allowed actions):
 * <ul>
 *   <li>direct identifiers: {@code drop}, or {@code pseudonymise} for the resident id (required:
 *       patient_pseudonym is the join key of every safe table) — never {@code keep};</li>
 *   <li>{@code event_id}: {@code pseudonymise} (event_key = HMAC) or {@code keep} (event_key =
 *       event id in clear, which is not PHI);</li>
 *   <li>{@code event_time}, {@code ingest_time}, {@code record_time}: {@code keep} or
 *       {@code shift_dates} (shifted in
 *       the date-shifted release when {@code date_shift.max_days} &gt; 0; safe.* keeps real times,
 *       see {@link DateShift});</li>
 *   <li>{@code birth_date}: {@code generalise} with {@code method: birth_year} (birth_year and
 *       age_at_visit, ages at or over {@code top_code}, default 90, top-coded with birth_year
 *       withheld) or {@code method: age_band} (birth_year withheld, age_at_visit = the lower bound
 *       of a {@code band_years} band, default 5, top-coded), or {@code suppress};</li>
 *   <li>{@code facility_id}: {@code keep}, {@code generalise} with {@code method: region} (first
 *       four digits of its district code), or {@code suppress};</li>
 *   <li>{@code sex}, {@code visit_type}, {@code diagnoses}, {@code prescriptions}, and the vitals'
 *       {@code code}, {@code value}, {@code unit}, {@code source}: {@code keep} or
 *       {@code suppress} (null);</li>
 *   <li>free text ({@code chief_complaint}, {@code note}): {@code scrub} or {@code suppress} —
 *       never {@code keep};</li>
 *   <li>every other column (lineage, schema_version, clinician_id, device_id, governance_run_id,
 *       and any new one): {@code drop} — safe.* holds exactly its contract columns.</li>
 * </ul>
 */
public final class DeidPolicy {

  public static final String RESOURCE = "carelake/deid/policy.yaml";

  public enum ColumnClass { DIRECT_IDENTIFIER, QUASI_IDENTIFIER, SENSITIVE, CLINICAL, FREE_TEXT }

  public enum Action { DROP, PSEUDONYMISE, SHIFT_DATES, GENERALISE, SUPPRESS, KEEP, SCRUB }

  /** One column's rule, with the line it was written on. */
  /**
   * One column's rule, with the line it was written on. {@code optional}: the column may be absent
   * (fields only some sources send, which ingestion adds as columns when they first arrive, e.g.
   * the US identifiers of the loaders); a rule for a missing column is otherwise an error.
   */
  public record Rule(String column, ColumnClass cls, Action action, String key, String method,
      int topCode, int bandYears, String output, boolean optional, int line) {}

  public static final String VISITS = "curated.visits";
  public static final String VITALS = "curated.vitals";

  private final String source;
  private final int k;
  private final double maxSuppression;
  private final List<String> quasiIdentifiers;
  private final int dateShiftDays;
  private final Map<String, Map<String, Rule>> tables;
  private final Map<String, Integer> tableLines;
  private final int kLine;
  private final String sha256;

  private DeidPolicy(String source, int k, double maxSuppression, List<String> quasiIdentifiers,
      int dateShiftDays, Map<String, Map<String, Rule>> tables, Map<String, Integer> tableLines,
      int kLine, String sha256) {
    this.source = source;
    this.k = k;
    this.maxSuppression = maxSuppression;
    this.quasiIdentifiers = quasiIdentifiers;
    this.dateShiftDays = dateShiftDays;
    this.tables = tables;
    this.tableLines = tableLines;
    this.kLine = kLine;
    this.sha256 = sha256;
  }

  public String source() {
    return source;
  }

  /** Hex SHA-256 of the policy text (UTF-8): the policy's identity in the run ledger. */
  public String sha256() {
    return sha256;
  }

  public int k() {
    return k;
  }

  public double maxSuppression() {
    return maxSuppression;
  }

  public List<String> quasiIdentifiers() {
    return quasiIdentifiers;
  }

  public int dateShiftDays() {
    return dateShiftDays;
  }

  /** The rule of a column of a curated table; validated policies have one for every column. */
  /** The columns of {@code table} the policy classifies as direct identifiers. */
  public List<String> directIdentifiers(String table) {
    return tables.getOrDefault(table, Map.of()).values().stream()
        .filter(r -> r.cls() == ColumnClass.DIRECT_IDENTIFIER).map(Rule::column).toList();
  }

  public Rule rule(String table, String column) {
    Map<String, Rule> t = tables.get(table);
    Rule r = t == null ? null : t.get(column);
    if (r == null) {
      throw new IllegalStateException("policy " + source + " has no rule for " + table + "."
          + column + " (validate the policy before use)");
    }
    return r;
  }

  public Action action(String table, String column) {
    return rule(table, column).action();
  }

  // --- loading ---------------------------------------------------------------------------------

  /** The shipped policy. */
  public static DeidPolicy builtIn() {
    try (InputStream in = DeidPolicy.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the built-in policy " + RESOURCE + " is missing from the"
            + " classpath; rebuild the deidentification module");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in policy " + RESOURCE, e);
    }
  }

  /** A policy file ({@code --policy}). */
  public static DeidPolicy load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new PolicyException(file + ": the policy file does not exist; pass an existing YAML"
          + " file to --policy or leave it out to use the built-in " + RESOURCE);
    }
    try {
      return parse(new String(SmallFiles.read(file, "de-identification policy"),
          StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new PolicyException(file + ": cannot read the policy file (" + e.getMessage()
          + "); check that it is readable UTF-8 text");
    }
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** A policy problem: every message is {@code file:line: what, where, what to do}. */
  public static final class PolicyException extends ConfigException {
    private final List<String> errors;

    PolicyException(String message) {
      this(List.of(message));
    }

    PolicyException(List<String> errors) {
      super(errors.size() == 1 ? errors.get(0) : errors.size() + " problems in the"
          + " de-identification policy:\n  " + String.join("\n  ", errors));
      this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
      return errors;
    }
  }

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

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** What the job can do with each column it knows (see the class comment). */
  private void checkSupported(String file, List<String> errors) {
    for (Map.Entry<String, Map<String, Rule>> t : tables.entrySet()) {
      for (Rule r : t.getValue().values()) {
        String where = file + ":" + r.line() + ": " + t.getKey() + " column '" + r.column() + "'";
        Set<Action> allowed = allowedActions(t.getKey(), r.column());
        if (!allowed.contains(r.action())) {
          errors.add(where + " has action " + lower(r.action()) + ", which deidentify cannot"
              + " apply to it; use " + String.join(" or ", allowed.stream().map(DeidPolicy::lower)
              .sorted().toList()) + (allowed.equals(Set.of(Action.DROP))
              ? " (safe." + t.getKey().substring("curated.".length()) + " holds only its contract"
                  + " columns)" : ""));
          continue;
        }
        String expectedOutput = contractOutput(r.column());
        if (r.output() != null && !r.output().equals(expectedOutput)) {
          errors.add(where + " has output '" + r.output() + "'; it feeds the contract column '"
              + expectedOutput + "' (write output: " + expectedOutput + " or leave it out)");
        }
        if (r.action() == Action.GENERALISE) {
          Set<String> methods = r.column().equals("birth_date") ? Set.of("birth_year", "age_band")
              : Set.of("region");
          if (!methods.contains(r.method())) {
            errors.add(where + " has method '" + r.method() + "'; use " + String.join(" or ",
                new java.util.TreeSet<>(methods)));
          }
        }
        if (r.column().equals("resident_id") && r.action() == Action.DROP) {
          errors.add(where + " is dropped, but patient_pseudonym (the join key of every safe"
              + " table) comes from it; use action: pseudonymise");
        }
      }
    }
    for (String q : quasiIdentifiers) {
      Map<String, Rule> visits = tables.get(VISITS);
      Rule r = visits == null ? null : visits.get(q);
      if (r != null && r.cls() != ColumnClass.QUASI_IDENTIFIER) {
        errors.add(file + ":" + r.line() + ": " + VISITS + " column '" + q + "' is listed in"
            + " k_anonymity.quasi_identifiers but classed " + lower(r.cls()) + "; class it"
            + " quasi_identifier or remove it from the list");
      }
    }
  }

  static final Set<String> KEEP_OR_SUPPRESS = Set.of("sex", "visit_type", "diagnoses",
      "prescriptions", "code", "value", "unit", "source");

  static Set<Action> allowedActions(String table, String column) {
    return switch (column) {
      case "event_id" -> Set.of(Action.PSEUDONYMISE, Action.KEEP);
      case "resident_id" -> Set.of(Action.PSEUDONYMISE);
      case "event_time", "ingest_time", "record_time" -> Set.of(Action.KEEP, Action.SHIFT_DATES);
      case "birth_date" -> table.equals(VISITS) ? Set.of(Action.GENERALISE, Action.SUPPRESS)
          : Set.of(Action.DROP);
      case "facility_id" -> Set.of(Action.KEEP, Action.GENERALISE, Action.SUPPRESS);
      case "chief_complaint", "note" -> table.equals(VISITS)
          ? Set.of(Action.SCRUB, Action.SUPPRESS) : Set.of(Action.DROP);
      default -> KEEP_OR_SUPPRESS.contains(column) && (table.equals(VISITS)
          ? SafeRows.VISIT_COLUMNS.contains(column) : SafeRows.VITAL_COLUMNS.contains(column))
          ? Set.of(Action.KEEP, Action.SUPPRESS) : Set.of(Action.DROP);
    };
  }

  static String contractOutput(String column) {
    return switch (column) {
      case "event_id" -> "event_key";
      case "resident_id" -> "patient_pseudonym";
      case "birth_date" -> "birth_year, age_at_visit";
      default -> column;
    };
  }

  // --- against the tables ------------------------------------------------------------------------

  /**
   * Checks the policy against the columns the curated tables have (metadata, no rows), and the
   * key ids against the loaded key's: every table column must have a rule and every rule a column.
   * Throws {@link PolicyException} listing every problem.
   */
  public void validate(Map<String, List<String>> tableColumns, String keyId) {
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, List<String>> t : tableColumns.entrySet()) {
      Map<String, Rule> rules = tables.getOrDefault(t.getKey(), Map.of());
      int line = tableLines.getOrDefault(t.getKey(), 0);
      for (String column : t.getValue()) {
        if (!rules.containsKey(column)) {
          errors.add(source + ":" + line + ": " + t.getKey() + " has a column '" + column
              + "' that the policy does not classify; add it under tables." + t.getKey()
              + ".columns with a class and an action, e.g. " + column + ": {class: "
              + "clinical, action: drop} (nothing reaches safe.* unclassified)");
        }
      }
      for (Rule r : rules.values()) {
        if (!r.optional() && !t.getValue().contains(r.column())) {
          errors.add(source + ":" + r.line() + ": " + t.getKey() + " column '" + r.column()
              + "' is in the policy but not in the table (it has " + t.getValue() + "); remove"
              + " it or fix its name");
        }
      }
    }
    for (Map.Entry<String, Map<String, Rule>> t : tables.entrySet()) {
      for (Rule r : t.getValue().values()) {
        if (r.action() == Action.PSEUDONYMISE && !"configured".equals(r.key())
            && !r.key().equals(keyId)) {
          errors.add(source + ":" + r.line() + ": " + t.getKey() + " column '" + r.column()
              + "' is pseudonymised with key '" + r.key() + "' but the configured key is '"
              + keyId + "' (deid.key-id); write key: " + keyId + " (or key: configured), or"
              + " configure the key the policy names");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
  }

  /** The line of k_anonymity.k, for messages. */
  public int kLine() {
    return kLine;
  }
}
