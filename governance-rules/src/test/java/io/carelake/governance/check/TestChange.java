package io.carelake.governance.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The failure change of a rule between the previous run and this one. */
class TestChange {

  @Test
  void newPersistingResolvedOrNothing() {
    assertThat(CheckResultsTable.change(null, "WARN")).isEqualTo("NEW");
    assertThat(CheckResultsTable.change("PASS", "FAIL")).isEqualTo("NEW");
    assertThat(CheckResultsTable.change("WARN", "ERROR")).isEqualTo("PERSISTING");
    assertThat(CheckResultsTable.change("FAIL", "PASS")).isEqualTo("RESOLVED");
    assertThat(CheckResultsTable.change("ERROR", "NOT_APPLICABLE")).isEqualTo("RESOLVED");
    assertThat(CheckResultsTable.change("PASS", "PASS")).isNull();
    assertThat(CheckResultsTable.change(null, "NOT_APPLICABLE")).isNull();
  }
}
