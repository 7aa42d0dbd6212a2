package io.carelake.deid;

import io.carelake.core.config.ConfigException;
import io.carelake.core.config.SmallFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  DeidPolicy(String source, int k, double maxSuppression, List<String> quasiIdentifiers,
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

  static String sha256(String text) {
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

  /** Parses and checks the policy's own consistency (not yet against the tables). */
  static DeidPolicy parse(String yaml, String file) {
    return DeidPolicyParser.parse(yaml, file);
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** What the job can do with each column it knows (see the class comment). */
  void checkSupported(String file, List<String> errors) {
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
