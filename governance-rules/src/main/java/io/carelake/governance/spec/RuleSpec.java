package io.carelake.governance.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.quality.Gbt36344;
import java.util.List;

/**
 * One rule as written in a spec, validated: a known type, a severity, a threshold in [0, 1].
 * Parameters stay a tree here; each rule type's compiler reads them into its own typed record.
 *
 * @param columns the columns the rule reads (one for most types)
 * @param threshold the largest share of failing rows at which the slice still passes
 * @param maxFailures optionally also the largest number of failing rows at which it passes (null:
 *     only the share counts)
 * @param indicator the GB/T 36344-2018 indicator of {@code dimension} the rule scores
 * @param clause the standard clause the rule implements, as the spec cites it
 * @param line 1-based line of the rule in its spec file, for error messages
 * @param paramsLine line of the {@code params:} block (the rule's line when absent)
 */
public record RuleSpec(
    String id,
    List<String> columns,
    String type,
    JsonNode params,
    Severity severity,
    double threshold,
    Long maxFailures,
    QualityDimension dimension,
    Gbt36344.Indicator indicator,
    KahnCategory kahn,
    String clause,
    String rationale,
    String source,
    int line,
    int paramsLine) {

  public RuleSpec {
    columns = List.copyOf(columns);
  }

  /** True when {@code failing} of {@code rows} failing rows are within the threshold(s). */
  public boolean within(long failing, long rows) {
    return failing <= threshold * rows + 1e-9 && (maxFailures == null || failing <= maxFailures);
  }

  /** The first column: what check_results names as the rule's column. */
  public String column() {
    return columns.get(0);
  }

  /** A {@code block} rule: above its threshold it blocks the run. */
  public boolean blocking() {
    return severity == Severity.BLOCK;
  }

  /** A {@code block} or {@code quarantine} rule: a failing row goes to quarantine. */
  public boolean quarantinesRows() {
    return severity.quarantinesRows();
  }

  /** A SpecException about this rule, located at the rule. */
  public SpecException error(String problem) {
    return new SpecException(source, line, id, problem);
  }

  /** A SpecException about this rule's {@code params}. */
  public SpecException paramsError(String problem) {
    return new SpecException(source, paramsLine, id, problem);
  }
}
