package io.carelake.reports;

import io.carelake.core.quality.Gbt36344;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The first screen of the report: the govern run's rules tallied per GB/T 36344-2018 dimension
 * (with its indicators) and per Kahn category. Every dimension and indicator of the standard is
 * listed, also those no rule scores yet, so that a gap shows as a row of zeros, not as nothing.
 *
 * <p>An indicator is scored as the standard scores it, {@code X = A / B}: B the elements
 * evaluated, A those that meet the requirement. An element here is one row checked by one rule:
 * B sums the rows each rule checked, A the rows that passed it. A rule that could not be
 * measured (ERROR) or had nothing to check (NOT_APPLICABLE) adds to neither; a waived rule adds
 * what it measured (a waiver accepts a failure, it does not make the data better). The duplicate
 * and dirty-data rate indicators count failures instead ({@code (B - A) / B}).
 */
public record Scorecard(
    List<DimensionRow> dimensions,
    List<KahnRow> kahn,
    Tally total,
    List<String> unmappedRules) {

  /** The statuses a rule can have in the report, in the order the scorecard shows them. */
  public static final List<String> STATUSES =
      List.of("PASS", "WARN", "FAIL", "ERROR", "NOT_APPLICABLE", "WAIVED");

  public Scorecard {
    dimensions = List.copyOf(dimensions);
    kahn = List.copyOf(kahn);
    unmappedRules = List.copyOf(unmappedRules);
  }

  /**
   * Rules by status, the score and the worst failing rate of a group of rules.
   *
   * @param measure {@code pass_share} (A / B) or {@code failure_rate} ((B - A) / B)
   * @param worstRuleId the rule with the highest failing rate above zero, null when none fails
   */
  public record Tally(
      int rules,
      Map<String, Integer> statuses,
      long passingElements,
      long evaluatedElements,
      String measure,
      Double score,
      String worstRuleId,
      Double worstRate) {}

  public record DimensionRow(String code, String zh, String en, Tally tally,
      List<IndicatorRow> indicators) {

    /** The indicators no rule scores yet, as the page names them. */
    public List<String> gaps() {
      return indicators.stream().filter(i -> i.tally().rules() == 0)
          .map(i -> i.zh() + " " + i.en()).toList();
    }
  }

  public record IndicatorRow(String code, String zh, String en, Tally tally) {}

  public record KahnRow(String code, String covers, Tally tally) {}

  static final String PASS_SHARE = "pass_share";
  static final String FAILURE_RATE = "failure_rate";

  /** The scorecard of {@code checks} (with their effective statuses, waivers applied). */
  public static Scorecard of(List<Report.Check> checks) {
    List<DimensionRow> dimensions = new ArrayList<>();
    for (Gbt36344.Dimension d : Gbt36344.Dimension.values()) {
      List<IndicatorRow> indicators = new ArrayList<>();
      for (Gbt36344.Indicator i : d.indicators()) {
        boolean failures = i == Gbt36344.Indicator.DUPLICATE_RATE
            || i == Gbt36344.Indicator.DIRTY_DATA_RATE;
        indicators.add(new IndicatorRow(i.code(), i.zh(), i.en(), tally(checks,
            c -> d.code().equals(c.dimension()) && i.code().equals(c.indicator()),
            failures ? FAILURE_RATE : PASS_SHARE)));
      }
      dimensions.add(new DimensionRow(d.code(), d.zh(), d.en(),
          tally(checks, c -> d.code().equals(c.dimension()), PASS_SHARE), indicators));
    }
    List<KahnRow> kahn = new ArrayList<>();
    for (Gbt36344.Kahn k : Gbt36344.Kahn.values()) {
      kahn.add(new KahnRow(k.code(), k.covers(),
          tally(checks, c -> k.code().equals(c.kahn()), PASS_SHARE)));
    }
    List<String> unmapped = checks.stream().filter(c -> !mapped(c)).map(Report.Check::ruleId)
        .toList();
    return new Scorecard(dimensions, kahn, tally(checks, c -> true, PASS_SHARE), unmapped);
  }

  /** A rule is mapped when its dimension is one of the standard's and its indicator one of that dimension's. */
  static boolean mapped(Report.Check c) {
    return Gbt36344.Indicator.of(String.valueOf(c.indicator()))
        .filter(i -> i.dimension().code().equals(c.dimension())).isPresent()
        && Gbt36344.Kahn.of(String.valueOf(c.kahn())).isPresent();
  }

  static Tally tally(List<Report.Check> checks, Predicate<Report.Check> in, String measure) {
    Map<String, Integer> statuses = new LinkedHashMap<>();
    STATUSES.forEach(s -> statuses.put(s, 0));
    int rules = 0;
    long passing = 0;
    long evaluated = 0;
    Report.Check worst = null;
    for (Report.Check c : checks) {
      if (!in.test(c)) {
        continue;
      }
      rules++;
      statuses.merge(c.status(), 1, Integer::sum);
      if (c.numerator() != null && c.denominator() != null && c.denominator() > 0) {
        passing += c.denominator() - c.numerator();
        evaluated += c.denominator();
      }
      if (c.rate() != null && c.rate() > 0 && (worst == null || WORST.compare(c, worst) < 0)) {
        worst = c;
      }
    }
    Double score = evaluated == 0 ? null : FAILURE_RATE.equals(measure)
        ? (double) (evaluated - passing) / evaluated : (double) passing / evaluated;
    return new Tally(rules, statuses, passing, evaluated, measure, score,
        worst == null ? null : worst.ruleId(), worst == null ? null : worst.rate());
  }

  /** Highest rate first; ties by rule id, so the pick does not depend on row order. */
  private static final Comparator<Report.Check> WORST = Comparator
      .comparing(Report.Check::rate, Comparator.reverseOrder())
      .thenComparing(Report.Check::ruleId);
}
