package io.carelake.features.cohort;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A set of ICD-10 codes: entries that are a range of three-character categories ({@code I10-I15})
 * or a code that matches itself and its subcodes ({@code E11} matches {@code E11.9}, {@code R73.0}
 * matches {@code R73.03}). Diagnoses are compared upper-cased, without spaces.
 *
 * @param name the file's name (without .txt) or {@code inline}
 * @param source where the entries came from, with the file's citation
 */
public record CodeSet(String name, String source, List<String> entries) {

  static final Pattern ENTRY = Pattern.compile("[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?(-[A-Z][0-9]{2})?");

  /** True when the diagnosis code belongs to the set. */
  public boolean matches(String diagnosis) {
    if (diagnosis == null) {
      return false;
    }
    String code = normalise(diagnosis);
    for (String e : entries) {
      int dash = e.indexOf('-');
      if (dash > 0) {
        if (code.length() >= 3) {
          String category = code.substring(0, 3);
          if (category.compareTo(e.substring(0, dash)) >= 0
              && category.compareTo(e.substring(dash + 1)) <= 0) {
            return true;
          }
        }
      } else if (code.startsWith(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The same test as a Spark SQL predicate over the string expression {@code code} (already
   * normalised with {@link #sqlNormalise}): what the job runs, {@link #matches} what tests and the
   * leakage audit run.
   */
  public String sqlPredicate(String code) {
    StringBuilder sql = new StringBuilder("(");
    for (int i = 0; i < entries.size(); i++) {
      String e = entries.get(i);
      sql.append(i == 0 ? "" : " OR ");
      int dash = e.indexOf('-');
      if (dash > 0) {
        sql.append("(length(").append(code).append(") >= 3 AND substr(").append(code)
            .append(", 1, 3) BETWEEN '").append(e, 0, dash).append("' AND '")
            .append(e.substring(dash + 1)).append("')");
      } else {
        sql.append("startswith(").append(code).append(", '").append(e).append("')");
      }
    }
    return sql.append(")").toString();
  }

  /** SQL that normalises a diagnosis expression as {@link #matches} does. */
  public static String sqlNormalise(String code) {
    return "upper(regexp_replace(" + code + ", '\\\\s', ''))";
  }

  static String normalise(String code) {
    return code.replaceAll("\\s", "").toUpperCase(Locale.ROOT);
  }
}
