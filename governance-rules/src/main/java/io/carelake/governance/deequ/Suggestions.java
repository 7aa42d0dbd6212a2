package io.carelake.governance.deequ;

import java.util.List;
import java.util.Map;

/**
 * What Deequ's constraint suggestion found, in plain Java (see {@link DeequAdapter#suggest}).
 *
 * @param rows rows profiled
 * @param profiles per column, in the table's column order
 * @param suggestions in the order Deequ gave them, per column
 */
public record Suggestions(long rows, Map<String, Profile> profiles, List<Suggestion> suggestions) {

  /**
   * A column's profile.
   *
   * @param histogram value → count for low-cardinality columns (empty otherwise)
   * @param minimum null for non-numeric columns; so are maximum and mean
   */
  public record Profile(String column, double completeness, long approxDistinct, String dataType,
      Map<String, Long> histogram, Double minimum, Double maximum, Double mean) {}

  /**
   * One suggested constraint.
   *
   * @param rule Deequ's suggesting rule, e.g. {@code CompleteIfCompleteRule}
   * @param code the constraint as Deequ writes it in Scala, e.g. {@code .isComplete("code")}
   */
  public record Suggestion(String column, String rule, String description, String currentValue,
      String code) {}
}
