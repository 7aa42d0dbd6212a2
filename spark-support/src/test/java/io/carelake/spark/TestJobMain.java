package io.carelake.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.ledger.ActiveRun;
import io.carelake.core.ledger.Run;
import io.carelake.core.ledger.RunLedger;
import io.carelake.core.tables.Tables;
import io.carelake.core.time.Interval;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * JobMain with a real Spark session (shared by the tests: JobMain leaves a session it did not
 * create running) and the real ledger on SQLite: the lease refuses a second run of a job and
 * interval before the job starts, and a library's message quoting a value is masked in the ledger.
 */
class TestJobMain {

  @TempDir static Path home;
  static SparkSession spark;

  @BeforeAll
  static void session() {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    SparkSession.Builder b = SparkSession.builder().master("local[1]").appName("test-jobmain")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1");
    SparkSessions.catalogConf(cfg).forEach(b::config);
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A job that counts its calls and throws what it is given. */
  @Command(name = "probe")
  static final class Probe extends IntervalJob {
    int calls;
    RuntimeException failure;

    @Override
    public void run(SparkSession session, JobContext ctx) {
      calls++;
      ctx.run().rows(0, 0, 0);
      if (failure != null) {
        throw failure;
      }
    }
  }

  record Outcome(int exit, String stderr) {}

  static Outcome run(Probe job, String start, String end) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = JobMain.run(job, new String[] {"--home", home.toString(), "--interval-start",
          start, "--interval-end", end});
      return new Outcome(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  static List<Record> runs(String job) throws Exception {
    var table = CatalogFactory.open(CarelakeConfig.load(home, Map.of()))
        .loadTable(CatalogFactory.identifier(Tables.GOVERNANCE_RUNS));
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> {
        if (r.getField("job").equals(job)) {
          out.add(r.copy());
        }
      });
    }
    return out;
  }

  @Test
  void aSecondRunOfTheSameIntervalIsRefusedBeforeTheJobStarts() throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    Run holder = Run.start("probe", Interval.parse("2025-03-01", "2025-03-08"));
    ActiveRun held = new RunLedger(CatalogFactory.open(cfg)).begin(holder);
    Probe job = new Probe();
    Outcome out = run(job, "2025-03-03", "2025-03-04");
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(job.calls).isZero();
    assertThat(out.stderr()).contains("probe for [2025-03-03, 2025-03-04) is already running: run "
        + holder.id());
    held.end(holder.rows(0, 0, 0).succeeded());

    assertThat(run(job, "2025-03-03", "2025-03-04").exit()).isEqualTo(JobMain.EXIT_OK);
    assertThat(job.calls).isEqualTo(1);
    // the session the test made is still there: JobMain stops only a session it created
    assertThat(spark.sparkContext().isStopped()).isFalse();
  }

  @Test
  void aLibrarysMessageQuotingAValueIsMaskedInTheLedgerAndTheOutput() throws Exception {
    Probe job = new Probe();
    String phone = "13912345678";
    try {
      Integer.parseInt("王秀英 " + phone);
    } catch (NumberFormatException e) {
      job.failure = e;
    }
    Outcome out = run(job, "2025-04-01", "2025-04-02");
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_FAILED);
    Record failed = runs("probe").stream()
        .filter(r -> "FAILED".equals(r.getField("status"))).findFirst().orElseThrow();
    String message = (String) failed.getField("message");
    assertThat(message).startsWith("NumberFormatException: For input string: \"…\"");
    assertThat(message + out.stderr()).doesNotContain(phone).doesNotContain("王秀英");
  }
}
