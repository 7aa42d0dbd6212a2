package io.carelake.evaluation.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.config.LocatedYaml;

/**
 * An evaluation spec as a Jackson tree (what the JSON Schema validator reads) with the line of
 * every value and key by JSON pointer, from core's {@link LocatedYaml} (the project's one
 * line-aware reader), so that a validation error at {@code /gate/criteria/0/within} can name its
 * line. Duplicate keys are refused (the second would silently win otherwise).
 */
record YamlTree(JsonNode root, LocatedYaml yaml) {

  static YamlTree parse(String source, byte[] bytes) throws EvaluationSpecException {
    LocatedYaml yaml;
    try {
      yaml = LocatedYaml.parse(bytes);
    } catch (LocatedYaml.SyntaxException e) {
      throw new EvaluationSpecException(source, e.line(), "not valid YAML: " + e.getMessage(), e);
    }
    if (yaml.root() == null) {
      throw new EvaluationSpecException(source, 0, "the file is empty; an evaluation spec is a map"
          + " with spec, bootstrap, ..., gate (see the shipped evaluation-spec.yaml)");
    }
    if (!yaml.duplicates().isEmpty()) {
      LocatedYaml.Duplicate d = yaml.duplicates().get(0);
      throw new EvaluationSpecException(source, d.line(), "duplicate key '" + d.key()
          + "' (first at line " + d.firstLine() + "); keep one");
    }
    return new YamlTree(yaml.root(), yaml);
  }

  /** The line of the value at {@code pointer}, or of the deepest part of it that exists. */
  int lineOf(String pointer) {
    return yaml.valueLineAt(pointer);
  }

  /** The line of the key that {@code pointer} ends in (for "unknown field" messages). */
  int keyLineOf(String pointer) {
    return yaml.lineAt(pointer);
  }
}
