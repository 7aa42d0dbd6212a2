package io.carelake.features.cohort;

import static io.carelake.features.cohort.DefinitionLoader.SCHEMA;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.carelake.core.config.LocatedYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cohort definition held against {@value DefinitionLoader#SCHEMA} (JSON Schema 2020-12): each
 * violation becomes a {@link DefinitionException} at the line of the field it concerns, worded for
 * the person who wrote the file (a missing or unknown field, an unknown code system with the one to
 * write, a bad value with what was given).
 */
final class DefinitionSchema {

  private static final JsonSchema SCHEMA_VALIDATOR = schema();
  private static final Pattern PATH_TOKEN = Pattern.compile("\\.([A-Za-z0-9_]+)|\\[(\\d+)]");

  private DefinitionSchema() {}

  private static JsonSchema schema() {
    try (InputStream in = DefinitionSchema.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + SCHEMA + " is missing from the jar");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + SCHEMA, e);
    }
  }

  /** Every schema violation, as one {@link DefinitionException} (the first at its line). */
  static void validate(String source, JsonNode root, LocatedYaml lines)
      throws DefinitionException {
    List<DefinitionException> problems = new ArrayList<>();
    for (ValidationMessage m : SCHEMA_VALIDATOR.validate(root)) {
      problems.add(problem(source, root, lines, m));
    }
    if (problems.isEmpty()) {
      return;
    }
    problems.sort(Comparator.comparingInt(DefinitionException::line)
        .thenComparing(DefinitionException::getMessage));
    DefinitionException first = problems.get(0);
    if (problems.size() == 1) {
      throw first;
    }
    StringBuilder more = new StringBuilder(first.problem());
    problems.subList(1, Math.min(4, problems.size())).forEach(p -> more.append("; also line ")
        .append(p.line()).append(": ").append(p.problem()));
    if (problems.size() > 4) {
      more.append("; and ").append(problems.size() - 4).append(" more");
    }
    throw new DefinitionException(source, first.line(), more.toString());
  }

  private static DefinitionException problem(String source, JsonNode root, LocatedYaml lines,
      ValidationMessage m) {
    List<String> path = path(m.getPath());
    String where = where(path);
    String[] args = m.getArguments() == null ? new String[0] : m.getArguments();
    String arg = args.length > 0 ? args[0] : "?";
    String type = m.getType() == null ? "" : m.getType();
    String key = path.isEmpty() ? "" : path.get(path.size() - 1);
    JsonNode value = root.at(pointer(path));
    switch (type) {
      case "required" -> {
        return new DefinitionException(source, lines.line(path), "missing field '" + arg + "'"
            + (where.isEmpty() ? "" : " in " + where));
      }
      case "additionalProperties" -> {
        List<String> at = new ArrayList<>(path);
        at.add(arg);
        return new DefinitionException(source, lines.line(at), "unknown field '" + arg + "'"
            + (where.isEmpty() ? "" : " in " + where) + "; check the spelling against"
            + " feature-jobs/README.md, \"Cohort definitions\"");
      }
      case "enum", "const" -> {
        String shown = value.isMissingNode() ? "?" : value.asText();
        if ("system".equals(key)) {
          return new DefinitionException(source, lines.line(path), "unknown code system '" + shown
              + "' in " + where + "; " + systemHint(path));
        }
        if ("sampling".equals(key)) {
          return new DefinitionException(source, lines.line(path), "unknown index-date sampling '"
              + shown + "'; use monthly, every-visit or one-random-per-patient");
        }
        return new DefinitionException(source, lines.line(path), "bad value '" + shown + "' for "
            + where);
      }
      default -> {
        String message = m.getMessage();
        int colon = message.indexOf(": ");
        String said = colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
        return new DefinitionException(source, lines.line(path), (where.isEmpty() ? "" : where + ": ")
            + said + (value.isMissingNode() || value.isContainerNode() ? "" : " (got "
            + value + ")"));
      }
    }
  }

  private static String systemHint(List<String> path) {
    String kind = path.size() >= 2 ? path.get(path.size() - 2) : "";
    return switch (kind) {
      case "diagnosis" -> "diagnoses are ICD-10 codes: write system: icd10";
      case "prescription" -> "prescriptions are matched by WHO ATC class: write system: atc";
      case "measurement" -> "measurements are LOINC codes: write system: loinc";
      default -> "known systems are icd10 (diagnosis), atc (prescription), loinc (measurement)";
    };
  }

  /** {@code $.outcomes[0].any_of[1].diagnosis} → [outcomes, 0, any_of, 1, diagnosis]. */
  static List<String> path(String legacy) {
    List<String> out = new ArrayList<>();
    if (legacy == null) {
      return out;
    }
    Matcher m = PATH_TOKEN.matcher(legacy.startsWith("$") ? legacy.substring(1) : legacy);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }

  private static String pointer(List<String> path) {
    StringBuilder sb = new StringBuilder();
    path.forEach(p -> sb.append('/').append(p));
    return sb.toString();
  }

  private static String where(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String p : path) {
      if (p.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(p).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(p);
      }
    }
    return sb.toString();
  }
}
