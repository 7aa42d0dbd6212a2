package io.carelake.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's run lifecycle on a real Iceberg JDBC catalog (SQLite): RUNNING at start, the end
 * replacing it, the lease refusing a second run of the same job and interval, and dead runs
 * (SIGKILLed child JVM, expired lease elsewhere) recorded ABANDONED by the next run.
 */
class TestRunLease {

  static final Interval MARCH_1 = Interval.parse("2025-03-01", "2025-03-02");
  static final Interval MARCH = Interval.parse("2025-03-01", "2025-04-01");
  static final Interval APRIL = Interval.parse("2025-04-01", "2025-04-02");

  @TempDir Path home;
  CarelakeConfig config;
  Catalog catalog;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2025-06-01T08:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void open() {
    config = CarelakeConfig.load(home, Map.of());
    catalog = CatalogFactory.open(config);
  }

  List<Record> rows() throws Exception {
    Table table = CatalogFactory.open(config).loadTable(
        CatalogFactory.identifier(Tables.GOVERNANCE_RUNS));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> rows.add(r.copy()));
    }
    return rows;
  }

  Record row(String runId) throws Exception {
    return rows().stream().filter(r -> r.getField("run_id").equals(runId)).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + runId));
  }

  @Test
  void aRunIsRecordedRunningAtStartAndItsEndReplacesTheRow() throws Exception {
    RunLedger ledger = new RunLedger(catalog);
    Run run = Run.start("govern", MARCH_1).parameter("spec", "visits.yaml");
    ActiveRun active = ledger.begin(run);
    Record running = row(run.id());
    assertThat(running.getField("status")).isEqualTo("RUNNING");
    assertThat(running.getField("ended_at")).isNull();
    assertThat(running.getField("lease_owner").toString())
        .contains("/" + ProcessHandle.current().pid() + "/");
    assertThat(running.getField("lease_expires_at")).isNotNull();

    run.rows(10, 9, 1).output("curated.visits", 42L);
    active.end(run.succeeded());
    List<Record> all = rows();
    assertThat(all).hasSize(1);
    Record ended = all.get(0);
    assertThat(ended.getField("status")).isEqualTo("SUCCEEDED");
    assertThat(ended.getField("ended_at")).isNotNull();
    assertThat(ended.getField("lease_expires_at")).isNull();
    assertThat(ended.getField("rows_in")).isEqualTo(10L);
    assertThatThrownBy(() -> active.end(run.failed("again")))
        .hasMessageContaining("already ended SUCCEEDED");
  }

  @Test
  void aSecondRunOfTheSameJobAndOverlappingIntervalIsRefusedWhileTheFirstIsAlive()
      throws Exception {
    RunLedger ledger = new RunLedger(catalog);
    Run first = Run.start("deidentify", MARCH);
    ActiveRun active = ledger.begin(first);
    Run second = Run.start("deidentify", MARCH_1);
    assertThatThrownBy(() -> ledger.begin(second))
        .isInstanceOf(RunConflictException.class)
        .hasMessageStartingWith("deidentify for [2025-03-01, 2025-03-02) is already running: run "
            + first.id() + " for [2025-03-01, 2025-04-01)")
        .hasMessageContaining("process " + LeaseOwner.current())
        .hasMessageContaining("Wait for it to end and rerun");
    // another interval of the same job, or another job on the same interval, may run
    ActiveRun april = ledger.begin(Run.start("deidentify", APRIL));
    ActiveRun govern = ledger.begin(Run.start("govern", MARCH_1));
    april.end(april.run().succeeded());
    govern.end(govern.run().succeeded());
    active.end(first.succeeded());
    // once the first has ended, the second can start
    ActiveRun again = ledger.begin(Run.start("deidentify", MARCH_1));
    again.end(again.run().succeeded());
    assertThat(rows()).extracting(r -> r.getField("status"))
        .containsOnly("SUCCEEDED").hasSize(4);
  }

  @Test
  void aRunKilledWithSigkillIsRecordedAbandonedByTheNextRun() throws Exception {
    Path ready = home.resolve("child-began");
    Process child = new ProcessBuilder(javaExecutable(), "-cp",
        System.getProperty("java.class.path"), ChildRun.class.getName(), home.toString(),
        ready.toString())
        .redirectErrorStream(true).redirectOutput(home.resolve("child.out").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(ready).as("the child began its run; output: "
          + (Files.exists(home.resolve("child.out")) ? Files.readString(home.resolve("child.out"))
          : "")).exists();
      String childRun = Files.readString(ready).strip();
      assertThat(row(childRun).getField("status")).isEqualTo("RUNNING");
      // the same job and interval cannot start while the child lives
      assertThatThrownBy(() -> new RunLedger(catalog).begin(Run.start("govern", MARCH_1)))
          .isInstanceOf(RunConflictException.class).hasMessageContaining(childRun);

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no end written
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Run next = Run.start("govern", MARCH_1);
      ActiveRun active = new RunLedger(catalog).begin(next);
      Record killed = row(childRun);
      assertThat(killed.getField("status")).isEqualTo("ABANDONED");
      assertThat(killed.getField("ended_at")).isNotNull();
      assertThat(killed.getField("message").toString()).contains("is gone")
          .contains("found by run " + next.id()).contains("Rerun the job");
      active.end(next.succeeded());
    } finally {
      child.destroyForcibly();
    }
  }

  /** The child JVM of the kill test: begins a run, says so, and waits to be killed. */
  public static final class ChildRun {
    public static void main(String[] args) throws Exception {
      CarelakeConfig config = CarelakeConfig.load(Path.of(args[0]), Map.of());
      Run run = Run.start("govern", MARCH_1);
      new RunLedger(CatalogFactory.open(config)).begin(run);
      Files.writeString(Path.of(args[1]), run.id());
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  @Test
  void aRunElsewhereIsAbandonedOnlyOnceItsLeaseHasExpired() throws Exception {
    TestClock clock = new TestClock();
    Duration lease = Duration.ofMinutes(10);
    RunLedger there = new RunLedger(catalog, lease, new LeaseOwner("other-host", 4242, 1L), clock);
    RunLedger here = new RunLedger(catalog, lease, LeaseOwner.current(), clock);
    Run remote = Run.start("features", MARCH_1);
    ActiveRun remoteRun = there.begin(remote);

    clock.now = clock.now.plus(lease).minusSeconds(1);
    assertThatThrownBy(() -> here.begin(Run.start("features", MARCH_1)))
        .isInstanceOf(RunConflictException.class)
        .hasMessageContaining("process other-host/4242/1")
        .hasMessageContaining("its lease expires at 2025-06-01T08:10:00Z");

    clock.now = clock.now.plusSeconds(2);
    Run next = Run.start("features", MARCH_1);
    ActiveRun nextRun = here.begin(next);
    Record abandoned = row(remote.id());
    assertThat(abandoned.getField("status")).isEqualTo("ABANDONED");
    assertThat(abandoned.getField("message").toString())
        .contains("lease expired at 2025-06-01T08:10:00Z without a heartbeat");

    // the remote run was only slow: it must not publish now, but its end is still recorded
    assertThatThrownBy(remoteRun::requireLease).isInstanceOf(RunConflictException.class)
        .hasMessageContaining("lost its lease").hasMessageContaining("ABANDONED");
    remoteRun.end(remote.failed("stopped: lost its lease"));
    assertThat(row(remote.id()).getField("status")).isEqualTo("FAILED");
    nextRun.requireLease();
    nextRun.end(next.succeeded());
  }

  @Test
  void aHeartbeatKeepsTheLeaseAlive() throws Exception {
    TestClock clock = new TestClock();
    Duration lease = Duration.ofMinutes(10);
    RunLedger there = new RunLedger(catalog, lease, new LeaseOwner("other-host", 7, 1L), clock);
    RunLedger here = new RunLedger(catalog, lease, LeaseOwner.current(), clock);
    Run run = Run.start("corpus", MARCH_1);
    ActiveRun active = there.begin(run);
    for (int i = 0; i < 3; i++) {
      clock.now = clock.now.plus(Duration.ofMinutes(8));
      active.renew();
    }
    // 24 minutes after the start the lease still holds: the last beat was at 24 min
    assertThat(active.leaseExpiresAt()).isEqualTo(clock.now.plus(lease));
    assertThat(row(run.id()).getField("heartbeat_at").toString()).contains("08:24");
    assertThatThrownBy(() -> here.begin(Run.start("corpus", MARCH_1)))
        .isInstanceOf(RunConflictException.class);
    active.requireLease();
    active.end(run.succeeded());
  }

  @Test
  void aLedgerWrittenBeforeLeasesExistedIsEvolvedInPlace() throws Exception {
    // the table as earlier versions created it: ended_at required, no lease columns
    org.apache.iceberg.Schema old = new org.apache.iceberg.Schema(
        io.carelake.core.tables.TableSchemas.GOVERNANCE_RUNS.columns().stream()
            .filter(c -> c.fieldId() <= 17)
            .map(c -> c.name().equals("ended_at") ? org.apache.iceberg.types.Types.NestedField
                .required(c.fieldId(), c.name(), c.type()) : c)
            .toList());
    CatalogFactory.createIfMissing(catalog, Tables.GOVERNANCE_RUNS, old,
        io.carelake.core.tables.TableSchemas.runsSpec());
    Run before = Run.start("govern", MARCH_1).rows(1, 1, 0);
    RunLedger ledger = new RunLedger(catalog);
    ledger.record(before.succeeded());
    Run now = Run.start("govern", MARCH_1);
    ActiveRun active = ledger.begin(now);
    assertThat(row(now.id()).getField("status")).isEqualTo("RUNNING");
    active.end(now.blocked("a blocking rule failed"));
    assertThat(rows()).extracting(r -> r.getField("status"))
        .containsExactlyInAnyOrder("SUCCEEDED", "BLOCKED");
  }

  @Test
  void theLeaseLengthIsConfigurable() throws Exception {
    assertThat(RunLedger.lease(config)).isEqualTo(RunLedger.LEASE_DEFAULT);
    Files.writeString(config.file(), "\nledger.lease-seconds=90\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(RunLedger.lease(CarelakeConfig.load(home, Map.of())))
        .isEqualTo(Duration.ofSeconds(90));
    Files.writeString(config.file(), "\nledger.lease-seconds=soon\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RunLedger.lease(CarelakeConfig.load(home, Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'ledger.lease-seconds'").hasMessageContaining("got 'soon'");
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classpath() {
    return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
  }
}
