package io.carelake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carelake audit ingest}: raw.* against a generator manifest written by hand. The raw
 * tables here carry only the columns the audit reads (event ids, error codes, the ledger's counts).
 */
class TestFaultAudit {

  private static final Schema EVENTS = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()));
  private static final Schema DEAD = new Schema(
      Types.NestedField.required(1, "error_code", Types.StringType.get()));
  private static final Schema RUNS = new Schema(
      Types.NestedField.required(1, "run_id", Types.StringType.get()),
      Types.NestedField.required(2, "job", Types.StringType.get()),
      Types.NestedField.required(3, "status", Types.StringType.get()),
      Types.NestedField.required(4, "started_at", Types.TimestampType.withZone()),
      Types.NestedField.required(5, "rows_in", Types.LongType.get()),
      Types.NestedField.required(6, "rows_out", Types.LongType.get()),
      Types.NestedField.required(7, "rows_set_aside", Types.LongType.get()));

  /** 3 visits, 2 vitals, 2 dead letters (one each), 1 duplicate: 8 messages. */
  private static final String MANIFEST = """
      {"visits": {"events": 4, "messages": 5, "expected_raw_rows": 3, "expected_duplicates": 1,
                  "expected_dead_letters": {"NOT_JSON": 1}},
       "vitals": {"events": 3, "messages": 3, "expected_raw_rows": 2, "expected_duplicates": 0,
                  "expected_dead_letters": {"BAD_EVENT_TIME": 1}}}
      """;

  @TempDir Path home;

  @Test
  void everyEventOnceWithItsDeadLettersAndARunThatReconcilesPasses() {
    Catalog catalog = catalog(List.of("v1", "v2", "v3"), List.of("s1", "s2"),
        List.of("NOT_JSON", "BAD_EVENT_TIME"), 8, 5, 3);
    assertThat(audit(catalog)).isEmpty();
  }

  @Test
  void anEventWrittenTwiceIsADuplicateEvenWhenTheRowCountMatches() {
    // the restart wrote v3 again and lost v2: rows still 3
    Catalog catalog = catalog(List.of("v1", "v3", "v3"), List.of("s1", "s2"),
        List.of("NOT_JSON", "BAD_EVENT_TIME"), 8, 5, 3);
    assertThat(audit(catalog)).containsExactly(
        "raw.visits holds 3 rows for 2 event ids: 1 duplicate(s)",
        "raw.visits holds 2 distinct events, the manifest expects 3");
  }

  @Test
  void aLostEventADeadLetterTwiceAndALedgerThatDoesNotReconcileAreEachNamed() {
    // a vital lost, a visit's dead letter written twice and a vital's lost
    Catalog catalog = catalog(List.of("v1", "v2", "v3"), List.of("s1"),
        List.of("NOT_JSON", "NOT_JSON"), 8, 5, 2);
    assertThat(audit(catalog)).containsExactly(
        "raw.vitals holds 1 distinct events, the manifest expects 2",
        "raw.dead_letters by error code is {NOT_JSON=2}, the manifest expects"
            + " {BAD_EVENT_TIME=1, NOT_JSON=1}",
        "8 messages published but 4 raw rows + 2 dead letters + 1 duplicates",
        "the newest ingest run run-2 is SUCCEEDED with 8 in, 5 out, 2 set aside; expected"
            + " SUCCEEDED with 8 in, 4 out, 3 set aside");
  }

  @Test
  void savedDigestsDifferByTable() {
    assertThat(FaultAudit.compare(Map.of("curated.visits", "3:aa", "curated.vitals", "2:bb"),
        Map.of("curated.visits", "3:aa", "curated.vitals", "2:bc", "quarantine.visits", "0:00")))
        .containsExactly("curated.vitals: undisturbed 2:bb, now 2:bc (rows:content hash)",
            "quarantine.visits: undisturbed (none), now 0:00 (rows:content hash)");
  }

  /** The command end to end: its verdict is the exit code, its lines go to the given stream. */
  @Test
  void theCommandExitsZeroWhenEveryCheckHoldsAndOneWhenOneFails() throws IOException {
    catalog(List.of("v1", "v2", "v3"), List.of("s1", "s2"), List.of("NOT_JSON", "BAD_EVENT_TIME"),
        8, 5, 3);
    Path manifest = Files.writeString(home.resolve("manifest.json"), MANIFEST);
    ToolRun passes = cli("ingest", "--home", home.toString(), "--manifest", manifest.toString());
    assertThat(passes.outcome().exit()).as(passes.text()).isEqualTo(JobExit.OK);
    assertThat(passes.text()).contains("audit ingest: every published event is in raw.* exactly"
        + " once");

    Path saved = home.resolve("digests.properties");
    ToolRun save = cli("tables", "--home", home.toString(), "--namespace", "raw", "--save",
        saved.toString());
    assertThat(save.outcome().exit()).as(save.text()).isEqualTo(JobExit.OK);
    assertThat(save.text()).contains("audit tables: raw.visits 3:");
    ToolRun same = cli("tables", "--home", home.toString(), "--namespace", "raw", "--expect",
        saved.toString());
    assertThat(same.outcome().exit()).as(same.text()).isEqualTo(JobExit.OK);
    Files.writeString(saved, "raw.visits=2\\:00\n");
    ToolRun differs = cli("tables", "--home", home.toString(), "--namespace", "raw", "--expect",
        saved.toString());
    assertThat(differs.outcome().exit()).as(differs.text()).isEqualTo(JobExit.FAILED);
    assertThat(differs.text()).contains("audit tables: PROBLEM raw.visits: undisturbed 2:00");
  }

  /** Bad input is exit 2 before any table is read: the run is never reached. */
  @Test
  void badInputExitsTwoBeforeAnyTableIsRead() {
    CarelakeConfig.load(home, Map.of());
    Path missing = home.resolve("absent.json");
    List<ToolRun> bad = List.of(
        cli(),
        cli("ingest", "--home", home.toString(), "--manifest", missing.toString()),
        cli("ingest", "--home", home.resolve("no-home").toString(), "--manifest",
            missing.toString()),
        cli("tables", "--home", home.toString(), "--namespace", "raw"),
        cli("tables", "--home", home.toString(), "--namespace", "raw", "--expect",
            missing.toString()),
        cli("tables", "--home", home.toString(), "--namespace", "raw", "--save",
            home.resolve("no-dir").resolve("d.properties").toString()));
    List<String> says = List.of("say ingest or tables", "Cannot read the manifest " + missing,
        "No carelake home at " + home.resolve("no-home"), "say one of --save FILE or --expect FILE",
        "Cannot read the saved digests " + missing, "Cannot write the digests to");
    for (int i = 0; i < bad.size(); i++) {
      ToolRun c = bad.get(i);
      assertThat(c.outcome().exit()).as(c.text()).isEqualTo(JobExit.USAGE);
      assertThat(c.outcome().engineStarted()).isFalse();
      assertThat(c.text()).startsWith("carelake audit: ").contains(says.get(i))
          .doesNotContain("\tat ");
    }
    assertThat(Files.exists(home.resolve("no-home"))).isFalse();
    assertThat(cli("--help").outcome().exit()).isEqualTo(JobExit.OK);
    assertThat(cli("tables", "--help").outcome().exit()).isEqualTo(JobExit.OK);
  }

  private static ToolRun cli(String... args) {
    return ToolRun.of(FaultAudit::new, args);
  }

  private static List<String> audit(Catalog catalog) {
    try {
      JsonNode manifest = new ObjectMapper().readTree(MANIFEST);
      return FaultAudit.auditIngest(catalog, manifest, new PrintStream(new ByteArrayOutputStream(),
          true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw tables and a ledger with an older failed ingest run and the newest one given. */
  private Catalog catalog(List<String> visits, List<String> vitals, List<String> dead,
      long in, long out, long aside) {
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
    for (String ns : List.of("raw", "governance")) {
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of(ns));
    }
    write(catalog, "raw", "visits", EVENTS, visits.stream().map(id -> record(EVENTS, id)).toList());
    write(catalog, "raw", "vitals", EVENTS, vitals.stream().map(id -> record(EVENTS, id)).toList());
    write(catalog, "raw", "dead_letters", DEAD, dead.stream().map(c -> record(DEAD, c)).toList());
    OffsetDateTime t = OffsetDateTime.parse("2025-03-02T01:00:00Z");
    write(catalog, "governance", "runs", RUNS, List.of(
        run("run-1", "FAILED", t, 8, 0, 0), run("run-2", "SUCCEEDED", t.plusHours(1), in, out, aside),
        govern(t.plusHours(2))));
    return catalog;
  }

  private static Record record(Schema schema, String value) {
    Record r = GenericRecord.create(schema);
    r.set(0, value);
    return r;
  }

  private static Record run(String id, String status, OffsetDateTime at, long in, long out,
      long aside) {
    Record r = GenericRecord.create(RUNS);
    r.setField("run_id", id);
    r.setField("job", "ingest");
    r.setField("status", status);
    r.setField("started_at", at);
    r.setField("rows_in", in);
    r.setField("rows_out", out);
    r.setField("rows_set_aside", aside);
    return r;
  }

  /** A later run of another job: not the ingest run the audit looks at. */
  private static Record govern(OffsetDateTime at) {
    Record r = run("govern-1", "FAILED", at, 0, 0, 0);
    r.setField("job", "govern");
    return r;
  }

  private static void write(Catalog catalog, String ns, String name, Schema schema,
      List<Record> rows) {
    Table table = catalog.createTable(TableIdentifier.of(ns, name), schema);
    try {
      DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(
              table.locationProvider().newDataLocation("part-0.parquet")))
          .schema(schema).createWriterFunc(type -> GenericParquetWriter.create(schema, type))
          .withSpec(PartitionSpec.unpartitioned()).overwrite().build();
      try (writer) {
        rows.forEach(writer::write);
      }
      table.newAppend().appendFile(writer.toDataFile()).commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
