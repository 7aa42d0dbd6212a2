package io.carelake.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.time.Interval;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The release check on hand-written ledger histories (no Spark). */
class TestReleaseCheck {

  static final Interval MARCH = Interval.parse("2025-03-01", "2025-04-01");
  static final Interval APRIL = Interval.parse("2025-04-01", "2025-05-01");
  static final String SHIFTED = "safe.visits_date_shifted";
  static final String CURATED = "curated.visits";

  final List<ReleaseCheck.LedgerRun> runs = new ArrayList<>();
  int clock;

  ReleaseCheck.LedgerRun run(String job, String status, Interval i, Map<String, Long> in,
      Map<String, Long> out) {
    ReleaseCheck.LedgerRun r = new ReleaseCheck.LedgerRun(job + "-" + clock, job, status,
        Instant.parse("2025-06-01T00:00:00Z").plusSeconds(60L * clock++), i.start(), i.end(), in,
        out);
    runs.add(r);
    return r;
  }

  void governed(Interval i, long curated) {
    run("govern", "SUCCEEDED", i, Map.of(), Map.of(CURATED, curated));
  }

  void deidentified(Interval i, String status, long curated, long shifted) {
    run("deidentify", status, i, Map.of(CURATED, curated), Map.of(SHIFTED, shifted));
  }

  java.util.Optional<String> check(long shiftedRead) {
    return ReleaseCheck.refusal(runs, MARCH, Map.of(SHIFTED, shiftedRead), CURATED);
  }

  @Test
  void acceptsAReleaseOfTheGovernedIntervalEvenAfterAnotherIntervalWasReleased() {
    governed(MARCH, 1);
    deidentified(MARCH, "SUCCEEDED", 1, 10);
    assertThat(check(10)).isEmpty();
    // April governed and released later: the shifted table's current snapshot is April's
    governed(APRIL, 2);
    deidentified(APRIL, "SUCCEEDED", 2, 11);
    assertThat(check(11)).isEmpty();
  }

  @Test
  void refusesWithoutRunsOrWhenTheLatestRunDidNotSucceed() {
    assertThat(check(10)).get().asString().contains("no deidentify run");
    governed(MARCH, 1);
    deidentified(MARCH, "SUCCEEDED", 1, 10);
    deidentified(MARCH, "FAILED", 1, 10);
    assertThat(check(10)).get().asString().contains("FAILED").contains("deidentify");
    deidentified(MARCH, "SUCCEEDED", 1, 12);
    run("govern", "BLOCKED", MARCH, Map.of(), Map.of());
    assertThat(check(12)).get().asString().contains("latest govern run").contains("BLOCKED");
  }

  @Test
  void refusesASnapshotNoSucceededRunPublished() {
    governed(MARCH, 1);
    deidentified(MARCH, "SUCCEEDED", 1, 10);
    assertThat(check(99)).get().asString().contains("snapshot 99")
        .contains("outside the pipeline");
  }

  @Test
  void refusesAReleaseOlderThanTheLatestGovernRun() {
    governed(MARCH, 1);
    deidentified(MARCH, "SUCCEEDED", 1, 10);
    governed(MARCH, 3);
    assertThat(check(10)).get().asString().contains("older than the interval's governed data");
  }

  @Test
  void refusesARunThatDoesNotCoverTheInterval() {
    Interval firstHalf = Interval.parse("2025-03-01", "2025-03-15");
    governed(MARCH, 1);
    deidentified(firstHalf, "SUCCEEDED", 1, 10);
    assertThat(check(10)).get().asString().contains("does not cover");
  }
}
