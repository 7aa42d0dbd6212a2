package io.carelake.features.cohort;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.config.LocatedYaml;
import io.carelake.features.cohort.CohortDefinition.Criterion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a cohort definition (YAML), validates it against {@value #SCHEMA} (JSON Schema 2020-12)
 * and then for what a schema cannot say (a time at risk that ends before it starts or overlaps the
 * feature window, repeated windows or names, unknown code sets), and builds the typed
 * {@link CohortDefinition}. Every error is a {@link DefinitionException} with {@code file:line}.
 *
 * <p>The YAML is read by core's {@link LocatedYaml}, the project's one line-aware reader: Jackson's
 * tree (what the schema validates and the records are built from) with the line of every key and
 * item.
 */
public final class DefinitionLoader {

  public static final String BUILT_IN = "carelake/cohorts/chronic-risk.yaml";
  public static final String SCHEMA = "carelake/cohorts/cohort.schema.json";
  static final String CODES_DIR = "carelake/cohorts/codes/";


  private DefinitionLoader() {}

  /** The definition shipped with feature-jobs. */
  public static CohortDefinition builtIn() {
    try {
      return parse("built-in " + BUILT_IN, resource(BUILT_IN), null);
    } catch (DefinitionException e) {
      throw new IllegalStateException("The built-in cohort definition is invalid: " + e.getMessage(),
          e);
    }
  }

  /** A definition file; code sets it names are looked up in {@code <its dir>/codes/} first. */
  public static CohortDefinition load(Path file) throws DefinitionException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DefinitionException(file.toString(), 0, "cannot read the cohort definition ("
          + e.getMessage() + "); check --cohort");
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.toString(), bytes, dir == null ? null : dir.resolve("codes"));
  }

  /** Parses and validates; {@code codesDir} (or null) holds code sets besides the built-in ones. */
  static CohortDefinition parse(String source, byte[] bytes, Path codesDir)
      throws DefinitionException {
    LocatedYaml lines;
    try {
      lines = LocatedYaml.parse(bytes);
    } catch (LocatedYaml.SyntaxException e) {
      throw new DefinitionException(source, e.line(), "not valid YAML: " + e.getMessage());
    }
    JsonNode root = lines.root();
    if (root == null || !root.isObject()) {
      throw new DefinitionException(source, 1, "a cohort definition is a map with cohort:,"
          + " target:, index_dates:, time_at_risk:, washout:, features: and outcomes:");
    }
    if (!lines.duplicates().isEmpty()) {
      LocatedYaml.Duplicate d = lines.duplicates().get(0);
      throw new DefinitionException(source, d.line(), "'" + d.key() + "' is given twice (first"
          + " at line " + d.firstLine() + "); keep one");
    }
    DefinitionSchema.validate(source, root, lines);
    Map<String, byte[]> codeSetBytes = new TreeMap<>();
    CohortDefinition d = build(source, root, lines, codesDir, codeSetBytes);
    check(source, d, root, lines);
    return withHash(d, bytes, codeSetBytes);
  }

  // --- building the records -----------------------------------------------------------------------

  private static CohortDefinition build(String source, JsonNode root, LocatedYaml lines,
      Path codesDir, Map<String, byte[]> codeSetBytes) throws DefinitionException {
    JsonNode c = root.get("cohort");
    JsonNode t = root.get("target");
    JsonNode i = root.get("index_dates");
    JsonNode r = root.get("time_at_risk");
    JsonNode w = root.path("washout").path("prior_outcome_lookback_days");
    JsonNode f = root.get("features");
    CohortDefinition.Target target = new CohortDefinition.Target(t.get("lookback_days").asInt(),
        t.get("min_visits").asInt(), t.get("min_prior_observation_days").asInt(),
        t.get("observation_persistence_days").asInt());
    CohortDefinition.IndexDates indexDates = new CohortDefinition.IndexDates(
        CohortDefinition.Sampling.of(i.get("sampling").asText()), i.path("seed").asLong(0));
    CohortDefinition.TimeAtRisk tar = new CohortDefinition.TimeAtRisk(r.get("start_days").asInt(),
        r.get("end_days").asInt(), r.get("min_days").asInt());
    CohortDefinition.Washout washout = new CohortDefinition.Washout(
        w.isIntegralNumber() ? w.asInt() : null);

    List<Integer> windows = new ArrayList<>();
    f.get("windows_days").forEach(n -> windows.add(n.asInt()));
    List<CohortDefinition.Measurement> measurements = new ArrayList<>();
    for (JsonNode m : f.get("measurements")) {
      measurements.add(new CohortDefinition.Measurement(m.get("name").asText(), texts(m.get("loinc"))));
    }
    List<CohortDefinition.HistoryFlag> history = new ArrayList<>();
    int h = 0;
    for (JsonNode item : f.get("history")) {
      String name = item.get("name").asText();
      String kind = item.has("diagnosis") ? "diagnosis" : "prescription";
      history.add(new CohortDefinition.HistoryFlag(name, criterion(source, lines, kind,
          item.get(kind), List.of("features", "history", String.valueOf(h), kind), codesDir,
          codeSetBytes)));
      h++;
    }
    CohortDefinition.Features features = new CohortDefinition.Features(List.copyOf(windows),
        List.copyOf(measurements), texts(f.get("visit_types")), List.copyOf(history));

    List<CohortDefinition.Outcome> outcomes = new ArrayList<>();
    int o = 0;
    for (JsonNode out : root.get("outcomes")) {
      List<Criterion> anyOf = new ArrayList<>();
      int k = 0;
      for (JsonNode crit : out.get("any_of")) {
        String kind = crit.fieldNames().next();
        anyOf.add(criterion(source, lines, kind, crit.get(kind),
            List.of("outcomes", String.valueOf(o), "any_of", String.valueOf(k), kind), codesDir,
            codeSetBytes));
        k++;
      }
      outcomes.add(new CohortDefinition.Outcome(out.get("id").asText(), List.copyOf(anyOf)));
      o++;
    }
    return new CohortDefinition(c.get("name").asText(), c.get("version").asText(),
        c.path("description").asText(""), target, indexDates, tar, washout, features,
        List.copyOf(outcomes), source, null);
  }

  private static Criterion criterion(String source, LocatedYaml lines, String kind, JsonNode node,
      List<String> path, Path codesDir, Map<String, byte[]> codeSetBytes)
      throws DefinitionException {
    return switch (kind) {
      case "diagnosis" -> new CohortDefinition.Diagnosis(node.has("code_set")
          ? codeSet(source, lines, node.get("code_set").asText(), append(path, "code_set"),
              codesDir, codeSetBytes)
          : new CodeSet("inline", source + ":" + lines.line(path), texts(node.get("codes"))));
      case "prescription" -> new CohortDefinition.Prescription(texts(node.get("atc")));
      default -> {
        List<CohortDefinition.Threshold> thresholds = new ArrayList<>();
        for (JsonNode t : node.get("any_of")) {
          thresholds.add(new CohortDefinition.Threshold(texts(t.get("loinc")),
              t.has("min") ? t.get("min").asDouble() : null,
              t.has("max") ? t.get("max").asDouble() : null,
              t.has("source") ? t.get("source").asText() : null));
        }
        yield new CohortDefinition.MeasuredTwice(node.get("distinct_days").asInt(),
            List.copyOf(thresholds));
      }
    };
  }

  private static CodeSet codeSet(String source, LocatedYaml lines, String name, List<String> path,
      Path codesDir, Map<String, byte[]> codeSetBytes) throws DefinitionException {
    byte[] bytes = null;
    String from = null;
    if (codesDir != null && Files.isRegularFile(codesDir.resolve(name + ".txt"))) {
      try {
        bytes = Files.readAllBytes(codesDir.resolve(name + ".txt"));
        from = codesDir.resolve(name + ".txt").toString();
      } catch (IOException e) {
        throw new DefinitionException(source, lines.line(path), "cannot read code set file "
            + codesDir.resolve(name + ".txt") + ": " + e.getMessage());
      }
    } else {
      try (InputStream in = DefinitionLoader.class.getClassLoader()
          .getResourceAsStream(CODES_DIR + name + ".txt")) {
        if (in != null) {
          bytes = in.readAllBytes();
          from = "built-in " + CODES_DIR + name + ".txt";
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (bytes == null) {
      throw new DefinitionException(source, lines.line(path), "unknown code set '" + name + "': no "
          + (codesDir == null ? "" : codesDir.resolve(name + ".txt") + " and no ")
          + "built-in " + CODES_DIR + name + ".txt (built-in: icd10-hypertension,"
          + " icd10-type2-diabetes)");
    }
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      n++;
      String e = line.strip();
      if (e.isEmpty() || e.startsWith("#")) {
        continue;
      }
      if (!CodeSet.ENTRY.matcher(e).matches()) {
        throw new DefinitionException(from, n, "'" + e + "' is not an ICD-10 code (E11, R73.0) or"
            + " a range of categories (I10-I15)");
      }
      entries.add(e);
    }
    if (entries.isEmpty()) {
      throw new DefinitionException(from, n, "the code set holds no code");
    }
    codeSetBytes.put(name, bytes);
    return new CodeSet(name, from, List.copyOf(entries));
  }

  private static List<String> append(List<String> path, String key) {
    List<String> out = new ArrayList<>(path);
    out.add(key);
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return List.copyOf(out);
  }

  // --- what the schema cannot say ---------------------------------------------------------------

  private static void check(String source, CohortDefinition d, JsonNode root, LocatedYaml lines)
      throws DefinitionException {
    CohortDefinition.TimeAtRisk tar = d.timeAtRisk();
    if (tar.startDays() < 0) {
      throw new DefinitionException(source, lines.line("time_at_risk", "start_days"), "the time at"
          + " risk starts " + -tar.startDays() + " days before the index date: it overlaps the"
          + " feature window (features see only what came before the index); start_days must be"
          + " 0 or more");
    }
    if (tar.endDays() <= tar.startDays()) {
      throw new DefinitionException(source, lines.line("time_at_risk", "end_days"), "the time at risk"
          + " ends (end_days " + tar.endDays() + ") before it starts (start_days "
          + tar.startDays() + "); end_days must be greater than start_days");
    }
    if (tar.minDays() > tar.lengthDays()) {
      throw new DefinitionException(source, lines.line("time_at_risk", "min_days"), "min_days "
          + tar.minDays() + " is longer than the time at risk (" + tar.lengthDays() + " days)");
    }
    Map<Integer, Integer> windows = new HashMap<>();
    List<Integer> ws = d.features().windowsDays();
    for (int i = 0; i < ws.size(); i++) {
      Integer first = windows.putIfAbsent(ws.get(i), i);
      if (first != null) {
        throw new DefinitionException(source, lines.line("features", "windows_days",
            String.valueOf(i)), "window " + ws.get(i) + " days is listed twice (features"
            + " would overlap exactly); list each window once");
      }
    }
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, String> loincOwner = new HashMap<>();
    List<CohortDefinition.Measurement> ms = d.features().measurements();
    for (int i = 0; i < ms.size(); i++) {
      String where = "features.measurements[" + i + "]";
      unique(source, lines, names, ms.get(i).name(), where,
          List.of("features", "measurements", String.valueOf(i), "name"));
      for (String code : ms.get(i).loinc()) {
        String owner = loincOwner.putIfAbsent(code, ms.get(i).name());
        if (owner != null) {
          throw new DefinitionException(source, lines.line("features", "measurements",
              String.valueOf(i), "loinc"), "LOINC " + code + " is read by both '" + owner
              + "' and '" + ms.get(i).name() + "'; a code belongs to one measurement");
        }
      }
    }
    List<CohortDefinition.HistoryFlag> hs = d.features().history();
    for (int i = 0; i < hs.size(); i++) {
      unique(source, lines, names, hs.get(i).name(), "features.history[" + i + "]",
          List.of("features", "history", String.valueOf(i), "name"));
    }
    Set<String> visitTypes = new TreeSet<>();
    List<String> vt = d.features().visitTypes();
    for (int i = 0; i < vt.size(); i++) {
      if (!visitTypes.add(vt.get(i))) {
        throw new DefinitionException(source, lines.line("features", "visit_types",
            String.valueOf(i)), "visit type '" + vt.get(i) + "' is listed twice");
      }
    }
    Set<String> outcomeIds = new TreeSet<>();
    for (int o = 0; o < d.outcomes().size(); o++) {
      CohortDefinition.Outcome out = d.outcomes().get(o);
      if (!outcomeIds.add(out.id())) {
        throw new DefinitionException(source, lines.line("outcomes", String.valueOf(o), "id"),
            "outcome id '" + out.id() + "' is used twice; ids name the rows of each outcome");
      }
      for (int k = 0; k < out.anyOf().size(); k++) {
        if (out.anyOf().get(k) instanceof CohortDefinition.MeasuredTwice m) {
          for (int j = 0; j < m.anyOf().size(); j++) {
            CohortDefinition.Threshold th = m.anyOf().get(j);
            if (th.min() == null && th.max() == null) {
              throw new DefinitionException(source, lines.line("outcomes", String.valueOf(o),
                  "any_of", String.valueOf(k), "measurement", "any_of", String.valueOf(j)),
                  "a measurement threshold needs min or max (e.g. min: 140)");
            }
            if (th.min() != null && th.max() != null && th.min() > th.max()) {
              throw new DefinitionException(source, lines.line("outcomes", String.valueOf(o),
                  "any_of", String.valueOf(k), "measurement", "any_of", String.valueOf(j)),
                  "min " + th.min() + " is above max " + th.max() + ": no value can meet it");
            }
          }
        }
      }
    }
  }

  private static void unique(String source, LocatedYaml lines, Map<String, String> names,
      String name, String where, List<String> path) throws DefinitionException {
    String first = names.putIfAbsent(name, where);
    if (first != null) {
      throw new DefinitionException(source, lines.line(path), "feature name '" + name + "' is used"
          + " by " + first + " too; names become columns and must be unique");
    }
  }

  // --- identity -----------------------------------------------------------------------------------

  private static CohortDefinition withHash(CohortDefinition d, byte[] bytes,
      Map<String, byte[]> codeSetBytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes);
      for (Map.Entry<String, byte[]> e : codeSetBytes.entrySet()) {
        sha.update(("\u0000code-set:" + e.getKey() + "\u0000").getBytes(StandardCharsets.UTF_8));
        sha.update(e.getValue());
      }
      sha.update("\u0000drug-atc\u0000".getBytes(StandardCharsets.UTF_8));
      sha.update(DrugAtc.builtIn().bytes());
      String hash = HexFormat.of().formatHex(sha.digest());
      return new CohortDefinition(d.name(), d.version(), d.description(), d.target(),
          d.indexDates(), d.timeAtRisk(), d.washout(), d.features(), d.outcomes(), d.source(),
          hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = DefinitionLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name, e);
    }
  }
}
