package io.carelake.governance.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.carelake.governance.spec.RuleSpec;
import io.carelake.governance.spec.SpecException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.spark.sql.types.StructType;

/**
 * {@code timeliness}: the ingest lag, {@code ingest_time - event_time}, is at most
 * {@code max_lag} (an ISO-8601 duration). {@code columns: [event_time, ingest_time]}, in that
 * order. A missing time passes (completeness). Params: {@code {max_lag: PT6H}}.
 */
final class TimelinessRule extends SqlPredicateRule {

  record Params(@JsonProperty("max_lag") String maxLag) {}

  static final RuleCompiler COMPILER = RuleCompiler.of("timeliness", TimelinessRule::fromSpec);

  private static CompiledRule fromSpec(RuleSpec rule) throws SpecException {
    Params p = RuleParams.read(rule, Params.class, true, "{max_lag: PT6H}");
    Duration lag;
    try {
      lag = Duration.parse(p.maxLag());
    } catch (DateTimeParseException | NullPointerException e) {
      throw rule.paramsError("params.max_lag must be an ISO-8601 duration such as PT6H, got '"
          + p.maxLag() + "'");
    }
    if (lag.isNegative()) {
      throw rule.paramsError("params.max_lag must not be negative, got " + p.maxLag());
    }
    if (rule.columns().size() != 2) {
      throw rule.error("timeliness reads columns: [event_time, ingest_time] (event first), got "
          + rule.columns());
    }
    return new TimelinessRule(rule, lag);
  }

  private final Duration maxLag;

  private TimelinessRule(RuleSpec spec, Duration maxLag) {
    super(spec);
    this.maxLag = maxLag;
  }

  @Override
  String passSql(StructType schema) {
    String event = SqlText.ident(spec().columns().get(0));
    String ingest = SqlText.ident(spec().columns().get(1));
    long micros = maxLag.toNanos() / 1000;
    return "(" + event + " IS NULL OR " + ingest + " IS NULL OR unix_micros(" + ingest
        + ") - unix_micros(" + event + ") <= " + micros + "L)";
  }

  @Override
  String reasonText() {
    return "ingested more than " + maxLag + " after the event (" + spec().columns().get(1) + " - "
        + spec().columns().get(0) + ")";
  }
}
