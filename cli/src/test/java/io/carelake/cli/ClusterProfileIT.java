package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
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
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The cluster profile's services, started and stopped by {@code carelake cluster}: PostgreSQL
 * (Debian's package) holds the Iceberg catalog, HDFS (Hadoop's mini cluster) holds the files, a
 * Spark standalone master counts its two workers, a Flink JobManager its TaskManager. Kept short
 * for bin/test: no stage runs here (a Spark stage on two one-core workers takes minutes); the
 * stages on the profile are {@code carelake demo --profile cluster} (cluster/README.md).
 */
class ClusterProfileIT {

  /**
   * Under the system's temporary directory, whose parents every user may traverse: started by
   * root, PostgreSQL runs as the postgres user, which a checkout under a closed directory (a CI
   * workspace under /root, say) would shut out. Deleted before each run.
   */
  private static final Path HOME = Path.of(System.getProperty("java.io.tmpdir"),
      "carelake-cluster-it-home").toAbsolutePath();
  private static final Schema PROBE = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "note", Types.StringType.get()));

  @Test
  void startServesACatalogOnPostgresqlWithTablesOnHdfsAndStopEndsEveryProcess() throws Exception {
    ItSupport.deleteRecursively(HOME);
    // the broker on a port of its own: other homes on this machine start theirs on the default
    CarelakeConfig.load(HOME).withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS,
        "127.0.0.1:" + Ports.free());
    StringBuilder out = new StringBuilder();
    try {
      assertThat(ItSupport.carelake(out, "cluster", "start", "--home", HOME.toString()))
          .as(out.toString()).isZero();
      CarelakeConfig config = CarelakeConfig.load(HOME);
      assertThat(config.get(CarelakeConfig.CATALOG_URI)).startsWith("jdbc:postgresql://127.0.0.1:");
      assertThat(config.get(CarelakeConfig.CATALOG_WAREHOUSE)).startsWith("hdfs://127.0.0.1:");
      assertThat(config.get(CarelakeConfig.LAUNCHER_SPARK_MASTER)).startsWith("spark://127.0.0.1:");
      assertThat(config.catalogProperties()).doesNotContainKeys("jdbc.journal_mode",
          "jdbc.busy_timeout");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file())))
          .isEqualTo("rw-------");
      // a stage would now be submitted, not run in a local JVM
      assertThat(Launcher.fromSystem().command(Job.GOVERN, config, List.of())
          .get(0)).endsWith("/bin/spark-submit");

      writeAndReadBack(config);
      assertThat(metadataLocationInPostgres(config, "it", "probe")).startsWith("hdfs://127.0.0.1:");

      ClusterProfile profile = new ClusterProfile(config, Launcher.fromSystem(), System.out);
      JsonNode master = ClusterProfile.getJson(profile.sparkMasterUi() + "/json/");
      assertThat(master.path("aliveworkers").asInt()).isEqualTo(SparkStandalone.WORKERS);
      JsonNode flink = ClusterProfile.getJson(profile.flinkRestUrl() + "/overview");
      assertThat(flink.path("taskmanagers").asInt()).isEqualTo(1);
      assertThat(ItSupport.carelake(out, "cluster", "status", "--home", HOME.toString())).isZero();
    } finally {
      assertThat(ItSupport.carelake(out, "cluster", "stop", "--home", HOME.toString()))
          .as(out.toString()).isZero();
    }
    CarelakeConfig config = CarelakeConfig.load(HOME);
    assertThat(new ClusterProfile(config, Launcher.fromSystem(), System.out).running()).isEmpty();
    assertThat(ItSupport.carelake(out, "cluster", "status", "--home", HOME.toString())).isOne();
  }

  /** One row through the catalog the jobs use: a data file on HDFS, the commit in PostgreSQL. */
  private static void writeAndReadBack(CarelakeConfig config) throws Exception {
    Catalog catalog = CatalogFactory.open(config);
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("it"));
    Table table = catalog.createTable(TableIdentifier.of("it", "probe"), PROBE);
    assertThat(table.location()).startsWith(config.get(CarelakeConfig.CATALOG_WAREHOUSE));
    OutputFile file = table.io().newOutputFile(table.locationProvider()
        .newDataLocation("probe-1.parquet"));
    DataWriter<Record> writer = Parquet.writeData(file).schema(PROBE)
        .createWriterFunc(type -> GenericParquetWriter.create(PROBE, type))
        .withSpec(PartitionSpec.unpartitioned()).overwrite().build();
    Record row = GenericRecord.create(PROBE);
    row.setField("id", 7L);
    row.setField("note", "on hdfs");
    try (writer) {
      writer.write(row);
    }
    assertThat(writer.toDataFile().location()).startsWith("hdfs://127.0.0.1:");
    table.newAppend().appendFile(writer.toDataFile()).commit();

    Table reread = CatalogFactory.open(config).loadTable(TableIdentifier.of("it", "probe"));
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(reread).build()) {
      records.forEach(r -> rows.add(r.getField("id") + ":" + r.getField("note")));
    }
    assertThat(rows).containsExactly("7:on hdfs");
  }

  /** Iceberg's JDBC catalog table, read with PostgreSQL's own driver: the catalog lives there. */
  private static String metadataLocationInPostgres(CarelakeConfig config, String namespace,
      String name) throws Exception {
    Map<String, String> p = config.catalogProperties();
    try (Connection c = DriverManager.getConnection(p.get("uri"), p.get("jdbc.user"),
            p.get("jdbc.password"));
        PreparedStatement q = c.prepareStatement("SELECT metadata_location FROM iceberg_tables"
            + " WHERE table_namespace = ? AND table_name = ?")) {
      q.setString(1, namespace);
      q.setString(2, name);
      try (ResultSet rs = q.executeQuery()) {
        assertThat(rs.next()).as("%s.%s in PostgreSQL's iceberg_tables", namespace, name).isTrue();
        return rs.getString(1);
      }
    }
  }
}
