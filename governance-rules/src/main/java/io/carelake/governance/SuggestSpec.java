package io.carelake.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.files.OwnerOnlyFiles;
import io.carelake.core.quality.Gbt36344;
import io.carelake.core.tables.TableName;
import io.carelake.core.time.Interval;
import io.carelake.governance.deequ.DeequAdapter;
import io.carelake.governance.deequ.Suggestions;
import io.carelake.governance.rules.RuleCompilers;
import io.carelake.governance.spec.SpecException;
import io.carelake.governance.spec.SpecLoader;
import io.carelake.spark.IcebergWrites;
import io.carelake.spark.JobContext;
import io.carelake.spark.JobMain;
import io.carelake.spark.OptionsJob;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code suggest-spec}: profiles a table (optionally one interval of it) with Deequ's
 * {@code ConstraintSuggestionRunner} and writes a draft governance spec for a new data source.
 * Every suggested rule is {@code severity: warn}, its rationale says it was suggested and quotes
 * the profile numbers, and its {@code clause} asks for the standard clause to be named; the file
 * passes the spec JSON Schema and the loader (checked before it is written). Suggestions Deequ makes
 * that carelake has no rule type for (e.g. the data type) are listed in the file's header comment.
 */
@Command(name = "suggest-spec", mixinStandardHelpOptions = true,
    description = "Profile a table with Deequ and write a draft governance spec (all rules warn).")
public final class SuggestSpec extends OptionsJob {

  @Option(names = "--table", required = true, paramLabel = "NS.TABLE",
      description = "The table to profile, e.g. raw.vitals.")
  String table;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the draft spec (YAML).")
  Path out;

  @Option(names = "--interval-start", paramLabel = "YYYY-MM-DD",
      description = "Optional: profile only event_time in [start, end) (UTC days).")
  String intervalStart;

  @Option(names = "--interval-end", paramLabel = "YYYY-MM-DD",
      description = "Optional: exclusive end of the interval.")
  String intervalEnd;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AT_LEAST = Pattern.compile(">=\\s*([0-9.]+)");
  private static final Pattern ARRAY = Pattern.compile("Array\\((.*?)\\)");
  private static final Pattern COLUMN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

  public static void main(String[] args) {
    System.exit(JobMain.run(new SuggestSpec(), args));
  }

  @Override
  public Interval interval() {
    if (intervalStart == null && intervalEnd == null) {
      return null;
    }
    if (intervalStart == null || intervalEnd == null) {
      throw new IllegalArgumentException("give both --interval-start and --interval-end, or"
          + " neither to profile the whole table");
    }
    return Interval.parse(intervalStart, intervalEnd);
  }

  @Override
  public void run(SparkSession spark, JobContext ctx) throws Exception {
    TableName name = TableName.parse(table);
    if (!ctx.tableExists(name)) {
      throw new IllegalStateException(name + " does not exist in catalog '" + ctx.catalogName()
          + "'; check --table (e.g. raw.vitals)");
    }
    Long snapshot = ctx.currentSnapshot(name);
    ctx.run().input(name.toString(), snapshot);
    Dataset<Row> data = GovernSlice.readAt(spark, ctx.table(name), snapshot);
    Interval interval = ctx.interval();
    if (interval != null) {
      if (!Arrays.asList(data.columns()).contains("event_time")) {
        throw new IllegalArgumentException(name + " has no event_time column; profile it without"
            + " --interval-start/--interval-end");
      }
      data = data.filter(IcebergWrites.inInterval("event_time", interval));
    }
    ctx.progress("profiling %s%s with Deequ's constraint suggestion", name,
        interval == null ? "" : " for " + interval);
    Suggestions s = DeequAdapter.suggest(data);
    Set<String> phi = phiColumns(ctx, name, data.columns());
    String yaml = render(name, interval, snapshot, s, phi);
    // the draft must load: schema, loader and compilers, before anything is written
    try {
      RuleCompilers.compile(new SpecLoader(RuleCompilers.types()).parse(out.toString(),
          yaml.getBytes(StandardCharsets.UTF_8)));
    } catch (SpecException e) {
      throw new IllegalStateException("the suggested spec does not validate (a bug in"
          + " suggest-spec): " + e.getMessage(), e);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // A draft spec may quote profiled values: owner-only, never written through a link.
    OwnerOnlyFiles.writeString(out, yaml);
    long rules = yaml.lines().filter(l -> l.startsWith("  - id: ")).count();
    ctx.run().count("profiled.rows", s.rows()).count("suggested.rules", rules)
        .parameter("out", out.toAbsolutePath());
    ctx.progress("%,d rows profiled, %d rules suggested", s.rows(), rules);
    System.out.println("spec: " + out.toAbsolutePath());
  }

  /** The draft spec as YAML text. */
  static String render(TableName table, Interval interval, Long snapshot, Suggestions s,
      Set<String> phi) {
    StringBuilder sb = new StringBuilder();
    sb.append("# DRAFT governance spec for ").append(table).append(", suggested by Deequ's")
        .append(" ConstraintSuggestionRunner (Rules.DEFAULT)\n# from ").append(s.rows())
        .append(" rows").append(interval == null ? "" : " of " + interval)
        .append(snapshot == null ? "" : " at snapshot " + snapshot)
        .append(". Every rule is severity warn. Before using it: review each rule, name the")
        .append(" standard clause\n# it implements, raise severities where rows must be")
        .append(" quarantined, and set the thresholds.\n");
    List<String> rules = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String prefix = table.name().replace('_', '-');
    for (Suggestions.Suggestion sug : s.suggestions()) {
      Suggestions.Profile p = s.profiles().get(sug.column());
      if (p == null || !COLUMN.matcher(sug.column()).matches()) {
        skipped.add(sug.rule() + " on " + sug.column() + " (no profile or unusual column name)");
        continue;
      }
      boolean isPhi = phi.contains(sug.column());
      if (isPhi && !sug.rule().equals("CompleteIfCompleteRule")
          && !sug.rule().equals("RetainCompletenessRule")
          && !sug.rule().equals("UniqueIfApproximatelyUniqueRule")) {
        skipped.add(sug.rule() + " on " + sug.column() + ": not written, the column holds PHI");
        continue;
      }
      if (isPhi) {
        p = new Suggestions.Profile(p.column(), p.completeness(), p.approxDistinct(),
            p.dataType(), java.util.Map.of(), null, null, null);
      }
      boolean valuesDone = rules.stream().anyMatch(r -> r.contains("\n    column: "
          + sug.column() + "\n    type: allowed_values\n"));
      if (valuesDone && sug.rule().endsWith("CategoricalRangeRule")) {
        skipped.add(sug.rule() + " on " + sug.column() + ": a value list is already suggested");
        continue;
      }
      final Suggestions.Profile prof = p;
      String rule = switch (sug.rule()) {
        case "CompleteIfCompleteRule" -> rule(ids, prefix, sug, prof, "complete", "completeness",
            "column: " + sug.column(), null, 0.0, Gbt36344.Indicator.ELEMENT, "completeness");
        case "RetainCompletenessRule" -> rule(ids, prefix, sug, prof, "completeness", "completeness",
            "column: " + sug.column(), null, failingShare(sug.code(), 1.0 - prof.completeness()),
            Gbt36344.Indicator.ELEMENT, "completeness");
        case "CategoricalRangeRule" -> {
          List<String> values = prof.histogram().keySet().stream()
              .filter(v -> !v.equals("NullValue")).sorted().toList();
          yield values.isEmpty() ? null : rule(ids, prefix, sug, prof, "values", "allowed_values",
              "column: " + sug.column(), "{values: " + list(values) + "}", 0.0,
              Gbt36344.Indicator.DATA_STANDARD, "conformance");
        }
        case "FractionalCategoricalRangeRule" -> {
          List<String> values = arrayValues(sug.code());
          yield values.isEmpty() ? null : rule(ids, prefix, sug, prof, "values", "allowed_values",
              "column: " + sug.column(), "{values: " + list(values) + "}",
              failingShare(sug.code(), 0.0), Gbt36344.Indicator.DATA_STANDARD, "conformance");
        }
        case "NonNegativeNumbersRule" -> rule(ids, prefix, sug, prof, "non-negative", "cross_field",
            "columns: [" + sug.column() + "]", "{expression: " + quote("`" + sug.column()
                + "` >= 0") + "}", 0.0, Gbt36344.Indicator.CONTENT_CORRECTNESS, "plausibility");
        case "UniqueIfApproximatelyUniqueRule" -> rule(ids, prefix, sug, prof, "unique", "unique",
            "column: " + sug.column(), null, 0.0, Gbt36344.Indicator.UNIQUENESS, "conformance");
        default -> null;
      };
      if (rule == null) {
        skipped.add(sug.rule() + " on " + sug.column() + ": " + sug.description());
      } else {
        rules.add(rule);
      }
    }
    if (!skipped.isEmpty()) {
      sb.append("#\n# Deequ also suggested (no carelake rule type, not written as rules):\n");
      skipped.forEach(x -> sb.append("#   - ").append(x.replace('\n', ' ')).append('\n'));
    }
    sb.append("spec:\n  name: ").append(quote(prefix + "-suggested")).append('\n')
        .append("  version: \"0\"\n  table: ").append(table).append('\n')
        .append("  description: ").append(quote("draft suggested by Deequ from " + s.rows()
            + " rows; review before use")).append("\n\nrules:\n");
    if (rules.isEmpty()) {
      // a spec needs a rule: the row count is the least one can check
      rules.add("  - id: " + prefix + "-suggested-none\n    columns: [" + firstColumn(s)
          + "]\n    type: completeness\n    severity: warn\n    threshold: 1.0\n"
          + "    dimension: completeness\n    indicator: element\n    kahn: completeness\n"
          + "    clause: "
          + quote("none yet: Deequ suggested no constraint") + "\n    rationale: "
          + quote("suggested placeholder: Deequ suggested no constraint for " + s.rows()
              + " rows") + "\n");
    }
    sb.append(String.join("\n", rules));
    return sb.toString();
  }

  private static String rule(Set<String> ids, String prefix, Suggestions.Suggestion sug,
      Suggestions.Profile p, String kind, String type, String columns, String params,
      double threshold, Gbt36344.Indicator indicator, String kahn) {
    String base = (prefix + "-" + sug.column() + "-" + kind).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_.-]", "-");
    String id = base;
    for (int i = 2; !ids.add(id); i++) {
      id = base + "-" + i;
    }
    StringBuilder r = new StringBuilder();
    r.append("  - id: ").append(id).append('\n')
        .append("    ").append(columns).append('\n')
        .append("    type: ").append(type).append('\n');
    if (params != null) {
      r.append("    params: ").append(params).append('\n');
    }
    r.append("    severity: warn\n")
        .append("    threshold: ").append(BigDecimal.valueOf(threshold).setScale(4,
            RoundingMode.UP).stripTrailingZeros().toPlainString()).append('\n')
        .append("    dimension: ").append(indicator.dimension().code()).append('\n')
        .append("    indicator: ").append(indicator.code()).append('\n')
        .append("    kahn: ").append(kahn).append('\n')
        .append("    clause: ").append(quote("none yet: suggested by Deequ " + sug.rule()
            + "; name the standard clause this rule implements")).append('\n')
        .append("    rationale: ").append(quote("suggested by Deequ " + sug.rule() + " ("
            + sug.description() + "); profile: " + profile(p))).append('\n');
    return r.toString();
  }

  static String profile(Suggestions.Profile p) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "completeness %.4f, ~%d distinct, type %s", p.completeness(), p.approxDistinct(),
        p.dataType()));
    if (p.minimum() != null) {
      sb.append(String.format(Locale.ROOT, ", min %s, max %s, mean %.4f", num(p.minimum()),
          num(p.maximum()), p.mean()));
    }
    if (!p.histogram().isEmpty() && p.histogram().size() <= 12) {
      sb.append(", counts ").append(p.histogram());
    }
    return sb.toString();
  }

  private static String num(Double d) {
    return d == null ? "?" : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** 1 - the share Deequ asserts ({@code _ >= 0.94} → 0.06); {@code fallback} without one. */
  static double failingShare(String code, double fallback) {
    Matcher m = AT_LEAST.matcher(code == null ? "" : code);
    double share = m.find() ? 1.0 - Double.parseDouble(m.group(1)) : fallback;
    return Math.min(1.0, Math.max(0.0, share));
  }

  /** The values of {@code Array("a", "b")} in Deequ's suggested code. */
  static List<String> arrayValues(String code) {
    Matcher m = ARRAY.matcher(code == null ? "" : code);
    if (!m.find()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Matcher v = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(m.group(1));
    while (v.find()) {
      out.add(v.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return out;
  }

  /**
   * Columns whose values must not be written into a spec: those the table's schema documents as
   * PHI, and by name anything that looks like a name, phone, address, birth date, resident id or
   * free text.
   */
  static Set<String> phiColumns(JobContext ctx, TableName table, String[] columns) {
    Set<String> out = new HashSet<>();
    try {
      org.apache.iceberg.Schema schema = ctx.icebergCatalog().loadTable(
          org.apache.iceberg.catalog.TableIdentifier.parse(table.toString())).schema();
      for (org.apache.iceberg.types.Types.NestedField f : schema.columns()) {
        if (f.doc() != null && f.doc().contains("PHI")) {
          out.add(f.name());
        }
      }
    } catch (RuntimeException e) {
      // not an Iceberg table: names only
    }
    for (String c : columns) {
      String l = c.toLowerCase(Locale.ROOT);
      if (l.contains("name") || l.contains("phone") || l.contains("address")
          || l.contains("birth") || l.contains("resident") || l.contains("note")
          || l.contains("complaint") || l.contains("id_card")) {
        out.add(c);
      }
    }
    return out;
  }

  private static String firstColumn(Suggestions s) {
    return s.profiles().keySet().stream().filter(c -> COLUMN.matcher(c).matches()).findFirst()
        .orElse("event_id");
  }

  private static String list(List<String> values) {
    return "[" + String.join(", ", values.stream().map(SuggestSpec::quote).toList()) + "]";
  }

  /** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
