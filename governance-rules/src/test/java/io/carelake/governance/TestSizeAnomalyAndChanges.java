package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.tables.Tables;
import io.carelake.governance.check.CheckResult;
import io.carelake.governance.check.CheckStatus;
import io.carelake.governance.metrics.SizeAnomaly;
import io.carelake.governance.spec.Severity;
import io.carelake.governance.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size anomaly verdicts (Deequ's RelativeRateOfChangeStrategy, no Spark needed). */
class TestSizeAnomalyAndChanges {

  static Spec visits() throws Exception {
    return GovernanceSpecs.builtIn().forTable(Tables.RAW_VISITS).spec();
  }

  static CheckResult size(List<Double> history, long rows, Severity severity) throws Exception {
    return SizeAnomaly.evaluate(visits(), "raw.visits", history, rows, 0.33, 3.0, severity, 7L);
  }

  @Test
  void aFiveFoldJumpWarnsAndAStableCountPasses() throws Exception {
    CheckResult jump = size(List.of(100.0, 110.0, 100.0), 500, Severity.WARN);
    assertThat(jump.status()).isEqualTo(CheckStatus.WARN);
    assertThat(jump.metricValue()).isEqualTo(5.0);
    assertThat(jump.rule()).isEqualTo("visits-size-rate-of-change");
    assertThat(jump.blocksRun()).isFalse();
    assertThat(jump.rowsFailed()).isEqualTo(500L);
    assertThat(jump.threshold()).isZero();
    assertThat(size(List.of(100.0), 120, Severity.WARN).rowsFailed()).isZero();

    // only the last step is judged: an old jump in the history does not warn again
    assertThat(size(List.of(100.0, 500.0), 520, Severity.WARN).status())
        .isEqualTo(CheckStatus.PASS);
    assertThat(size(List.of(100.0), 290, Severity.WARN).status()).isEqualTo(CheckStatus.PASS);
    assertThat(size(List.of(100.0), 310, Severity.WARN).status()).isEqualTo(CheckStatus.WARN);
    assertThat(size(List.of(100.0), 20, Severity.WARN).status()).isEqualTo(CheckStatus.WARN);
  }

  @Test
  void noHistoryIsNotApplicableAndBlockSeverityFails() throws Exception {
    CheckResult first = size(List.of(), 500, Severity.WARN);
    assertThat(first.status()).isEqualTo(CheckStatus.NOT_APPLICABLE);
    assertThat(first.metricValue()).isNull();

    CheckResult blocking = size(List.of(100.0), 500, Severity.BLOCK);
    assertThat(blocking.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(blocking.blocksRun()).isTrue();
  }

  @Test
  void theAuditBranchNameIsASafeIdentifier() {
    assertThat(AuditBranch.nameFor("govern-1B2c-3d")).isEqualTo("audit_govern_1b2c_3d");
  }
}
