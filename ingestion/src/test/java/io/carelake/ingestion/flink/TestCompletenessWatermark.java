package io.carelake.ingestion.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestCompletenessWatermark {

  private static ProgressReport report(String partition, long watermark, boolean idle,
      boolean catchingUp) {
    return new ProgressReport(1, 0, 1, 0, new String[] {partition}, new long[] {watermark},
        new boolean[] {idle}, new boolean[] {catchingUp});
  }

  @Test
  void nothingReadClaimsNothing() {
    assertThat(new CompletenessWatermark().current()).isEqualTo(CompletenessWatermark.NONE);
  }

  @Test
  void aSkewedPartitionHoldsTheWatermarkAtItsOwn() {
    CompletenessWatermark w = new CompletenessWatermark();
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 2_000, false, false));
    assertThat(w.current()).isEqualTo(2_000);
    // the lagging partition catches up: the watermark follows the slower of the two
    w.update(report("t-1", 12_000, false, false));
    assertThat(w.current()).isEqualTo(10_000);
  }

  @Test
  void anIdlePartitionStopsHoldingItBackAndAllIdleGivesTheNewest() {
    CompletenessWatermark w = new CompletenessWatermark();
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 2_000, true, false));
    assertThat(w.current()).isEqualTo(10_000);
    w.update(report("t-0", 10_000, true, false));
    assertThat(w.current()).isEqualTo(10_000);
  }

  @Test
  void aPartitionReadingItsBacklogBlocksAnyAdvance() {
    CompletenessWatermark w = new CompletenessWatermark();
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 50_000, false, true));
    assertThat(w.current()).isEqualTo(CompletenessWatermark.NONE);
    w.update(report("t-1", 50_000, false, false));
    assertThat(w.current()).isEqualTo(10_000);
  }
}
