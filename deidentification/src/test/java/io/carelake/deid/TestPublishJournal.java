package io.carelake.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish killed between two tables' fast-forwards (issue 11 item 7) is completed by the next
 * run: plain Iceberg tables in the JDBC catalog, no Spark (the whole job's publish path is in
 * {@code TestDeidentifyJob}).
 */
class TestPublishJournal {

  private static final String BRANCH = "audit_run_1";
  private static final List<TableName> TABLES = List.of(Tables.SAFE_VISITS, Tables.SAFE_VITALS,
      DateShift.SHIFTED_VISITS);

  @TempDir
  Path home;

  private Catalog catalog;
  private final Map<TableName, Long> forkedFrom = new LinkedHashMap<>();
  private final Map<TableName, Long> audited = new LinkedHashMap<>();

  /** Each table: a released main, and the run's branch one (audited) snapshot ahead. */
  @BeforeEach
  void forkAndWriteBranches() {
    catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
    for (TableName name : TABLES) {
      Schema schema = name.equals(Tables.SAFE_VITALS) ? SafeSchemas.SAFE_VITALS
          : SafeSchemas.SAFE_VISITS;
      Table t = CatalogFactory.createIfMissing(catalog, name, schema, SafeSchemas.spec(schema));
      t.newAppend().commit();
      t.refresh();
      long main = t.currentSnapshot().snapshotId();
      t.manageSnapshots().createBranch(BRANCH, main).commit();
      t.newAppend().toBranch(BRANCH).commit();
      t.refresh();
      forkedFrom.put(name, main);
      audited.put(name, t.refs().get(BRANCH).snapshotId());
    }
  }

  private Table table(TableName name) {
    Table t = catalog.loadTable(CatalogFactory.identifier(name));
    t.refresh();
    return t;
  }

  private long main(TableName name) {
    return table(name).currentSnapshot().snapshotId();
  }

  @Test
  void aPublishPublishesEveryTableAndLeavesNoIntentNorBranch() {
    Map<TableName, Long> published = PublishJournal.publish(catalog, "run-1", BRANCH, forkedFrom,
        t -> { });
    assertThat(published).isEqualTo(audited);
    for (TableName name : TABLES) {
      assertThat(main(name)).isEqualTo(audited.get(name));
      assertThat(table(name).refs()).doesNotContainKey(BRANCH);
    }
    assertThat(table(Tables.SAFE_VISITS).properties()).doesNotContainKey(PublishJournal.PROPERTY);
    assertThat(PublishJournal.recover(catalog, line -> { })).isEmpty();
  }

  @Test
  void aKillBetweenFastForwardsIsRolledForwardByTheNextRun() {
    assertThatThrownBy(() -> PublishJournal.publish(catalog, "run-1", BRANCH, forkedFrom, t -> {
      if (t.equals(Tables.SAFE_VISITS)) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    // inconsistent: safe.visits released, the others not
    assertThat(main(Tables.SAFE_VISITS)).isEqualTo(audited.get(Tables.SAFE_VISITS));
    assertThat(main(Tables.SAFE_VITALS)).isEqualTo(forkedFrom.get(Tables.SAFE_VITALS));
    assertThat(table(Tables.SAFE_VISITS).properties()).containsKey(PublishJournal.PROPERTY);

    List<String> log = new ArrayList<>();
    List<String> done = PublishJournal.recover(catalog, log::add);

    assertThat(done).hasSize(2);
    assertThat(log).singleElement().asString().contains("completed the publish of run run-1",
        "safe.vitals", "safe.visits_date_shifted", BRANCH);
    for (TableName name : TABLES) {
      assertThat(main(name)).as("%s main", name).isEqualTo(audited.get(name));
      assertThat(table(name).refs()).doesNotContainKey(BRANCH);
      assertThat(table(name).snapshot(forkedFrom.get(name))).as("replaced release expired")
          .isNull();
    }
    assertThat(table(Tables.SAFE_VISITS).properties()).doesNotContainKey(PublishJournal.PROPERTY);
    assertThat(PublishJournal.recover(catalog, log::add)).isEmpty();
    assertThat(log).hasSize(1);
  }

  @Test
  void aPublishOfARunStillRunningIsLeftToThatRun() {
    io.carelake.core.ledger.Run live = io.carelake.core.ledger.Run.start("deidentify",
        io.carelake.core.time.Interval.parse("2025-04-01", "2025-04-02"));
    new io.carelake.core.ledger.RunLedger(catalog).begin(live);
    assertThatThrownBy(() -> PublishJournal.publish(catalog, live.id(), BRANCH, forkedFrom,
        t -> {
          throw new IllegalStateException("paused"); // stands for a run between fast-forwards
        })).hasMessage("paused");
    assertThat(PublishJournal.recover(catalog, line -> { })).isEmpty();
    assertThat(main(Tables.SAFE_VITALS)).isEqualTo(forkedFrom.get(Tables.SAFE_VITALS));
    assertThat(table(Tables.SAFE_VISITS).properties()).containsKey(PublishJournal.PROPERTY);
  }

  @Test
  void aTableMovedByHandStopsTheRecoveryWithWhatToDo() {
    assertThatThrownBy(() -> PublishJournal.publish(catalog, "run-1", BRANCH, forkedFrom, t -> {
      throw new IllegalStateException("killed");
    })).hasMessage("killed");
    table(Tables.SAFE_VITALS).newAppend().commit(); // main moved past its fork point
    assertThatThrownBy(() -> PublishJournal.recover(catalog, line -> { }))
        .hasMessageContaining("safe.vitals cannot be completed")
        .hasMessageContaining("remove the table property " + PublishJournal.PROPERTY);
    assertThat(table(Tables.SAFE_VISITS).properties()).containsKey(PublishJournal.PROPERTY);
  }

  @Test
  void theIntentRoundTrips() {
    Map<TableName, long[]> moves = new LinkedHashMap<>();
    moves.put(Tables.SAFE_VISITS, new long[] {1L, -2L});
    moves.put(Tables.SAFE_VITALS, new long[] {3L, 4L});
    PublishJournal.Intent back = PublishJournal.Intent.decode(
        new PublishJournal.Intent("r", "audit_r", moves).encode());
    assertThat(back.runId()).isEqualTo("r");
    assertThat(back.branch()).isEqualTo("audit_r");
    assertThat(back.moves().keySet()).containsExactly(Tables.SAFE_VISITS, Tables.SAFE_VITALS);
    assertThat(back.moves().get(Tables.SAFE_VISITS)).containsExactly(1L, -2L);
  }
}
