package io.carelake.ingestion.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestCompletenessWatermark {

  private static final long IDLE_MS = 60_000;
  private static final long NOW = 1_000_000;

  /** A report of one partition, read last {@code idle ? IDLE_MS + 1 : 0} ms before NOW. */
  private static ProgressReport report(String partition, long watermark, boolean idle,
      boolean catchingUp) {
    return new ProgressReport(1, 0, 1, 0, new String[] {partition}, new long[] {watermark},
        new long[] {idle ? NOW - IDLE_MS - 1 : NOW}, new boolean[] {catchingUp});
  }

  @Test
  void nothingReadClaimsNothing() {
    assertThat(new CompletenessWatermark(IDLE_MS).current(NOW)).isEqualTo(CompletenessWatermark.NONE);
  }

  @Test
  void aSkewedPartitionHoldsTheWatermarkAtItsOwn() {
    CompletenessWatermark w = new CompletenessWatermark(IDLE_MS);
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 2_000, false, false));
    assertThat(w.current(NOW)).isEqualTo(2_000);
    // the lagging partition catches up: the watermark follows the slower of the two
    w.update(report("t-1", 12_000, false, false));
    assertThat(w.current(NOW)).isEqualTo(10_000);
  }

  @Test
  void anIdlePartitionStopsHoldingItBackAndAllIdleGivesTheNewest() {
    CompletenessWatermark w = new CompletenessWatermark(IDLE_MS);
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 2_000, true, false));
    assertThat(w.current(NOW)).isEqualTo(10_000);
    w.update(report("t-0", 10_000, true, false));
    assertThat(w.current(NOW)).isEqualTo(10_000);
  }

  @Test
  void aPartitionReadingItsBacklogBlocksAnyAdvance() {
    CompletenessWatermark w = new CompletenessWatermark(IDLE_MS);
    w.update(report("t-0", 10_000, false, false));
    w.update(report("t-1", 50_000, false, true));
    assertThat(w.current(NOW)).isEqualTo(CompletenessWatermark.NONE);
    w.update(report("t-1", 50_000, false, false));
    assertThat(w.current(NOW)).isEqualTo(10_000);
  }

  @Test
  void aRestoredPartitionWithNothingNewHoldsItBackUntilIdleCountedFromTheRestore() {
    CompletenessWatermark w = new CompletenessWatermark(IDLE_MS);
    w.restore("t-0", 2_000, false, NOW);
    // t-1 keeps being read; t-0 has nothing new after the restart
    w.update(new ProgressReport(2, 0, 1, 0, new String[] {"t-1"}, new long[] {10_000},
        new long[] {NOW + IDLE_MS}, new boolean[] {false}));
    assertThat(w.current(NOW + IDLE_MS)).isEqualTo(2_000);
    assertThat(w.current(NOW + IDLE_MS + 1)).isEqualTo(10_000);
  }
}
