package io.carelake.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed run stores as its message: carelake's own text, libraries' text masked. */
class TestRunMessages {

  /** An exception a library makes (constructed outside io.carelake). */
  static Throwable library(String message) {
    Throwable t = new IllegalArgumentException(message);
    t.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("com.fasterxml.jackson.core.JsonParser", "_reportError",
            "JsonParser.java", 100)});
    return t;
  }

  @Test
  void aLibraryMessageQuotingAValueIsMasked() {
    String stored = RunMessages.describe(library("Unrecognized token '王秀英': was expecting"
        + " (JSON String, Number); value \"13912345678\" for id 110105194912310021 of"
        + " wang.xiuying@example.com"));
    assertThat(stored).startsWith("IllegalArgumentException: Unrecognized token '…'")
        .doesNotContain("王秀英").doesNotContain("13912345678").doesNotContain("110105194912310021")
        .doesNotContain("wang.xiuying").contains("was expecting (JSON String, Number)");
  }

  @Test
  void unquotedDigitsAndHanTextInALibraryMessageAreMaskedToo() {
    String stored = RunMessages.describe(library("For input: 138 1234 5678 患者 李娜 at row 3"));
    assertThat(stored).doesNotContain("5678").doesNotContain("李娜").contains("at row 3");
  }

  @Test
  void carelakesOwnMessagesAreKeptAndALibraryCauseIsMasked() {
    Throwable cause = library("Cannot parse '13800138000'");
    IllegalStateException ours = new IllegalStateException(
        "curated.visits does not reconcile: 10 in, 9 out", cause);
    assertThat(RunMessages.describe(ours)).isEqualTo("curated.visits does not reconcile: 10 in,"
        + " 9 out (cause: IllegalArgumentException: Cannot parse '…')");
  }

  @Test
  void longMessagesAreCut() {
    String stored = RunMessages.describe(library("x".repeat(5_000)));
    assertThat(stored).hasSizeLessThanOrEqualTo(RunMessages.MAX_PART + 1).endsWith("…");
  }
}
