package io.carelake.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The waiver file: parsed and validated with file:line errors, applied only while in force. */
class TestWaivers {

  private static final Interval MARCH_1 =
      new Interval(LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-02"));
  private static final LocalDate TODAY = LocalDate.parse("2026-01-15");

  private static Waivers parse(String yaml) {
    return Waivers.parse("waivers.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static final String ONE = """
      waivers:
        - rule: sbp_range
          scope: {table: raw.vitals, from: 2025-01-01, until: 2025-03-31}
          approver: data steward QA-7
          reason: device fleet recalibrated until April
          expires: 2026-01-15
      """;

  @Test
  void aWaiverInForceTurnsAFailIntoWaivedAndKeepsTheMeasurement() {
    Waivers w = parse(ONE);
    Report.Check fail = TestReportRendering.check("sbp_range", "FAIL", 3, 60);
    Waivers.Result r = w.apply(List.of(fail), MARCH_1, TODAY);

    Report.Check shown = r.checks().get(0);
    assertThat(shown.status()).isEqualTo("WAIVED");
    assertThat(shown.measuredStatus()).isEqualTo("FAIL");
    assertThat(shown.numerator()).isEqualTo(3L);
    assertThat(shown.rate()).isEqualTo(0.05);
    assertThat(shown.waiver().approver()).isEqualTo("data steward QA-7");
    assertThat(shown.waiver().source()).isEqualTo("waivers.yaml:2");
    assertThat(r.outcome().entries()).singleElement().satisfies(e -> {
      assertThat(e.state()).isEqualTo("APPLIED");
      assertThat(e.appliedTo()).containsExactly("raw.vitals:sbp_range");
    });
    assertThat(r.outcome().sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
        sha256(ONE.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void anExpiredWaiverStopsApplyingTheDayAfterItsExpiry() {
    Waivers w = parse(ONE);
    Report.Check fail = TestReportRendering.check("sbp_range", "FAIL", 3, 60);
    Waivers.Result r = w.apply(List.of(fail), MARCH_1, TODAY.plusDays(1));
    assertThat(r.checks().get(0).status()).isEqualTo("FAIL");
    assertThat(r.checks().get(0).waiver()).isNull();
    assertThat(r.outcome().entries().get(0).state()).isEqualTo("EXPIRED");
  }

  @Test
  void scopeTableAndIntervalsAndErrorsAreRespected() {
    Waivers w = parse(ONE);
    Report.Check error = TestReportRendering.check("sbp_range", "ERROR", 0, 60);
    assertThat(w.apply(List.of(error), MARCH_1, TODAY).outcome().entries().get(0).state())
        .isEqualTo("NOT_WAIVABLE");
    Interval april = new Interval(LocalDate.parse("2025-04-01"), LocalDate.parse("2025-04-02"));
    Report.Check fail = TestReportRendering.check("sbp_range", "FAIL", 3, 60);
    assertThat(w.apply(List.of(fail), april, TODAY).outcome().entries().get(0).state())
        .isEqualTo("OUT_OF_SCOPE");
    // the last day of "until" is still covered
    Interval march31 = new Interval(LocalDate.parse("2025-03-31"), LocalDate.parse("2025-04-01"));
    assertThat(w.apply(List.of(fail), march31, TODAY).checks().get(0).status())
        .isEqualTo("WAIVED");
    Report.Check pass = TestReportRendering.check("sbp_range", "PASS", 0, 60);
    assertThat(w.apply(List.of(pass), MARCH_1, TODAY).outcome().entries().get(0).state())
        .isEqualTo("NOT_NEEDED");
    assertThat(w.apply(List.of(), MARCH_1, TODAY).outcome().entries().get(0).state())
        .isEqualTo("NO_SUCH_RULE");
  }

  @Test
  void everyMistakeIsReportedWithItsLine() {
    String yaml = """
        waivers:
          - rule: sbp_range
            scope: {table: vitals}
            approver: data steward QA-7
            reason: short
            expires: 2026-01-15
            owner: me
        """;
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(Waivers.WaiverFileException.class)
        .hasMessage("3 problems in the waiver file:\n"
            + "  waivers.yaml:3: waiver #1 (rule 'sbp_range'): table must be a table such as"
            + " raw.vitals, or \"*\" for every table, got \"vitals\"\n"
            + "  waivers.yaml:5: waiver #1 (rule 'sbp_range'): reason why the failure is accepted,"
            + " at least 10 characters, got \"short\"\n"
            + "  waivers.yaml:7: waiver #1 (rule 'sbp_range'): unknown field 'owner'; the fields"
            + " are [rule, scope, approver, reason, expires]");
  }

  @Test
  void datesMustBeCalendarDaysInOrder() {
    String yaml = ONE.replace("until: 2025-03-31", "until: 2024-12-31")
        .replace("expires: 2026-01-15", "expires: 2026-02-30");
    assertThatThrownBy(() -> parse(yaml)).hasMessage("2 problems in the waiver file:\n"
        + "  waivers.yaml:3: waiver #1 (rule 'sbp_range'): scope.until 2024-12-31 is before"
        + " scope.from 2025-01-01; swap them\n"
        + "  waivers.yaml:6: waiver #1 (rule 'sbp_range'): expires 2026-02-30 is not a calendar"
        + " date; write YYYY-MM-DD");
  }

  @Test
  void syntaxDuplicatesAndEmptyFiles() {
    assertThatThrownBy(() -> parse("waivers:\n  - rule: [unclosed\n"))
        .hasMessageStartingWith("waivers.yaml:").hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse(ONE.replace("    approver:", "    rule: other\n    approver:")))
        .hasMessage("waivers.yaml:4: 'rule' is given twice here (first at line 2); keep one");
    assertThatThrownBy(() -> parse("")).hasMessageStartingWith("waivers.yaml:1: the waiver file"
        + " is empty");
    assertThatThrownBy(() -> parse("waiver: []\n")).hasMessageContaining("waivers.yaml:1:")
        .hasMessageContaining("unknown field 'waiver'");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
