package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;

import io.carelake.core.time.Interval;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Whether the release the corpus reads may be used: the ledger ({@code governance.runs}) must show
 * that the interval was governed and de-identified by runs that SUCCEEDED, that nothing newer
 * than those runs failed for the interval, and that the snapshots the corpus reads are the ones
 * those runs (or later succeeded runs of the same jobs) published. Anything else — a failed or
 * blocked rerun, a govern rerun after the release (the release is stale), a table written outside
 * the pipeline — is a refusal with the reason; the job turns it into exit 3.
 *
 * <p>The decision is a pure function of the ledger rows ({@link #refusal}), so that it can be
 * tested on hand-written histories; the ledger holds one small row per run, so the rows of the
 * two jobs are read to the driver.
 */
final class ReleaseCheck {

  static final String GOVERN = "govern";
  static final String DEIDENTIFY = "deidentify";
  static final String SUCCEEDED = "SUCCEEDED";

  /** One ledger row, the fields the check needs. */
  record LedgerRun(String runId, String job, String status, Instant startedAt, LocalDate start,
      LocalDate end, Map<String, Long> inputs, Map<String, Long> outputs) {

    boolean overlaps(Interval i) {
      return start != null && end != null && start.isBefore(i.end()) && i.start().isBefore(end);
    }

    boolean covers(Interval i) {
      return start != null && end != null && !start.isAfter(i.start()) && !end.isBefore(i.end());
    }

    boolean succeeded() {
      return SUCCEEDED.equals(status);
    }

    String describe() {
      return job + " run " + runId + " (" + start + ".." + end + ", " + status + ")";
    }
  }

  private ReleaseCheck() {}

  /** The govern and deidentify rows of the ledger. */
  static List<LedgerRun> read(Dataset<Row> runs) {
    return runs.where(col("job").isin(GOVERN, DEIDENTIFY))
        .select("run_id", "job", "status", "started_at", "interval_start", "interval_end",
            "input_snapshots", "output_snapshots")
        .collectAsList().stream().map(ReleaseCheck::ledgerRun).toList();
  }

  private static LedgerRun ledgerRun(Row r) {
    return new LedgerRun(r.getString(0), r.getString(1), r.getString(2),
        r.getTimestamp(3).toInstant(), r.isNullAt(4) ? null : r.getDate(4).toLocalDate(),
        r.isNullAt(5) ? null : r.getDate(5).toLocalDate(), javaMap(r, 6), javaMap(r, 7));
  }

  private static Map<String, Long> javaMap(Row r, int i) {
    return r.isNullAt(i) ? Map.of() : r.getJavaMap(i);
  }

  /**
   * Why the release may not be used for {@code interval}, or empty when it may.
   *
   * @param read the snapshot ids the corpus reads, by table name (e.g. {@code safe.visits})
   * @param curated the table whose snapshot deidentify read (e.g. {@code curated.visits})
   */
  static Optional<String> refusal(List<LedgerRun> runs, Interval interval,
      Map<String, Long> read, String curated) {
    Optional<LedgerRun> deid = latest(runs, DEIDENTIFY, interval);
    Optional<String> bad = requireSucceeded(deid, DEIDENTIFY, interval);
    if (bad.isPresent()) {
      return bad;
    }
    LedgerRun d = deid.orElseThrow();
    for (Map.Entry<String, Long> table : read.entrySet()) {
      if (!publishedSince(runs, DEIDENTIFY, d.startedAt(), table.getKey(), table.getValue())) {
        return Optional.of(table.getKey() + " is at snapshot " + table.getValue() + ", which no"
            + " succeeded deidentify run since " + d.describe() + " published (the table was"
            + " written outside the pipeline, or by a run that did not succeed). Rerun"
            + " `deidentify` for " + interval + ", then `corpus`.");
      }
    }
    Optional<LedgerRun> gov = latest(runs, GOVERN, interval);
    bad = requireSucceeded(gov, GOVERN, interval);
    if (bad.isPresent()) {
      return bad;
    }
    LedgerRun g = gov.orElseThrow();
    Long curatedRead = d.inputs().get(curated);
    if (curatedRead == null
        || !publishedSince(runs, GOVERN, g.startedAt(), curated, curatedRead)) {
      return Optional.of(d.describe() + " released " + curated + " at snapshot " + curatedRead
          + ", not what " + g.describe() + " (or a later succeeded govern run) published: the"
          + " release is older than the interval's governed data. Rerun `deidentify` for "
          + interval + ", then `corpus`.");
    }
    return Optional.empty();
  }

  /** The run of {@code job} overlapping the interval that started last. */
  private static Optional<LedgerRun> latest(List<LedgerRun> runs, String job, Interval interval) {
    return runs.stream().filter(r -> r.job().equals(job) && r.overlaps(interval))
        .max(Comparator.comparing(LedgerRun::startedAt));
  }

  private static Optional<String> requireSucceeded(Optional<LedgerRun> run, String job,
      Interval interval) {
    if (run.isEmpty()) {
      return Optional.of("no " + job + " run for " + interval + " in governance.runs: the corpus"
          + " is built only from governed, de-identified data. Run `" + job + "` for the"
          + " interval first.");
    }
    LedgerRun r = run.get();
    if (!r.succeeded()) {
      return Optional.of("the latest " + job + " run for " + interval + " is " + r.describe()
          + ", not SUCCEEDED. Fix what it reported (governance.runs.message) and rerun `" + job
          + "` for the interval.");
    }
    if (!r.covers(interval)) {
      return Optional.of("the latest " + job + " run overlapping " + interval + " is "
          + r.describe() + ", which does not cover the whole interval. Run `" + job
          + "` for " + interval + " or build the corpus for the run's interval.");
    }
    return Optional.empty();
  }

  /** A succeeded run of {@code job} started at or after {@code since} wrote this snapshot. */
  private static boolean publishedSince(List<LedgerRun> runs, String job, Instant since,
      String table, Long snapshot) {
    return snapshot != null && runs.stream().anyMatch(r -> r.job().equals(job) && r.succeeded()
        && !r.startedAt().isBefore(since) && snapshot.equals(r.outputs().get(table)));
  }
}
