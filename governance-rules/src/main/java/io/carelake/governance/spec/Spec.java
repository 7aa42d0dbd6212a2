package io.carelake.governance.spec;

import java.util.List;

/**
 * A parsed and validated governance spec: one file, one table.
 *
 * @param source the file name (or resource path) the spec came from, as error messages cite it
 * @param sha256 hex SHA-256 of the file's bytes, recorded with every check result
 */
public record Spec(SpecHeader header, List<RuleSpec> rules, String source, String sha256) {

  public Spec {
    rules = List.copyOf(rules);
  }
}
