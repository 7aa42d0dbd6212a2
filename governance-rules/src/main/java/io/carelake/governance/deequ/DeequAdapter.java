package io.carelake.governance.deequ;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analysis;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.AnalyzerOptions;
import com.amazon.deequ.analyzers.InMemoryStateProvider;
import com.amazon.deequ.analyzers.Preconditions;
import com.amazon.deequ.analyzers.ScanShareableAnalyzer;
import com.amazon.deequ.analyzers.State;
import com.amazon.deequ.analyzers.StateLoader;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.Constraint;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.metrics.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.Try;

/**
 * The only class that speaks Scala to Deequ. The rest of carelake hands it {@link DatasetCheck}s
 * and gets back plain Java {@link Verification}s.
 *
 * <p>Rules of the adapter:
 * <ul>
 *   <li>one {@code VerificationSuite} run per table slice, so Deequ shares scans across all checks;
 *   <li>every optional Scala parameter is passed explicitly (Scala defaults are invisible from Java
 *       and change between Deequ versions);
 *   <li>assertions are named serializable {@code scala.Function1} classes, not lambdas;
 *   <li>a constraint whose metric failed (Deequ reports the exception in the message: a missing
 *       column, a bad expression, a JVM started without Spark's {@code --add-opens}) is an
 *       <em>error</em>, never a pass or a fail.
 * </ul>
 */
public final class DeequAdapter {

  private static final String SIZE_CHECK = "carelake:slice-size";
  private static final String ASSERTION_ERROR_PREFIX = "Can't execute the assertion";

  private DeequAdapter() {}

  /** Runs all checks over {@code data} in one Deequ verification. */
  public static Verification verify(Dataset<Row> data, List<DatasetCheck> checks) {
    Checks c = new Checks(checks);
    return c.verification(new VerificationSuite().onData(data).addChecks(c.seq()).run());
  }

  /**
   * The same verification as {@link #verify}, planned for a pass over the rows that the caller
   * runs anyway (govern observes it during its curated write): {@link Planned#aggregations} are
   * Deequ's own aggregation expressions of every metric the checks need — what {@link #verify}'s
   * scan computes — and {@link Planned#complete} hands their values to Deequ as the analyzers'
   * states ({@code VerificationSuite.runOnAggregatedStates}), which computes the metrics and
   * evaluates the checks exactly as a run on the data would. Empty when a check needs a metric
   * that is not computed in one scan (Deequ's grouping analyzers, e.g. {@code hasUniqueness}).
   */
  public static java.util.Optional<Planned> plan(StructType schema, List<DatasetCheck> checks) {
    Checks c = new Checks(checks);
    java.util.Set<Analyzer<?, ?>> required = new java.util.LinkedHashSet<>();
    for (Check check : c.all) {
      required.addAll(JavaConverters.setAsJavaSet(check.requiredAnalyzers()));
    }
    List<ScanShareableAnalyzer<?, ?>> scanning = new ArrayList<>();
    List<Column> aggregations = new ArrayList<>();
    for (Analyzer<?, ?> a : required) {
      if (Preconditions.findFirstFailing(schema, a.preconditions()).isDefined()) {
        continue; // Deequ reports the failed precondition as the metric, without a state
      }
      if (!(a instanceof ScanShareableAnalyzer<?, ?> s)) {
        return java.util.Optional.empty();
      }
      scanning.add(s);
      aggregations.addAll(JavaConverters.seqAsJavaList(s.aggregationFunctions()));
    }
    return java.util.Optional.of(new Planned(c, schema, scanning, aggregations));
  }

  /** A verification whose single scan is run by the caller; see {@link #plan}. */
  public static final class Planned {
    private final Checks checks;
    private final StructType schema;
    private final List<ScanShareableAnalyzer<?, ?>> analyzers;
    private final List<Column> aggregations;

    private Planned(Checks checks, StructType schema, List<ScanShareableAnalyzer<?, ?>> analyzers,
        List<Column> aggregations) {
      this.checks = checks;
      this.schema = schema;
      this.analyzers = analyzers;
      this.aggregations = List.copyOf(aggregations);
    }

    /** Deequ's aggregation expressions, in order; evaluate them over every row of the data. */
    public List<Column> aggregations() {
      return aggregations;
    }

    /** The verification of the checks from {@link #aggregations}' values over the data. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Verification complete(Row aggregated) {
      if (aggregated.size() != aggregations.size()) {
        throw new IllegalArgumentException("expected the values of " + aggregations.size()
            + " Deequ aggregations, got " + aggregated.size());
      }
      InMemoryStateProvider states = new InMemoryStateProvider();
      int offset = 0;
      for (ScanShareableAnalyzer a : analyzers) {
        Option<State> state = a.fromAggregationResult(aggregated, offset);
        if (state.isDefined()) {
          states.persist(a, state.get());
        }
        offset += a.aggregationFunctions().size();
      }
      VerificationSuite suite = new VerificationSuite();
      return checks.verification(suite.runOnAggregatedStates(schema, checks.seq(),
          JavaConverters.asScalaBuffer(List.<StateLoader>of(states)).toSeq(),
          new Analysis(JavaConverters.asScalaBuffer(new ArrayList<Analyzer<?, Metric<?>>>())
              .toSeq()), Option.empty(), Option.empty(), Option.empty()));
    }
  }

  /** The Deequ checks of one verification, by carelake check id, plus the row count. */
  private static final class Checks {
    private final Check size = new Check(CheckLevel.Warning(), SIZE_CHECK, noConstraints())
        .hasSize(new AnyValue(), Option.<String>empty());
    private final Map<String, Check> byId = new LinkedHashMap<>();
    private final List<Check> all;

    Checks(List<DatasetCheck> checks) {
      for (DatasetCheck c : checks) {
        if (byId.containsKey(c.id()) || SIZE_CHECK.equals(c.id())) {
          throw new IllegalArgumentException("Duplicate Deequ check id '" + c.id() + "'");
        }
        byId.put(c.id(), toDeequ(c));
      }
      all = new ArrayList<>(byId.values());
      all.add(size);
    }

    scala.collection.Seq<Check> seq() {
      return JavaConverters.asScalaBuffer(all).toSeq();
    }

    Verification verification(VerificationResult result) {
      return DeequAdapter.verification(result, byId, size);
    }
  }

  private static Verification verification(VerificationResult result, Map<String, Check> byId,
      Check size) {
    Map<Check, CheckResult> results = JavaConverters.mapAsJavaMap(result.checkResults());

    MetricOutcome sizeOutcome = outcome(SIZE_CHECK, results.get(size));
    if (sizeOutcome.failedToCompute()) {
      throw new IllegalStateException("Deequ could not count the rows of the slice: "
          + sizeOutcome.error());
    }
    Map<String, MetricOutcome> outcomes = new LinkedHashMap<>();
    byId.forEach((id, check) -> outcomes.put(id, outcome(id, results.get(check))));
    return new Verification(Math.round(sizeOutcome.passShare()), outcomes,
        metrics(result.metrics()));
  }

  /** The AnalyzerContext of a run, flattened (Deequ's {@code Metric.flatten}) to plain rows. */
  private static List<DeequMetric> metrics(
      scala.collection.immutable.Map<?, Metric<?>> metricMap) {
    List<DeequMetric> out = new ArrayList<>();
    for (Metric<?> metric : JavaConverters.asJavaCollection(metricMap.values())) {
      for (com.amazon.deequ.metrics.DoubleMetric m
          : JavaConverters.asJavaCollection(metric.flatten())) {
        Try<Object> v = m.value();
        Double value = v.isSuccess() ? ((Number) v.get()).doubleValue() : null;
        out.add(new DeequMetric(m.entity().toString(), m.instance(), m.name(), value));
      }
    }
    out.sort(java.util.Comparator.comparing(DeequMetric::name)
        .thenComparing(DeequMetric::instance));
    return out;
  }

  /**
   * Deequ's {@code RelativeRateOfChangeStrategy} (order 1) on a metric's history: whether the last
   * value of {@code series} is an anomaly against the one before it, i.e. {@code last / previous}
   * is below {@code maxRateDecrease} or above {@code maxRateIncrease}. Null when the series has
   * fewer than two values.
   */
  public static Boolean isRateOfChangeAnomaly(List<Double> series, double maxRateDecrease,
      double maxRateIncrease) {
    if (series.size() < 2) {
      return null;
    }
    com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy strategy =
        new com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy(
            Option.apply((Object) maxRateDecrease), Option.apply((Object) maxRateIncrease), 1);
    scala.collection.immutable.Vector<Object> values = JavaConverters
        .asScalaBuffer(new ArrayList<Object>(series)).toVector();
    int last = series.size() - 1;
    scala.collection.Seq<scala.Tuple2<Object, com.amazon.deequ.anomalydetection.Anomaly>> found =
        strategy.detect(values, new scala.Tuple2<>(last, series.size()));
    return !found.isEmpty();
  }

  /**
   * Profiles {@code data} and runs Deequ's constraint suggestion with its default rules
   * ({@code Rules.DEFAULT}): completeness, retained completeness, type, categorical ranges,
   * non-negative numbers, uniqueness. The profile is one set of scans Deequ plans itself.
   */
  public static Suggestions suggest(Dataset<Row> data) {
    com.amazon.deequ.suggestions.ConstraintSuggestionResult result =
        com.amazon.deequ.suggestions.ConstraintSuggestionRunner.apply().onData(data)
            .addConstraintRules(com.amazon.deequ.suggestions.Rules$.MODULE$.DEFAULT())
            .run();
    Map<String, com.amazon.deequ.profiles.ColumnProfile> profiles =
        JavaConverters.mapAsJavaMap(result.columnProfiles());
    Map<String, Suggestions.Profile> out = new LinkedHashMap<>();
    for (String column : data.columns()) {
      com.amazon.deequ.profiles.ColumnProfile p = profiles.get(column);
      if (p == null) {
        continue;
      }
      Map<String, Long> histogram = new java.util.TreeMap<>();
      if (p.histogram().isDefined()) {
        JavaConverters.mapAsJavaMap(p.histogram().get().values())
            .forEach((k, v) -> histogram.put(k, v.absolute()));
      }
      Double min = null;
      Double max = null;
      Double mean = null;
      if (p instanceof com.amazon.deequ.profiles.NumericColumnProfile n) {
        min = n.minimum().isDefined() ? ((Number) n.minimum().get()).doubleValue() : null;
        max = n.maximum().isDefined() ? ((Number) n.maximum().get()).doubleValue() : null;
        mean = n.mean().isDefined() ? ((Number) n.mean().get()).doubleValue() : null;
      }
      out.put(column, new Suggestions.Profile(column, p.completeness(),
          p.approximateNumDistinctValues(), p.dataType().toString(), histogram, min, max, mean));
    }
    List<Suggestions.Suggestion> suggestions = new ArrayList<>();
    Map<String, scala.collection.Seq<com.amazon.deequ.suggestions.ConstraintSuggestion>> byColumn =
        JavaConverters.mapAsJavaMap(result.constraintSuggestions());
    for (String column : data.columns()) {
      scala.collection.Seq<com.amazon.deequ.suggestions.ConstraintSuggestion> seq =
          byColumn.get(column);
      if (seq == null) {
        continue;
      }
      for (com.amazon.deequ.suggestions.ConstraintSuggestion cs
          : JavaConverters.seqAsJavaList(seq)) {
        suggestions.add(new Suggestions.Suggestion(cs.columnName(),
            cs.suggestingRule().getClass().getSimpleName(), cs.description(), cs.currentValue(),
            cs.codeForConstraint()));
      }
    }
    return new Suggestions(result.numRecordsUsedForProfiling(), out, suggestions);
  }

  private static Check toDeequ(DatasetCheck c) {
    Check base = new Check(c.blocking() ? CheckLevel.Error() : CheckLevel.Warning(), c.id(),
        noConstraints());
    MinimumShare assertion = new MinimumShare(1.0 - c.threshold());
    Option<String> hint = Option.apply(c.id());
    Option<AnalyzerOptions> options = Option.empty();
    if (c instanceof DatasetCheck.Compliance compliance) {
      // columns are given so that Deequ checks they exist before the shared scan: a rule on a
      // missing column then errors alone instead of failing every metric of the scan.
      return base.satisfies(compliance.predicateSql(), c.id(), assertion, hint,
          JavaConverters.asScalaBuffer(compliance.columns()).toList(), options);
    }
    if (c instanceof DatasetCheck.ColumnMetric m) {
      com.amazon.deequ.checks.CheckWithLastConstraintFilterable metric =
          m.kind() == DatasetCheck.ColumnMetric.Kind.COMPLETENESS
              ? base.hasCompleteness(m.column(), new AnyValue(), hint, options)
              : base.hasMean(m.column(), new AnyValue(), hint);
      return m.where() == null ? metric : metric.where(m.where());
    }
    if (c instanceof DatasetCheck.Uniqueness uniqueness) {
      return base.hasUniqueness(JavaConverters.asScalaBuffer(uniqueness.columns()).toSeq(),
          assertion, hint, options);
    }
    throw new IllegalArgumentException("No Deequ mapping for " + c.getClass().getSimpleName());
  }

  /** Reads the single constraint of a check: its metric, or the error that replaced it. */
  private static MetricOutcome outcome(String id, CheckResult checkResult) {
    if (checkResult == null || checkResult.constraintResults().isEmpty()) {
      return MetricOutcome.error(id, "Deequ returned no result for the check", null);
    }
    ConstraintResult cr = checkResult.constraintResults().head();
    String constraint = String.valueOf(cr.constraint());
    String message = cr.message().isDefined() ? cr.message().get() : null;
    Option<Metric<?>> metric = cr.metric();
    if (metric.isEmpty()) {
      return MetricOutcome.error(id, explain(message == null ? "no metric computed" : message),
          constraint);
    }
    Try<?> value = metric.get().value();
    if (value.isFailure()) {
      Throwable e = value.failed().get();
      return MetricOutcome.error(id, explain(describe(e)), constraint);
    }
    if (message != null && message.startsWith(ASSERTION_ERROR_PREFIX)) {
      return MetricOutcome.error(id, explain(message), constraint);
    }
    boolean satisfied = cr.status() == ConstraintStatus.Success();
    return MetricOutcome.measured(id, ((Number) value.get()).doubleValue(), satisfied,
        constraint);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root != e) {
      what += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return what;
  }

  /** Adds the fix when the message is the well-known symptom of a JVM without Spark's openings. */
  private static String explain(String message) {
    if (message != null && (message.contains("IllegalAccess") || message.contains("does not \"opens")
        || message.contains("InaccessibleObject"))) {
      return message + " (start the JVM with Spark's --add-opens options: carelake.jvm.opens in"
          + " the parent pom, or bin/carelake, which passes them)";
    }
    return message;
  }

  private static scala.collection.Seq<Constraint> noConstraints() {
    return JavaConverters.asScalaBuffer(new ArrayList<Constraint>()).toSeq();
  }
}
