package io.carelake.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.tables.Tables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The lifecycle every job shares, with a stand-in engine and the ledger on a SQLite catalog. */
class TestJobRuntime {

  @TempDir Path home;

  /** A job whose validate and run do what the test says, and which counts its engine's starts. */
  @Command(name = "probe", mixinStandardHelpOptions = true)
  final class Probe implements JobRuntime.Lifecycle<String> {
    @Option(names = "--verbose") boolean verbose;
    @Option(names = "--count") int count;
    Exception badInput;
    Exception failure;
    boolean recorded = true;
    boolean ledgerOpened;
    int engineStarts;
    int engineStops;

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public boolean verbose() {
      return verbose;
    }

    @Override
    public JobRuntime.Plan validate() throws Exception {
      if (badInput != null) {
        throw badInput;
      }
      if (!recorded) {
        return JobRuntime.Plan.unrecorded();
      }
      Catalog catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
      return new JobRuntime.Plan(Run.start("probe", null), () -> {
        ledgerOpened = true;
        return new RunLedger(catalog);
      });
    }

    @Override
    public String startEngine() {
      engineStarts++;
      return "engine";
    }

    @Override
    public void stopEngine(String engine) {
      engineStops++;
    }

    @Override
    public void run(String engine, ActiveRun active) throws Exception {
      if (failure != null) {
        throw failure;
      }
      if (active != null) {
        active.run().rows(count, count, 0);
      }
    }
  }

  private record Result(JobRuntime.Outcome outcome, String err) {}

  private static Result run(Probe probe, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JobRuntime.Outcome outcome;
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      outcome = JobRuntime.run(probe, probe, args, err);
    }
    return new Result(outcome, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadOptionIsAUsageErrorWithTheUsageAndNoEngine() {
    Probe probe = new Probe();
    Result r = run(probe, "--count", "many");
    assertThat(r.outcome()).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(r.err()).startsWith("carelake probe: ").contains("'many'").contains("Usage:");
    assertThat(probe.engineStarts).isZero();
  }

  @Test
  void helpExitsZeroWithoutValidating() {
    Probe probe = new Probe();
    probe.badInput = new ConfigException("never read");
    assertThat(run(probe, "--help").outcome().exit()).isEqualTo(JobExit.OK);
  }

  @Test
  void badInputFoundByValidationExitsTwoBeforeTheLedgerAndTheEngine() {
    Probe probe = new Probe();
    probe.badInput = new ConfigException("spec.yaml:7: 'severity' must be one of block, warn");
    Result r = run(probe);
    assertThat(r.outcome()).isEqualTo(new JobRuntime.Outcome(JobExit.USAGE, false));
    assertThat(r.err()).isEqualTo("carelake probe: spec.yaml:7: 'severity' must be one of block,"
        + " warn" + System.lineSeparator());
    assertThat(probe.ledgerOpened).isFalse();
    assertThat(probe.engineStarts).isZero();
  }

  @Test
  void aCheckedLoaderExceptionIsBadInputToo() {
    Probe probe = new Probe();
    probe.badInput = new java.io.IOException("cohort.yaml:3: unknown key");
    Result r = run(probe, "--verbose");
    assertThat(r.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(r.err()).contains("cohort.yaml:3: unknown key").contains("\tat ");
  }

  @Test
  void aRecordedRunStartsAndStopsItsEngineAndEndsInTheLedger() throws Exception {
    Probe probe = new Probe();
    Result r = run(probe, "--count", "4");
    assertThat(r.outcome()).isEqualTo(new JobRuntime.Outcome(JobExit.OK, true));
    assertThat(probe.engineStarts).isEqualTo(1);
    assertThat(probe.engineStops).isEqualTo(1);
    assertThat(r.err()).matches("(?s)\\[probe\\] SUCCEEDED in [0-9.]+ s: 4 rows in, 4 out, 0 set"
        + " aside \\(run [^)]+\\)\\R");
    assertThat(ledgerStatuses()).containsExactly("SUCCEEDED");
  }

  @Test
  void aBlockedRunExitsThreeAndAFailedOneOneWithTheMessage() throws Exception {
    Probe blocked = new Probe();
    blocked.failure = new RunBlockedException("rule v1 failed on 3 rows");
    Result b = run(blocked);
    assertThat(b.outcome().exit()).isEqualTo(JobExit.BLOCKED);
    assertThat(b.err()).contains("[probe] BLOCKED").contains("[probe] rule v1 failed on 3 rows");

    Probe failed = new Probe();
    failed.failure = new IllegalStateException("raw.visits does not exist");
    Result f = run(failed);
    assertThat(f.outcome()).isEqualTo(new JobRuntime.Outcome(JobExit.FAILED, true));
    assertThat(f.err()).contains("[probe] FAILED").contains("raw.visits does not exist")
        .doesNotContain("\tat ");
    assertThat(failed.engineStops).as("the engine is stopped after a failure").isEqualTo(1);
    assertThat(ledgerStatuses()).containsExactlyInAnyOrder("BLOCKED", "FAILED");
  }

  @Test
  void anUnrecordedRunPrintsNoSummaryAndItsErrorOnOneLine() throws Exception {
    Probe ok = new Probe();
    ok.recorded = false;
    Result r = run(ok);
    assertThat(r.outcome()).isEqualTo(new JobRuntime.Outcome(JobExit.OK, true));
    assertThat(r.err()).isEmpty();

    Probe failed = new Probe();
    failed.recorded = false;
    failed.failure = new IllegalStateException("topic visits does not exist");
    Result f = run(failed);
    assertThat(f.outcome().exit()).isEqualTo(JobExit.FAILED);
    assertThat(f.err()).isEqualTo("carelake probe: topic visits does not exist"
        + System.lineSeparator());
    assertThat(CatalogFactory.open(CarelakeConfig.load(home, Map.of()))
        .tableExists(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS))).isFalse();
  }

  private List<String> ledgerStatuses() throws Exception {
    var table = CatalogFactory.open(CarelakeConfig.load(home, Map.of()))
        .loadTable(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS));
    List<String> statuses = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(rec -> statuses.add((String) rec.getField("status")));
    }
    return statuses;
  }
}
