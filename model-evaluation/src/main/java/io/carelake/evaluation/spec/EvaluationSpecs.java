package io.carelake.evaluation.spec;

import io.carelake.core.config.SmallFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an evaluation spec: parse the YAML (with lines), validate it against
 * {@code carelake/evaluation/evaluation-spec.schema.json} (JSON Schema 2020-12, the same validator as
 * the governance specs), then the checks a schema cannot express (ranges that must be ordered, ids
 * that must be unique, metrics a scope does not compute), and hash the bytes. The first problem
 * is reported with its file and line, and the others are counted.
 */
public final class EvaluationSpecs {

  public static final String DEFAULT_RESOURCE = "carelake/evaluation/evaluation-spec.yaml";
  public static final String SCHEMA_RESOURCE = "carelake/evaluation/evaluation-spec.schema.json";
  /** Metrics computed per subgroup cell (the gate's subgroups scope can read only these). */
  public static final Set<String> SUBGROUP_METRICS =
      Set.of("auroc", "brier", "observed_expected_ratio");

  private static final JsonSchema SCHEMA = compile();

  private EvaluationSpecs() {}

  /** The shipped default spec. */
  public static EvaluationSpec defaults() {
    try (InputStream in = EvaluationSpecs.class.getClassLoader()
        .getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return parse("classpath:" + DEFAULT_RESOURCE, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (EvaluationSpecException e) {
      throw new IllegalStateException("the shipped evaluation spec is invalid: " + e.getMessage(),
          e);
    }
  }

  public static EvaluationSpec load(Path file) throws EvaluationSpecException {
    byte[] bytes;
    try {
      bytes = SmallFiles.read(file, "evaluation spec");
    } catch (IOException e) {
      throw new EvaluationSpecException(file.toString(), 0, "cannot read the spec: "
          + e.getMessage() + " (check --spec)", e);
    }
    return parse(file.toString(), bytes);
  }

  public static EvaluationSpec parse(String source, byte[] bytes) throws EvaluationSpecException {
    YamlTree tree = YamlTree.parse(source, bytes);
    validate(source, tree);
    JsonNode root = tree.root();
    EvaluationSpec.Bootstrap bootstrap = new EvaluationSpec.Bootstrap(
        root.at("/bootstrap/resamples").asInt(), root.at("/bootstrap/seed").asLong(),
        root.at("/bootstrap/jackknife_groups").asInt());
    EvaluationSpec.OperatingPoints points = new EvaluationSpec.OperatingPoints(
        doubles(root.at("/operating_points/thresholds")),
        doubles(root.at("/operating_points/sensitivities")));
    EvaluationSpec.DecisionCurve curve = new EvaluationSpec.DecisionCurve(
        root.at("/decision_curve/from").asDouble(), root.at("/decision_curve/to").asDouble(),
        root.at("/decision_curve/step").asDouble());
    if (!(curve.from() < curve.to())) {
      throw new EvaluationSpecException(source, tree.lineOf("/decision_curve/to"),
          "decision_curve: 'to' (" + curve.to() + ") must be above 'from' (" + curve.from() + ")");
    }
    EvaluationSpec.Calibration calibration = new EvaluationSpec.Calibration(
        root.at("/calibration/bins").asInt(), root.at("/calibration/smoothing/method").asText(),
        root.at("/calibration/smoothing/span").asDouble(),
        root.at("/calibration/smoothing/bins").asInt());
    EvaluationSpec.Subgroups subgroups = new EvaluationSpec.Subgroups(
        texts(root.at("/subgroups/dimensions")), root.at("/subgroups/min_rows").asInt(),
        root.at("/subgroups/min_events").asInt(), texts(root.at("/subgroups/gap_metrics")),
        root.at("/subgroups/alpha").asDouble());
    EvaluationSpec.Gate gate = gate(source, tree);
    return new EvaluationSpec(root.at("/spec/name").asText(), root.at("/spec/version").asText(),
        source, sha256(bytes), bootstrap, root.at("/small_sample/min_events").asInt(), points,
        curve, calibration, subgroups, gate);
  }

  private static EvaluationSpec.Gate gate(String source, YamlTree tree)
      throws EvaluationSpecException {
    JsonNode g = tree.root().get("gate");
    String defaultInterval = g.get("interval").asText();
    List<EvaluationSpec.Criterion> criteria = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int i = 0;
    for (JsonNode c : g.get("criteria")) {
      String at = "/gate/criteria/" + i++;
      int line = tree.lineOf(at);
      String id = c.get("id").asText();
      Integer first = seen.putIfAbsent(id, line);
      if (first != null) {
        throw new EvaluationSpecException(source, line, "criterion '" + id + "' is defined twice"
            + " (first at line " + first + "); decisions record criteria by id");
      }
      String scope = c.get("scope").asText();
      String metric = c.get("metric").asText();
      String interval = c.has("interval") ? c.get("interval").asText() : defaultInterval;
      if ("obuchowski".equals(interval) && !"auroc".equals(metric)) {
        throw new EvaluationSpecException(source, tree.lineOf(at + "/interval"), "criterion '"
            + id + "': the obuchowski interval exists for auroc only, not " + metric
            + "; use cluster-bootstrap-bca");
      }
      if ("subgroups".equals(scope) && !SUBGROUP_METRICS.contains(metric)) {
        throw new EvaluationSpecException(source, tree.lineOf(at + "/metric"), "criterion '" + id
            + "': subgroups are measured by " + SUBGROUP_METRICS + " only, not " + metric);
      }
      Double lower = c.has("lower_bound_at_least") ? c.get("lower_bound_at_least").asDouble() : null;
      Double upper = c.has("upper_bound_at_most") ? c.get("upper_bound_at_most").asDouble() : null;
      if (c.has("within")) {
        lower = c.get("within").get(0).asDouble();
        upper = c.get("within").get(1).asDouble();
        if (!(lower < upper)) {
          throw new EvaluationSpecException(source, tree.lineOf(at + "/within"), "criterion '" + id
              + "': within [" + lower + ", " + upper + "] needs the lower limit first");
        }
      }
      criteria.add(new EvaluationSpec.Criterion(id, scope, metric, interval, lower, upper,
          c.get("rationale").asText(), line));
    }
    return new EvaluationSpec.Gate(defaultInterval,
        "reject".equals(g.get("when_no_comparator").asText()), List.copyOf(criteria));
  }

  private static void validate(String source, YamlTree tree) throws EvaluationSpecException {
    Set<ValidationMessage> messages = SCHEMA.validate(tree.root());
    if (messages.isEmpty()) {
      return;
    }
    List<EvaluationSpecException> problems = new ArrayList<>();
    for (ValidationMessage m : messages) {
      problems.add(describe(source, tree, m));
    }
    problems.sort(Comparator.comparingInt(EvaluationSpecException::line));
    EvaluationSpecException first = problems.get(0);
    if (problems.size() == 1) {
      throw first;
    }
    String problem = first.getMessage().substring(first.getMessage().indexOf(": ") + 2);
    throw new EvaluationSpecException(source, first.line(), problem + " (and "
        + (problems.size() - 1) + " more problem" + (problems.size() > 2 ? "s" : "") + ")");
  }

  /** One schema violation as a sentence at its line. */
  static EvaluationSpecException describe(String source, YamlTree tree, ValidationMessage m) {
    String pointer = m.getPath() == null ? "" : m.getPath();
    String where = pointer.isEmpty() ? "the spec" : dotted(pointer);
    String[] args = m.getArguments() == null ? new String[0] : m.getArguments();
    String arg = args.length > 0 ? args[0] : "";
    String type = m.getType() == null ? "" : m.getType();
    int line = tree.lineOf(pointer);
    String problem = switch (type) {
      case "required" -> where + ": missing key '" + arg + "'";
      case "additionalProperties" -> {
        line = tree.keyLineOf(pointer + "/" + arg.replace("~", "~0").replace("/", "~1"));
        yield where + ": unknown key '" + arg + "'";
      }
      case "enum" -> where + ": '" + tree.root().at(pointer).asText() + "' is not one of "
          + String.join(", ", args).replaceAll("^\\[|\\]$", "");
      case "oneOf" -> pointer.startsWith("/gate/criteria/")
          ? where + ": a criterion needs exactly one of lower_bound_at_least, upper_bound_at_most"
              + " or within"
          : where + ": " + stripPath(m.getMessage());
      default -> where + ": " + stripPath(m.getMessage());
    };
    return new EvaluationSpecException(source, line, problem);
  }

  private static String dotted(String pointer) {
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(part);
      }
    }
    return sb.toString();
  }

  private static String stripPath(String message) {
    int colon = message.indexOf(": ");
    return colon >= 0 ? message.substring(colon + 2) : message;
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return List.copyOf(out);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static JsonSchema compile() {
    try (InputStream in = EvaluationSpecs.class.getClassLoader()
        .getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath");
      }
      JsonNode tree = new ObjectMapper().readTree(in);
      SchemaValidatorsConfig config = new SchemaValidatorsConfig();
      config.setPathType(PathType.JSON_POINTER);
      config.setLocale(Locale.ROOT);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(tree, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
