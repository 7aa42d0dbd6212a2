package io.carelake.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.time.Interval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on a real Iceberg JDBC catalog backed by SQLite, as the embedded runtime uses it. */
class TestRunLedger {

  @TempDir Path home;

  @Test
  void recordsRunsThatAnyIcebergClientCanRead() throws Exception {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    Catalog catalog = CatalogFactory.open(config);
    RunLedger ledger = new RunLedger(catalog);

    Run run = Run.start("govern", Interval.parse("2025-01-01", "2025-01-02"))
        .parameter("spec", "visits.yaml").specHash("abc123")
        .input("raw.visits", 17L).output("curated.visits", 18L)
        .rows(100, 97, 3).count("quarantined", 3).requireReconciled();
    ledger.record(run.succeeded());
    ledger.record(Run.start("report", null).rows(0, 0, 0).failed("no runs yet"));

    assertThat(home.resolve("catalog.db")).exists();
    assertThat(Files.list(home.resolve("warehouse"))).isNotEmpty();

    Table table = CatalogFactory.open(config).loadTable(
        CatalogFactory.identifier(io.carelake.core.tables.Tables.GOVERNANCE_RUNS));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(rows::add);
    }
    assertThat(rows).hasSize(2);
    Record govern = rows.stream().filter(r -> r.getField("job").equals("govern")).findFirst()
        .orElseThrow();
    assertThat(govern.getField("status")).isEqualTo("SUCCEEDED");
    assertThat(govern.getField("rows_in")).isEqualTo(100L);
    assertThat(govern.getField("rows_set_aside")).isEqualTo(3L);
    assertThat(govern.getField("spec_hash")).isEqualTo("abc123");
    @SuppressWarnings("unchecked")
    Map<String, Long> inputs = (Map<String, Long>) govern.getField("input_snapshots");
    assertThat(inputs).containsEntry("raw.visits", 17L);
    assertThat(govern.getField("interval_start")).hasToString("2025-01-01");
    Record report = rows.stream().filter(r -> r.getField("job").equals("report")).findFirst()
        .orElseThrow();
    assertThat(report.getField("status")).isEqualTo("FAILED");
    assertThat(report.getField("message")).isEqualTo("no runs yet");
  }

  @Test
  void aRunThatDoesNotReconcileRefusesToSucceed() {
    Run run = Run.start("govern", null).rows(10, 7, 2);
    assertThatThrownBy(run::requireReconciled)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("10 rows in, 7 out, 2 set aside (+1 unaccounted)");
  }

  @Test
  void walModeIsOnForTheSharedCatalog() throws Exception {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    new RunLedger(CatalogFactory.open(config)).table();
    try (var conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("catalog.db"));
        var rs = conn.createStatement().executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }
}
