package io.carelake.core.tables;

import java.util.Objects;

/** A table's namespace and name inside the carelake catalog. */
public record TableName(String namespace, String name) {

  public TableName {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (!namespace.matches("[a-z_][a-z0-9_]*") || !name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("Invalid table name: " + namespace + "." + name
          + " (use lower-case letters, digits and underscores)");
    }
  }

  public static TableName of(String namespace, String name) {
    return new TableName(namespace, name);
  }

  /** Parses {@code namespace.table}. */
  public static TableName parse(String qualified) {
    int dot = qualified == null ? -1 : qualified.indexOf('.');
    if (dot <= 0 || dot != qualified.lastIndexOf('.')) {
      throw new IllegalArgumentException(
          "Invalid table name: '" + qualified + "' (expected namespace.table, e.g. raw.visits)");
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  /** {@code raw.visits} */
  @Override
  public String toString() {
    return namespace + "." + name;
  }

  /** {@code carelake.raw.visits}: the name an engine resolves through the named catalog. */
  public String in(String catalog) {
    return catalog + "." + namespace + "." + name;
  }

  /** The same table's branch, for write-audit-publish: {@code carelake.curated.visits.branch_audit}. */
  public String branchIn(String catalog, String branch) {
    return in(catalog) + ".branch_" + branch;
  }
}
