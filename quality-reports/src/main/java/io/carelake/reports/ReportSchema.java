package io.carelake.reports;

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
import java.util.List;
import java.util.Locale;

/**
 * The JSON Schema of {@code report.json} ({@value #RESOURCE}, draft 2020-12, shipped in this
 * module's jar for anyone who reads reports). The job validates every report against it before
 * writing a byte, so a report that breaks its own contract is an error, never a file.
 */
final class ReportSchema {

  static final String RESOURCE = "carelake/reports/report.schema.json";

  private static final JsonSchema SCHEMA = compile(RESOURCE);

  private ReportSchema() {}

  /** The violations of {@code json}, each as {@code /json/pointer: message}; empty when valid. */
  static List<String> violations(byte[] json) {
    JsonNode tree;
    try {
      tree = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
    return SCHEMA.validate(tree).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  /** Throws when {@code json} does not follow the schema: a bug in the report job. */
  static void require(byte[] json, String reportId) {
    List<String> problems = violations(json);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("report " + reportId + " does not follow " + RESOURCE
          + " (a bug in quality-reports; nothing was written): " + String.join("; ",
          problems.subList(0, Math.min(10, problems.size()))));
    }
  }

  /** A JSON Schema (2020-12) of this jar, with errors located by JSON pointer. */
  static JsonSchema compile(String resource) {
    try (InputStream in = ReportSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the quality-reports jar;"
            + " rebuild it");
      }
      SchemaValidatorsConfig config = new SchemaValidatorsConfig();
      config.setPathType(PathType.JSON_POINTER);
      config.setLocale(Locale.ROOT);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(new ObjectMapper().readTree(in), config);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
