package io.carelake.governance.spec;

import io.carelake.core.tables.TableName;

/** The {@code spec:} block: which table the rules govern, and which version of the rules these are. */
public record SpecHeader(String name, String version, TableName table) {}
