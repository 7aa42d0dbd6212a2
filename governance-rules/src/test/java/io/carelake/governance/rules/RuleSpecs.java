package io.carelake.governance.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.governance.spec.KahnCategory;
import io.carelake.governance.spec.QualityDimension;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rules built directly as {@link RuleSpec}s, past the loader and its JSON Schema, so that each
 * compiler's own checks are reached (the schema rejects most of these inputs first). The rule sits
 * at line 3 of {@code t.yaml} and its params at line 5, so a message says which one it blames.
 * No Spark session: a {@link StructType} is plain data.
 */
final class RuleSpecs {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The columns the predicates are written against. */
  static final StructType SCHEMA = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("resident_id", DataTypes.StringType)
      .add("code", DataTypes.StringType)
      .add("loinc", DataTypes.StringType)
      .add("value", DataTypes.DoubleType)
      .add("unit", DataTypes.StringType)
      .add("diagnoses", DataTypes.createArrayType(DataTypes.StringType))
      .add("counts", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("birth_date", DataTypes.DateType)
      .add("event_time", DataTypes.TimestampType)
      .add("ingest_time", DataTypes.TimestampType);

  private RuleSpecs() {}

  static RuleSpec rule(String id, String type, List<String> columns, String paramsJson,
      Severity severity, double threshold) {
    JsonNode params;
    try {
      params = paramsJson == null ? null : JSON.readTree(paramsJson);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RuleSpec(id, columns, type, params, severity, threshold, null,
        QualityDimension.ACCURACY, KahnCategory.PLAUSIBILITY, "a clause", "a rationale", "t.yaml",
        3, 5);
  }

  static RuleSpec rule(String type, List<String> columns, String paramsJson) {
    return rule("r", type, columns, paramsJson, Severity.QUARANTINE, 0.05);
  }

  static CompiledRule compile(String type, List<String> columns, String paramsJson)
      throws SpecException {
    return RuleCompilers.compile(rule(type, columns, paramsJson));
  }

  /** The compiler's message for a rule it must refuse. */
  static String refusal(String type, List<String> columns, String paramsJson) {
    try {
      RuleCompilers.compile(rule(type, columns, paramsJson));
    } catch (SpecException e) {
      return e.getMessage();
    }
    throw new AssertionError(type + " " + columns + " " + paramsJson + " was compiled");
  }

  /** The predicate Deequ and the split both evaluate, without its null-safe wrapper. */
  static String predicate(CompiledRule rule) {
    return ((SqlPredicateRule) rule).passSql(SCHEMA);
  }
}
