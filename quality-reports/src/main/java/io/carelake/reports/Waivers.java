package io.carelake.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.carelake.core.config.LocatedYaml;
import io.carelake.core.time.Interval;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The waiver file ({@code --waivers FILE}, config {@value ReportJob#WAIVERS_FILE_KEY}): rule
 * results an accountable person accepts, for a scope, until a date.
 *
 * <pre>
 * waivers:
 *   - rule: vitals-timeliness
 *     scope: {table: raw.vitals, from: 2025-01-01, until: 2025-12-31}
 *     approver: data steward, clinic network QA
 *     reason: replayed history, the events are months old by design
 *     expires: 2026-06-30
 * </pre>
 *
 * <p>A waiver in force turns a FAIL or WARN of its rule into WAIVED, with the measurement, the
 * approver, the reason and the expiry beside it: nothing is hidden, the scorecard counts it as
 * WAIVED and the score keeps the failing rows. {@code scope.table} is the rule's table or
 * {@code *}; {@code from} / {@code until} (optional) bound the data intervals it covers. It is in
 * force on the days up to and including {@code expires} (UTC, the report's generation day); after
 * that it stops applying and the FAIL shows again, marked as an expired waiver. ERROR is never
 * waived: nothing was measured.
 *
 * <p>The file is validated against {@value #SCHEMA_RESOURCE} (JSON Schema 2020-12) and then for
 * real dates; every problem is reported as {@code file:line: waiver #n: what to change}.
 */
final class Waivers {

  static final String SCHEMA_RESOURCE = "carelake/reports/waivers.schema.json";
  static final String WAIVED = "WAIVED";
  /** Statuses a waiver can accept. */
  static final Set<String> WAIVABLE = Set.of("FAIL", "WARN");

  /** One waiver of the file. {@code line} is where its entry starts. */
  record Waiver(int number, int line, String rule, String table, LocalDate from, LocalDate until,
      String approver, String reason, LocalDate expires) {

    /** True when the waiver's scope holds the rule on {@code table} for {@code interval}. */
    boolean covers(String ruleId, String checkTable, Interval interval) {
      return rule.equals(ruleId) && ("*".equals(table) || table.equals(checkTable))
          && inScope(interval);
    }

    boolean inScope(Interval interval) {
      return (from == null || !interval.start().isBefore(from))
          && (until == null || !interval.end().isAfter(until.plusDays(1)));
    }

    boolean inForceOn(LocalDate day) {
      return !day.isAfter(expires);
    }
  }

  /** The waiver a check shows, as report.json writes it. */
  record Applied(String rule, String scopeTable, String from, String until, String approver,
      String reason, String expires, String source) {}

  /**
   * What became of each waiver in this report: {@code APPLIED} (to the rules listed),
   * {@code EXPIRED} (it matched a failing rule but its expiry has passed: the failure shows),
   * {@code NOT_NEEDED} (its rule did not fail), {@code OUT_OF_SCOPE} (another interval or table),
   * {@code NOT_WAIVABLE} (the rule is in ERROR), {@code NO_SUCH_RULE} (not checked by this run).
   */
  record Entry(int number, int line, String rule, String scopeTable, String from, String until,
      String approver, String reason, String expires, String state, List<String> appliedTo) {}

  /** The file and its entries; {@code source} null when no waiver file is configured. */
  record Outcome(String source, String sha256, List<Entry> entries) {
    static final Outcome NONE = new Outcome(null, null, List.of());

    long count(String state) {
      return entries.stream().filter(e -> e.state().equals(state)).count();
    }
  }

  private final String source;
  private final String sha256;
  private final List<Waiver> waivers;

  private Waivers(String source, String sha256, List<Waiver> waivers) {
    this.source = source;
    this.sha256 = sha256;
    this.waivers = List.copyOf(waivers);
  }

  static Waivers none() {
    return new Waivers(null, null, List.of());
  }

  List<Waiver> waivers() {
    return waivers;
  }

  /** A problem in a waiver file, located: {@code file:line: what, and what to write}. */
  static final class WaiverFileException extends IllegalArgumentException {
    WaiverFileException(String message) {
      super(message);
    }
  }

  /** Parses and validates a waiver file's bytes; {@code source} names it in messages. */
  static Waivers parse(String source, byte[] bytes) {
    List<Problem> problems = new ArrayList<>();
    LocatedYaml lines;
    try {
      lines = LocatedYaml.parse(bytes);
    } catch (LocatedYaml.SyntaxException e) {
      throw new WaiverFileException(source + ":" + e.line() + ": not valid YAML: "
          + e.getMessage());
    }
    JsonNode root = lines.root();
    if (root == null) {
      throw new WaiverFileException(source + ":1: the waiver file is empty; write"
          + " 'waivers:' and a list of waivers (or leave the file out)");
    }
    for (LocatedYaml.Duplicate d : lines.duplicates()) {
      problems.add(new Problem(d.line(), "'" + d.key() + "' is given twice here (first at line "
          + d.firstLine() + "); keep one"));
    }
    if (problems.isEmpty()) {
      for (ValidationMessage m : SCHEMA.validate(root)) {
        problems.add(locate(lines, root, m));
      }
    }
    List<Waiver> out = new ArrayList<>();
    if (problems.isEmpty()) {
      JsonNode list = root.get("waivers");
      for (int i = 0; i < list.size(); i++) {
        out.add(waiver(lines, list.get(i), i, problems));
      }
    }
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparingInt(Problem::line));
      Set<String> messages = new LinkedHashSet<>();
      problems.forEach(x -> messages.add(source + ":" + x.line() + ": " + x.what()));
      throw new WaiverFileException(messages.size() == 1 ? messages.iterator().next()
          : messages.size() + " problems in the waiver file:\n  " + String.join("\n  ",
          messages));
    }
    return new Waivers(source, Sha256.hex(bytes), out);
  }

  /** Applies the waivers in force to {@code checks}; returns the checks and what each waiver did. */
  Result apply(List<Report.Check> checks, Interval interval, LocalDate today) {
    List<Report.Check> judged = new ArrayList<>();
    Map<Integer, List<String>> appliedTo = new HashMap<>();
    Map<Integer, String> state = new HashMap<>();
    for (Report.Check c : checks) {
      Report.Check shown = c;
      for (Waiver w : waivers) {
        if (!w.rule().equals(c.ruleId())) {
          continue;
        }
        String s;
        if (!w.covers(c.ruleId(), c.table(), interval)) {
          s = "OUT_OF_SCOPE";
        } else if ("ERROR".equals(c.status())) {
          s = "NOT_WAIVABLE";
        } else if (!WAIVABLE.contains(c.status())) {
          s = "NOT_NEEDED";
        } else if (!w.inForceOn(today)) {
          s = "EXPIRED";
        } else if (shown != c) {
          s = "NOT_NEEDED"; // an earlier waiver of the file already applies
        } else {
          s = "APPLIED";
          shown = c.waivedBy(applied(w));
          appliedTo.computeIfAbsent(w.number(), k -> new ArrayList<>())
              .add(c.table() + ":" + c.ruleId());
        }
        state.merge(w.number(), s, Waivers::stronger);
      }
      judged.add(shown);
    }
    List<Entry> entries = new ArrayList<>();
    for (Waiver w : waivers) {
      entries.add(new Entry(w.number(), w.line(), w.rule(), w.table(), text(w.from()),
          text(w.until()), w.approver(), w.reason(), w.expires().toString(),
          state.getOrDefault(w.number(), "NO_SUCH_RULE"),
          appliedTo.getOrDefault(w.number(), List.of())));
    }
    return new Result(judged, new Outcome(source, sha256, entries));
  }

  record Result(List<Report.Check> checks, Outcome outcome) {}

  /** When a waiver meets several results, the state that matters most to an auditor wins. */
  private static String stronger(String a, String b) {
    List<String> order = List.of("APPLIED", "EXPIRED", "NOT_WAIVABLE", "NOT_NEEDED",
        "OUT_OF_SCOPE");
    return order.indexOf(a) <= order.indexOf(b) ? a : b;
  }

  private Applied applied(Waiver w) {
    return new Applied(w.rule(), w.table(), text(w.from()), text(w.until()), w.approver(),
        w.reason(), w.expires().toString(), source + ":" + w.line());
  }

  private static String text(LocalDate d) {
    return d == null ? null : d.toString();
  }

  // ---------------------------------------------------------------- parsing

  private static final JsonSchema SCHEMA = ReportSchema.compile(SCHEMA_RESOURCE);

  /** A problem at a line of the file: {@code what} starts with the waiver it is about. */
  private record Problem(int line, String what) {}

  /** A schema violation as {@code line: waiver #n (rule 'x'): what to write}. */
  private static Problem locate(LocatedYaml lines, JsonNode root, ValidationMessage m) {
    String pointer = m.getPath() == null || "/".equals(m.getPath()) || "$".equals(m.getPath())
        ? "" : m.getPath();
    String arg = m.getArguments() == null || m.getArguments().length == 0 ? null
        : m.getArguments()[0];
    String type = String.valueOf(m.getType());
    String at = "additionalProperties".equals(type) && arg != null ? pointer + "/" + arg : pointer;
    int line = lines.lineAt(at);
    String field = pointer.substring(pointer.lastIndexOf('/') + 1);
    String what = switch (type) {
      case "required" -> "missing field '" + arg + "' (" + HINTS.getOrDefault(arg, "required")
          + ")";
      case "additionalProperties" -> "unknown field '" + arg + "'; the fields are "
          + ("".equals(pointer) ? "[waivers]" : pointer.endsWith("/scope")
          ? "[table, from, until]" : "[rule, scope, approver, reason, expires]");
      case "pattern", "type", "minLength" -> field + " " + HINTS.getOrDefault(field,
          "is not valid") + ", got " + root.at(pointer);
      default -> (field.isEmpty() ? "the file" : field) + " is not valid: " + m.getMessage();
    };
    return new Problem(Math.max(1, line), who(root, pointer) + what);
  }

  private static final Map<String, String> HINTS = Map.of(
      "waivers", "a list of waivers",
      "rule", "the rule id as the specs write it, e.g. vitals-timeliness",
      "scope", "scope: {table: raw.vitals} or {table: \"*\"}, optionally with from / until dates",
      "table", "must be a table such as raw.vitals, or \"*\" for every table",
      "approver", "who accepts the failure: a role or an account, at least 3 characters",
      "reason", "why the failure is accepted, at least 10 characters",
      "expires", "the last day the waiver applies, YYYY-MM-DD",
      "from", "must be a date YYYY-MM-DD",
      "until", "must be a date YYYY-MM-DD");

  /** {@code waiver #2 (rule 'x'): } for a pointer inside the list, else nothing. */
  private static String who(JsonNode root, String pointer) {
    if (!pointer.startsWith("/waivers/")) {
      return "";
    }
    String rest = pointer.substring("/waivers/".length());
    int slash = rest.indexOf('/');
    int index = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
    return who(root.path("waivers").path(index), index);
  }

  private static String who(JsonNode waiver, int index) {
    JsonNode rule = waiver.path("rule");
    return "waiver #" + (index + 1) + (rule.isTextual() ? " (rule '" + rule.asText() + "')" : "")
        + ": ";
  }

  /** One schema-valid entry, with its dates checked as dates. */
  private static Waiver waiver(LocatedYaml lines, JsonNode w, int index,
      List<Problem> problems) {
    String base = "/waivers/" + index;
    String who = who(w, index);
    LocalDate from = date(lines, w.path("scope").path("from"), base + "/scope/from", who,
        problems);
    LocalDate until = date(lines, w.path("scope").path("until"), base + "/scope/until",
        who, problems);
    LocalDate expires = date(lines, w.path("expires"), base + "/expires", who, problems);
    if (from != null && until != null && until.isBefore(from)) {
      problems.add(new Problem(lines.lineAt(base + "/scope/until"), who + "scope.until " + until
          + " is before scope.from " + from + "; swap them"));
    }
    return new Waiver(index + 1, Math.max(1, lines.lineAt(base)), w.get("rule").asText(),
        w.path("scope").path("table").asText(), from, until, w.get("approver").asText(),
        w.get("reason").asText(), expires == null ? LocalDate.MIN : expires);
  }

  private static LocalDate date(LocatedYaml lines, JsonNode value,
      String pointer, String who, List<Problem> problems) {
    if (value.isMissingNode()) {
      return null;
    }
    try {
      return LocalDate.parse(value.asText());
    } catch (DateTimeParseException e) {
      problems.add(new Problem(lines.lineAt(pointer), who
          + pointer.substring(pointer.lastIndexOf('/') + 1) + " " + value.asText()
          + " is not a calendar date; write YYYY-MM-DD"));
      return null;
    }
  }

}
