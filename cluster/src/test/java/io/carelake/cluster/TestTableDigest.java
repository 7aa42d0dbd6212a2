package io.carelake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.jobs.JobExit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code carelake digest --against}: two homes (two embedded catalogs here; the cluster profile is
 * the same code on PostgreSQL and HDFS) holding the same rows in other files and orders, with other
 * run ids, are identical; one changed value is a difference, exit 1.
 */
class TestTableDigest {

  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.optional(2, "value", Types.DoubleType.get()),
      Types.NestedField.optional(3, "run_id", Types.StringType.get()));

  @TempDir Path a;
  @TempDir Path b;

  @Test
  void theSameRowsInOtherFilesWithOtherRunIdsAreIdenticalAndOneChangedValueIsNot() {
    write(a, List.of(List.of(row("e1", 1.5, "run-a"), row("e2", 2.5, "run-a"))));
    // the other deployment: one file per row, in the other order, its own run id
    write(b, List.of(List.of(row("e2", 2.5, "run-b")), List.of(row("e1", 1.5, "run-b"))));
    Result same = digest(a, b);
    assertThat(same.exit()).as(same.out()).isZero();
    assertThat(same.out()).contains("raw.probe").contains("same").contains("identical")
        .contains("run_id");

    Path c = a.resolveSibling(a.getFileName() + "-c");
    write(c, List.of(List.of(row("e1", 1.5, "run-c"), row("e2", 2.6, "run-c"))));
    Result different = digest(a, c);
    assertThat(different.exit()).isOne();
    assertThat(different.out()).contains("DIFFERENT").contains("1 table(s) differ")
        .contains("columns that differ: value\n");
  }

  /**
   * A home that does not exist is bad input: exit 2 before any catalog is opened, and the home is
   * not created (a digest reads a deployment, it never sets one up).
   */
  @Test
  void aMissingHomeExitsTwoWithoutCreatingIt() {
    write(a, List.of(List.of(row("e1", 1.5, "run-a"))));
    Path missing = a.resolveSibling(a.getFileName() + "-missing");
    for (String[] args : List.of(new String[] {"--home", missing.toString()},
        new String[] {"--home", a.toString(), "--against", missing.toString()})) {
      ToolRun ran = ToolRun.of(TableDigest::new, args);
      assertThat(ran.outcome().exit()).isEqualTo(JobExit.USAGE);
      assertThat(ran.outcome().engineStarted()).isFalse();
      assertThat(ran.text()).contains("carelake digest: No carelake home at " + missing)
          .doesNotContain("\tat ");
      assertThat(Files.exists(missing)).isFalse();
    }
  }

  @Test
  void oneHomeAloneIsListedAndHelpAndABadOptionExitAsUsual() {
    write(a, List.of(List.of(row("e1", 1.5, "run-a"))));
    ToolRun listed = ToolRun.of(TableDigest::new, "--home", a.toString());
    assertThat(listed.outcome().exit()).as(listed.text()).isEqualTo(JobExit.OK);
    assertThat(listed.text()).contains("raw.probe").contains("home ");
    assertThat(ToolRun.of(TableDigest::new, "--help").outcome().exit()).isEqualTo(JobExit.OK);
    ToolRun bad = ToolRun.of(TableDigest::new, "--home", a.toString(), "--nope");
    assertThat(bad.outcome().exit()).isEqualTo(JobExit.USAGE);
    assertThat(bad.text()).contains("Unknown option: '--nope'").contains("Usage: digest");
  }

  private record Result(int exit, String out) {}

  private static Result digest(Path home, Path against) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int exit = new TableDigest(out).execute("--home", home.toString(), "--against",
        against.toString());
    return new Result(exit, buffer.toString(StandardCharsets.UTF_8));
  }

  private static void write(Path home, List<List<Record>> files) {
    Catalog catalog = CatalogFactory.open(CarelakeConfig.load(home, Map.of()));
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("raw"));
    Table table = catalog.createTable(TableIdentifier.of("raw", "probe"), SCHEMA);
    var append = table.newAppend();
    int n = 0;
    for (List<Record> rows : files) {
      DataWriter<Record> writer;
      try {
        writer = Parquet.writeData(table.io().newOutputFile(
                table.locationProvider().newDataLocation("part-" + n++ + ".parquet")))
            .schema(SCHEMA).createWriterFunc(type -> GenericParquetWriter.create(SCHEMA, type))
            .withSpec(PartitionSpec.unpartitioned()).overwrite().build();
        try (writer) {
          rows.forEach(writer::write);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      append.appendFile(writer.toDataFile());
    }
    append.commit();
  }

  private static Record row(String id, double value, String runId) {
    Record r = GenericRecord.create(SCHEMA);
    r.setField("event_id", id);
    r.setField("value", value);
    r.setField("run_id", runId);
    return r;
  }
}
