package io.carelake.governance.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;

/** Reads a rule's {@code params:} tree into the typed record its rule type expects. */
final class RuleParams {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private RuleParams() {}

  /**
   * @param shape how the params look, for the error message, e.g. {@code {values: [a, b]}}
   * @return the params, or null when the rule has none and {@code required} is false
   */
  static <T> T read(RuleSpec rule, Class<T> type, boolean required, String shape)
      throws SpecException {
    if (rule.params() == null) {
      if (required) {
        throw rule.error("missing field 'params' for type " + rule.type() + "; add params: " + shape);
      }
      return null;
    }
    try {
      return MAPPER.treeToValue(rule.params(), type);
    } catch (JsonProcessingException e) {
      throw rule.paramsError("bad params for type " + rule.type() + ": " + e.getOriginalMessage()
          + "; expected params: " + shape);
    } catch (IllegalArgumentException e) {
      throw rule.paramsError("bad params for type " + rule.type() + ": " + e.getMessage()
          + "; expected params: " + shape);
    }
  }
}
